"""Forms for list import and hit decisions."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class ListUploadForm(FlaskForm):
    file = FileField("名单文件（.xlsx 或 .csv）", validators=[FileRequired("请选择文件。")])
    submit = SubmitField("导入名单")


class DecisionForm(FlaskForm):
    decision = SelectField("处理", choices=[SelectChoice("clear", "排除（不是名单上的组织）"),
                                            SelectChoice("suspend", "暂停该单位")])
    note = TextAreaField("复核意见", validators=[DataRequired("请填写复核意见。"),
                                               Length(max=500, message="最多 500 字。")])
    password = PasswordField("您的密码（管理员暂停单位须确认）",
                             validators=[Length(max=200)])
    submit = SubmitField("提交")
