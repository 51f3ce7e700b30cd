"""The offer form: the shared fields plus several sectors, target regions and budget."""

from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from ..lists.forms import ListItemForm


class OfferForm(ListItemForm):
    sectors = SelectMultipleField("领域（可多选）", validate_choice=False,
                                  validators=[DataRequired("至少选择一个领域。")])
    target_regions = SelectMultipleField("意向受援地区（可多选，不选表示不限）",
                                         validate_choice=False)
    budget_wan = StringField("可投入资金（万元）", validators=[DataRequired("可投入资金必填。"),
                                                          Length(max=20)])
