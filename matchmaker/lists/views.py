"""View helpers shared by the needs and offers blueprints (loading, choices, status,
deletion), so each blueprint's routes stay thin and the rules stay in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import unit_of_work
from ..extensions import db
from ..models import Organisation, Sector
from ..permissions import (
    can_change_status,
    can_edit_item,
    can_view_item,
)
from ..services.errors import DomainError, join_messages
from ..services.lists import rules, visibility
from ..services.lists.browse import SORTS, Filters, browse, with_related
from ..services.params import page_args
from ..services.reference import choices as region_choices
from ..web import client_ip

STATUS_MESSAGES = {"published": "已发布。", "closed": "已关闭。"}


def load_visible(model, item_id: int):
    """The item, or 404 when it does not exist or is another organisation's draft."""
    item = db.session.get(model, item_id)
    if item is None or not can_view_item(current_user, item):
        abort(404)
    return item


def load_editable(model, item_id: int):
    item = load_visible(model, item_id)
    if not can_edit_item(current_user, item):
        abort(403)
    return item


def sector_choices(*, blank: str | None = "请选择领域") -> dict | list:
    """Sectors grouped by parent, for a SelectField (optgroups)."""
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order, Sector.code)).all()
    groups: dict[str, list[tuple[str, str]]] = {}
    for s in sectors:
        parent = s.parent.name if s.parent else s.name
        label = s.name if s.parent else f"{s.name}（综合）"
        groups.setdefault(parent, []).append((s.code, label))
    if blank is not None:
        return {"": [("", blank)], **groups}
    return groups


def list_page(model, template: str, **context):
    filters = Filters.from_args(request.args)
    page = db.paginate(with_related(browse(model, current_user, filters), model),
                       **page_args(request.args))
    organisation = (db.session.get(Organisation, filters.organisation_id)
                    if filters.organisation_id else None)
    return render_template(
        template, page=page, filters=filters, sorts=SORTS, organisation=organisation,
        sectors=sector_choices(blank="全部领域"), regions=region_choices.region_filter_choices(),
        **context,
    )


def detail_page(model, item_id: int, template: str):
    item = load_visible(model, item_id)
    show_contact = visibility.shows_contact(current_user, item)
    actions = rules.transitions(item) if can_change_status(current_user, item) else ()
    return render_template(template, item=item, show_contact=show_contact,
                           status_actions=actions)


def change_status(model, item_id: int, endpoint: str):
    item = load_visible(model, item_id)
    if not can_change_status(current_user, item):
        abort(403)
    target = rules.target_status(item, request.form.get("action", ""))
    if target is None:
        flash("该项目当前状态不能执行此操作，请刷新页面。", "danger")
        return redirect(url_for(endpoint, item_id=item_id))
    try:
        unit_of_work.run(lambda: rules.set_status(item, target, by=current_user, ip=client_ip()))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(STATUS_MESSAGES[target], "success")
    return redirect(url_for(endpoint, item_id=item_id))


def delete_page(model, item_id: int, template: str, list_endpoint: str, detail_endpoint: str):
    item = load_editable(model, item_id)
    if request.method == "POST":
        try:
            unit_of_work.run(lambda: rules.delete_item(item, by=current_user, ip=client_ip()))
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(detail_endpoint, item_id=item_id))
        flash("草稿已删除。", "success")
        return redirect(url_for(list_endpoint))
    return render_template(template, item=item)


def show_error(form, exc: DomainError) -> None:
    """A service error on the form: field errors beside fields, others as a message."""
    if exc.fields:
        apply_errors(form, exc.fields)
    else:
        flash(exc.message, "danger")


def apply_errors(form, errors: dict[str, list[str]]) -> None:
    """Show a service's field errors on the form fields of the same name (a field that
    already failed its edge check keeps that one message)."""
    for field, messages in errors.items():
        target = getattr(form, field, None)
        if target is not None:
            if not target.errors:
                target.errors = list(messages)
        else:
            flash(join_messages(messages), "danger")


@dataclass(frozen=True)
class ListKind:
    """What differs between the needs and the offers pages."""

    model: type
    service: Any  # services.needs or services.offers
    endpoint: str  # blueprint name
    noun: str  # 需求 / 供给
    can_post: Callable[[Any], bool]
    build_form: Callable[[Organisation, dict | None], Any]
    clean: Callable[[dict, Organisation], tuple[Any, dict]]


def _save(kind: ListKind, form, org: Organisation, item, form_ok: bool):
    """Validate through the service and save; the item, or None with every error found
    (the form's edge checks and the service's rules) shown beside its field."""
    raw = {name: form[name].data for name in kind.service.FIELDS}
    data, errors = kind.clean(raw, org)
    apply_errors(form, errors)
    if errors or not form_ok:
        return None
    publish = bool(form.publish.data)

    def save():
        if item is None:
            return kind.service.create(org, data, by=current_user, ip=client_ip(),
                                       status="published" if publish else "draft")
        kind.service.update(item, data, by=current_user, ip=client_ip())
        if publish and item.status == "draft":
            rules.set_status(item, "published", by=current_user, ip=client_ip())
        return item

    try:
        return unit_of_work.run(save)
    except DomainError as exc:
        show_error(form, exc)
        return None


def form_page(kind: ListKind, item_id: int | None = None):
    """Create (item_id None) or edit a need/offer; 422 with every error on a bad submit."""
    if item_id is None:
        if not kind.can_post(current_user):
            abort(403)
        item, org = None, current_user.organisation
        form = kind.build_form(org, None)
        if not form.is_submitted():  # 联系人 prefilled from the organisation / the user
            form.contact_name.data, form.contact_phone.data = rules.default_contact(current_user)
    else:
        item = load_editable(kind.model, item_id)
        org = item.organisation
        form = kind.build_form(org, kind.service.as_raw(item))
    saved = _save(kind, form, org, item, form.validate()) if form.is_submitted() else None
    if saved is not None:
        published_now = saved.status == "published" and (item is None or form.publish.data)
        flash(f"{kind.noun}已发布。" if published_now else "已保存。", "success")
        return redirect(url_for(f"{kind.endpoint}.detail", item_id=saved.id))
    status = 422 if form.is_submitted() else 200
    return render_template(f"{kind.endpoint}/form.html", form=form, item=item), status


def make_blueprint(kind: ListKind, url_prefix: str) -> Blueprint:
    """The list pages of ``kind``: index, detail, new, edit, status, delete."""
    bp = Blueprint(kind.endpoint, __name__, url_prefix=url_prefix)
    model, name = kind.model, kind.endpoint

    @bp.get("")
    @login_required
    def index():
        return list_page(model, f"{name}/list.html", can_post=kind.can_post(current_user))

    @bp.get("/<int:item_id>")
    @login_required
    def detail(item_id: int):
        return detail_page(model, item_id, f"{name}/detail.html")

    @bp.route("/new", methods=["GET", "POST"])
    @login_required
    def create():
        return form_page(kind)

    @bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
    @login_required
    def edit(item_id: int):
        return form_page(kind, item_id)

    @bp.post("/<int:item_id>/status")
    @login_required
    def status(item_id: int):
        return change_status(model, item_id, f"{name}.detail")

    @bp.route("/<int:item_id>/delete", methods=["GET", "POST"])
    @login_required
    def delete(item_id: int):
        return delete_page(model, item_id, "_delete_page.html", f"{name}.index",
                           f"{name}.detail")

    return bp
