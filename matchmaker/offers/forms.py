"""The offer form. Business validation lives in services.offers.clean."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..services.listing import DESCRIPTION_MAX, TITLE_MAX


class OfferForm(FlaskForm):
    title = StringField("项目名称", validators=[
        DataRequired("项目名称必填。"),
        Length(max=TITLE_MAX, message=f"项目名称最多 {TITLE_MAX} 字。")])
    sectors = SelectMultipleField("领域（可多选）", validate_choice=False,
                                  validators=[DataRequired("至少选择一个领域。")])
    target_regions = SelectMultipleField("意向受援地区（可多选，不选表示不限）",
                                         validate_choice=False)
    budget_wan = StringField("可投入资金（万元）", validators=[DataRequired("可投入资金必填。"),
                                                          Length(max=20)])
    start_date = StringField("开始日期", validators=[Optional(), Length(max=20)])
    end_date = StringField("结束日期", validators=[Optional(), Length(max=20)])
    description = TextAreaField("项目简介", validators=[
        Length(max=DESCRIPTION_MAX, message=f"项目简介最多 {DESCRIPTION_MAX} 字。")])
    contact_name = StringField("联系人", validators=[Length(max=60)])
    contact_phone = StringField("联系电话", validators=[Length(max=30)])
    save_draft = SubmitField("保存草稿")
    publish = SubmitField("保存并发布")
