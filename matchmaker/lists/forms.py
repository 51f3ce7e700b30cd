"""Form fields shared by the need and offer forms (edge checks only; business rules live in
the services)."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..services.lists.rules import DESCRIPTION_MAX, TITLE_MAX


class ListItemForm(FlaskForm):
    title = StringField("项目名称", validators=[
        DataRequired("项目名称必填。"),
        Length(max=TITLE_MAX, message=f"项目名称最多 {TITLE_MAX} 字。")])
    start_date = StringField("开始日期", validators=[Optional(), Length(max=20)])
    end_date = StringField("结束日期", validators=[Optional(), Length(max=20)])
    description = TextAreaField("项目简介", validators=[
        Length(max=DESCRIPTION_MAX, message=f"项目简介最多 {DESCRIPTION_MAX} 字。")])
    contact_name = StringField("联系人", validators=[Length(max=60)])
    contact_phone = StringField("联系电话", validators=[Length(max=30)])
    save_draft = SubmitField("保存草稿")
    publish = SubmitField("保存并发布")
