"""Upload and confirm forms for sheet imports."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, SubmitField

from ..services.sheets.workbooks import MAX_BYTES


class UploadForm(FlaskForm):
    file = FileField("清单文件", validators=[
        FileRequired("请选择要导入的文件。"),
        FileAllowed(["xlsx", "xls", "csv"], "只支持 .xlsx、.xls 和 .csv 文件。"),
        FileSize(MAX_BYTES, message="文件过大，请控制在 5 MB 以内。"),
    ])
    draft = BooleanField("导入为草稿（不发布）")
    submit = SubmitField("上传并检查")


class ConfirmForm(FlaskForm):
    submit = SubmitField("确认导入")
