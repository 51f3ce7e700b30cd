"""Log in, log out, profile (password, API tokens)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import unit_of_work
from ..extensions import db, limiter
from ..models import ApiToken
from ..services.accounts import identity
from ..services.errors import DomainError, Throttled
from ..services.platform import audit
from ..web import client_ip, is_safe_next
from . import sessions
from .forms import ChangePasswordForm, ConfirmForm, LoginForm, TokenForm

bp = Blueprint("auth", __name__)
bp.record_once(lambda state: sessions.register(state.app))


def _policy() -> identity.LoginPolicy:
    cfg = current_app.config
    return identity.LoginPolicy(
        max_failures=cfg["LOGIN_MAX_FAILURES"],
        lock_minutes=cfg["LOGIN_LOCK_MINUTES"],
        max_failures_per_ip=cfg["LOGIN_MAX_FAILURES_PER_IP"],
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               key_func=lambda: client_ip() or "?")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = unit_of_work.run(lambda: identity.authenticate(
                form.email.data, form.password.data, ip=client_ip(), policy=_policy()),
                keep_on_refusal=True)  # keep the failure record and the counters
        except DomainError as exc:
            error = exc.message
            status = exc.status if isinstance(exc, Throttled) else 401
        else:
            target = request.args.get("next")
            sessions.sign_in(user)
            flash(f"欢迎，{user.display_name}。", "success")
            return redirect(target if is_safe_next(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        sessions.sign_out(lambda: audit.record("logout", user=current_user, ip=client_ip()))
        flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET"])
@login_required
def profile():
    return _render_profile()


def _render_profile(password_form=None, token_form=None, new_token=None, status=200):
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return (
        render_template(
            "auth/profile.html",
            password_form=password_form or ChangePasswordForm(),
            token_form=token_form or TokenForm(),
            revoke_form=ConfirmForm(),
            tokens=tokens,
            new_token=new_token,
        ),
        status,
    )


@bp.post("/profile/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            unit_of_work.run(lambda: identity.change_password(
                current_user, form.old_password.data, form.new_password.data, ip=client_ip(),
                keep_session=sessions.current_token()))
        except DomainError as exc:
            for field, messages in exc.fields.items():
                getattr(form, field).errors = list(messages)
        else:
            flash("密码已修改，其他设备上的登录和全部 API 令牌已失效。", "success")
            return redirect(url_for("auth.profile"))
    return _render_profile(password_form=form, status=422)


@bp.post("/profile/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_profile(token_form=form, status=422)
    token = unit_of_work.run(lambda: identity.create_token(
        current_user, form.name.data or "", days=current_app.config["API_TOKEN_DAYS"]))
    flash("令牌已生成。它只显示这一次，请立即复制保存。", "success")
    return _render_profile(new_token=token)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            unit_of_work.run(lambda: identity.revoke_token(current_user, token_id))
        except DomainError as exc:
            flash(exc.message, "danger")
        else:
            flash("令牌已吊销。", "info")
    return redirect(url_for("auth.profile"))
