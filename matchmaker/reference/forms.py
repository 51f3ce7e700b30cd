"""Admin forms for reference data."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, AnyOf, DataRequired, Length, Optional


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


class ConceptForm(FlaskForm):
    name = StringField(
        "项目类型名称",
        validators=[DataRequired("请填写项目类型名称。"),
                    Length(min=2, max=60, message="名称须为 2–60 个字。")],
        description="双方常用的规范说法，例如“先天性心脏病救治”。")
    sector_code = SelectField("所属领域", validate_choice=False)
    notes = TextAreaField("来源与说明", validators=[Length(max=2000, message="说明最多 2000 字。")])
    submit = SubmitField("保存")


class TermForm(FlaskForm):
    term = StringField(
        "新增同义词",
        validators=[DataRequired("请填写同义词。"),
                    Length(min=2, max=60, message="同义词须为 2–60 个字（单字会误配太多项目）。")],
        description="简称、别称或一方的习惯说法，例如“先心病”。")
    submit = SubmitField("添加")


class ActiveForm(FlaskForm):
    """Disable or enable a concept or a synonym (the form carries the CSRF token)."""

    active = HiddenField(validators=[AnyOf(("0", "1"), message="无效操作。")])
