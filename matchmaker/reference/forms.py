"""Admin forms for reference data."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional


class PairingForm(FlaskForm):
    supporter_region_code = SelectField(
        "支援方所在省份", validate_choice=False,
        description="评分按此省份判断对口支援关系；计划单列市（如深圳市）选所在省，中央企业留空。")
    verified = BooleanField("已核实")
    active = BooleanField("现行有效")
    source_url = StringField(
        "来源网址",
        validators=[Optional(), URL(message="请输入有效的网址。"), Length(max=500)],
    )
    notes = TextAreaField("备注", validators=[Length(max=2000, message="备注最多 2000 字。")])
    submit = SubmitField("保存")


class RegionForm(FlaskForm):
    name = StringField(
        "名称", validators=[DataRequired("名称必填。"), Length(max=60, message="名称最多 60 字。")]
    )
    verified = BooleanField("已核实")
    notes = TextAreaField("备注", validators=[Length(max=2000, message="备注最多 2000 字。")])
    submit = SubmitField("保存")
