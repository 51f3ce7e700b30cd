"""Forms for registering and vetting organisations."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import SelectField as _SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from ..models.organisations import LEGAL_FORMS, ORG_KINDS, ORG_STATUSES

_LONG = "最多 {n} 字。"


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class SelectField(_SelectField):
    """A select whose invalid-choice message is Chinese (same name: templates style it)."""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValueError:
            raise ValidationError("请从列表中选择。") from None


def _len(n: int) -> Length:
    return Length(max=n, message=_LONG.format(n=n))


class OrganisationForm(FlaskForm):
    name = StringField("单位名称", validators=[DataRequired("单位名称必填。"), _len(120)])
    kind = SelectField("单位类型", choices=choices(ORG_KINDS.items()), default="social_org")
    region = SelectField("所在地区", choices=[], validate_choice=False)
    uscc = StringField("统一社会信用代码", validators=[Optional(), _len(30)])
    legal_form = SelectField(
        "组织形式", choices=choices([("", "（政府部门不填）")] + [(f, f) for f in LEGAL_FORMS]))
    registration_authority = StringField("登记管理机关", validators=[_len(120)])
    is_charity = BooleanField("慈善组织（已登记或认定）")
    has_public_fundraising = BooleanField("具有公开募捐资格")
    contact_name = StringField("联系人", validators=[_len(60)])
    contact_phone = StringField("联系电话", validators=[_len(30)])
    contact_email = EmailField("联系邮箱", validators=[
        Optional(), Email("邮箱格式不正确。", check_deliverability=False), _len(254)])


class AdminOrganisationForm(OrganisationForm):
    status = SelectField("初始状态", choices=choices([("pending", "待审核"),
                                                      ("verified", "已审核")]))
    submit = SubmitField("登记单位")


class RegisterForm(OrganisationForm):
    role = SelectField("账户类型", choices=choices([
        ("supporter", "支援方（对口支援地或社会组织）"),
        ("recipient", "受援方（西藏、新疆、兵团单位）")]))
    display_name = StringField("您的姓名", validators=[DataRequired("请填写姓名。"), _len(60)])
    email = EmailField("登录邮箱", validators=[DataRequired("请填写邮箱。"), _len(254)])
    password = PasswordField("密码", validators=[DataRequired("请设置密码。"), _len(200)])
    confirm = PasswordField("确认密码", validators=[
        DataRequired("请再次输入密码。"), EqualTo("password", "两次输入的密码不一致。")])
    submit = SubmitField("提交注册")


class StatusForm(FlaskForm):
    status = SelectField("新状态", choices=choices(ORG_STATUSES.items()))
    reason = TextAreaField("理由", validators=[DataRequired("请填写变更理由。"), _len(500)])
    password = PasswordField("您的密码（管理员操作须确认）", validators=[_len(200)])
    submit = SubmitField("变更状态")
