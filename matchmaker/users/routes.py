"""Admin pages for user accounts: list, create, and the lifecycle actions (each a POST
behind a confirmation page, each audited)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import unit_of_work
from ..auth.sessions import current_token
from ..extensions import db
from ..models import Organisation, User
from ..permissions import requires
from ..services.accounts import identity, lifecycle, sessions
from ..services.errors import DomainError
from ..services.params import page_args
from ..web import client_ip
from .forms import ActionForm, NewUserForm, choices

bp = Blueprint("users", __name__, url_prefix="/admin/users")


#: action → (title, explanation, button, service, success message)
ACTIONS: dict[str, tuple[str, str, str, Callable, str]] = {
    "deactivate": ("停用账户", "停用后该用户无法登录，现有登录和全部 API 令牌立即失效。",
                   "确定停用", lifecycle.deactivate, "账户已停用。"),
    "reactivate": ("恢复账户", "恢复后该用户可再次登录（已吊销的令牌不会恢复）。",
                   "确定恢复", lifecycle.reactivate, "账户已恢复。"),
    "unlock": ("解除锁定", "解除因多次登录失败造成的临时锁定。", "确定解锁",
               lifecycle.unlock, "账户已解锁。"),
    "reset_password": ("重置密码", "将生成一个临时密码（只显示一次）；该用户下次登录后"
                       "必须修改密码，现有登录和全部 API 令牌立即失效。", "确定重置",
                       lifecycle.reset_password, "密码已重置。"),
    "revoke_tokens": ("吊销全部 API 令牌", "该用户的全部 API 令牌立即失效。", "确定吊销",
                      lifecycle.revoke_tokens, "令牌已吊销。"),
    "end_sessions": ("结束全部登录", "该用户在所有设备上的登录立即失效，需要重新登录。",
                     "确定结束", lifecycle.end_sessions, "登录已结束。"),
}


def _org_choices() -> list:
    rows = db.session.execute(select(Organisation.id, Organisation.name)
                              .order_by(Organisation.name)).all()
    return choices([("", "（不属于任何单位）")] + [(str(i), n) for i, n in rows])


@bp.get("")
@requires("manage_users")
def index():
    q = request.args.get("q", "")[:100]
    status = request.args.get("status", "")
    status = status if status in lifecycle.STATUS_LABELS else ""
    page = db.paginate(lifecycle.users_query(q=q, status=status or None),
                       **page_args(request.args, current_app.config["PER_PAGE"],
                                   current_app.config["PER_PAGE"]), error_out=False)
    return render_template("users/list.html", page=page, filters={"q": q, "status": status},
                           statuses=lifecycle.STATUS_LABELS, status_of=lifecycle.status_of)


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_users")
def create():
    form = NewUserForm()
    form.organisation.choices = _org_choices()
    if form.validate_on_submit():
        org = db.session.get(Organisation, int(form.organisation.data)) \
            if form.organisation.data else None
        password = lifecycle.temporary_password()
        try:
            user = unit_of_work.run(lambda: identity.create_user(
                email=form.email.data, password=password, role=form.role.data,
                display_name=form.display_name.data or "", organisation=org, by=current_user,
                must_change_password=True))
        except DomainError as exc:
            for name, messages in exc.fields.items():
                field = getattr(form, "organisation" if name == "org" else name, None)
                if field is not None:
                    field.errors = list(messages)
            if not exc.fields:
                flash(exc.message, "danger")
        else:
            return render_template("users/password.html", user=user, password=password,
                                   created=True)
    status = 422 if form.is_submitted() else 200
    return render_template("users/form.html", form=form), status


@bp.get("/<int:user_id>")
@requires("manage_users")
def detail(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    return render_template("users/detail.html", user=user, actions=ACTIONS,
                           status=lifecycle.status_of(user), statuses=lifecycle.STATUS_LABELS,
                           live_sessions=sessions.live_count(user))


@bp.route("/<int:user_id>/<action>", methods=["GET", "POST"])
@requires("manage_users")
def act(user_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    user = db.session.get(User, user_id) or abort(404)
    title, explanation, button, service, done = ACTIONS[action]
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("users/confirm.html", user=user, title=title, action=action,
                               explanation=explanation, button=button, form=form)
    kwargs = {"by": current_user, "ip": client_ip()}
    if action == "end_sessions" and user.id == current_user.id:
        kwargs["keep_token"] = current_token()  # keep the admin's own session
    try:
        result = unit_of_work.run(lambda: service(user, **kwargs))
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("users.detail", user_id=user_id))
    if action == "reset_password":
        return render_template("users/password.html", user=user, password=result, created=False)
    flash(done, "success")
    return redirect(url_for("users.detail", user_id=user_id))
