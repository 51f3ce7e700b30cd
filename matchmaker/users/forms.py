"""Forms for the admin's user pages."""

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..models.users import ROLES
from ..orgs.forms import SelectField, choices


class NewUserForm(FlaskForm):
    email = EmailField("邮箱", validators=[DataRequired("邮箱必填。"),
                                          Length(max=254, message="最多 254 字。")])
    display_name = StringField("姓名", validators=[Length(max=60, message="最多 60 字。")])
    role = SelectField("角色", choices=choices(ROLES.items()), default="recipient")
    organisation = SelectField("所属单位", choices=[], default="")
    submit = SubmitField("创建用户")


class ActionForm(FlaskForm):
    """The confirmation step of an account action: only a CSRF token."""

    submit = SubmitField("确认")
