"""The home page: each role sees its own figures."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import unit_of_work
from ..permissions import is_org_user
from ..services.platform import health
from ..services.platform import notifications as inbox
from ..services.reporting.overview import home_summary

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.home"))


@bp.get("/home")
@login_required
def home():
    template = "main/home_org.html" if is_org_user(current_user) else "main/home_staff.html"
    return render_template(template, summary=home_summary(current_user))


@bp.get("/healthz")
def healthz():
    """Liveness for load balancers: 200 when the database (and Redis, when configured)
    answers, else 503; states and counts only, no secrets."""
    report, healthy = health.check()
    return report, 200 if healthy else 503


@bp.get("/notifications")
@login_required
def notifications():
    return render_template("main/notifications.html", items=inbox.recent(current_user))


@bp.post("/notifications/read")
@login_required
def notifications_read():
    unit_of_work.run(lambda: inbox.mark_all_read(current_user))
    return redirect(url_for("main.notifications"))
