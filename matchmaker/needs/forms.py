"""The need form: the shared fields plus sector, region, budget and beneficiaries."""

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..lists.forms import ListItemForm


class NeedForm(ListItemForm):
    sector = SelectField("领域", validate_choice=False,
                         validators=[DataRequired("请选择领域。")])
    region = SelectField("受援地区", validate_choice=False,
                         validators=[DataRequired("请选择受援地区。")])
    budget_wan = StringField("资金需求（万元）", validators=[DataRequired("资金需求必填。"),
                                                        Length(max=20)])
    beneficiaries = StringField("受益人数", validators=[Optional(), Length(max=12)])
