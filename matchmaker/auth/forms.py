"""Forms for logging in and the profile page."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = StringField("邮箱", validators=[DataRequired("请输入邮箱。"), Length(max=254)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])
    submit = SubmitField("登录")


class ChangePasswordForm(FlaskForm):
    old_password = PasswordField("原密码", validators=[DataRequired("请输入原密码。")])
    new_password = PasswordField(
        "新密码", validators=[DataRequired("请输入新密码。"), Length(max=200)]
    )
    confirm = PasswordField(
        "确认新密码",
        validators=[
            DataRequired("请再次输入新密码。"),
            EqualTo("new_password", "两次输入的密码不一致。"),
        ],
    )
    submit = SubmitField("修改密码")


class TokenForm(FlaskForm):
    name = StringField("令牌用途", validators=[Length(max=60, message="用途最多 60 个字。")])
    submit = SubmitField("生成 API 令牌")


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token, for POST buttons (logout, revoke)."""

    submit = SubmitField("确认")
