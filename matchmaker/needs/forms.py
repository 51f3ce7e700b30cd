"""The need form. Business validation lives in services.needs.clean; the form keeps the
edge checks (CSRF, required, lengths)."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..services.listing import DESCRIPTION_MAX, TITLE_MAX


class NeedForm(FlaskForm):
    title = StringField("项目名称", validators=[
        DataRequired("项目名称必填。"),
        Length(max=TITLE_MAX, message=f"项目名称最多 {TITLE_MAX} 字。")])
    sector = SelectField("领域", validate_choice=False,
                         validators=[DataRequired("请选择领域。")])
    region = SelectField("受援地区", validate_choice=False,
                         validators=[DataRequired("请选择受援地区。")])
    budget_wan = StringField("资金需求（万元）", validators=[DataRequired("资金需求必填。"),
                                                        Length(max=20)])
    beneficiaries = StringField("受益人数", validators=[Optional(), Length(max=12)])
    start_date = StringField("开始日期", validators=[Optional(), Length(max=20)])
    end_date = StringField("结束日期", validators=[Optional(), Length(max=20)])
    description = TextAreaField("项目简介", validators=[
        Length(max=DESCRIPTION_MAX, message=f"项目简介最多 {DESCRIPTION_MAX} 字。")])
    contact_name = StringField("联系人", validators=[Length(max=60)])
    contact_phone = StringField("联系电话", validators=[Length(max=30)])
    save_draft = SubmitField("保存草稿")
    publish = SubmitField("保存并发布")
