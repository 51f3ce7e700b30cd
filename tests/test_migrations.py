"""The migration chain builds exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from matchmaker import create_app
from matchmaker.extensions import db


def test_models_and_migrations_agree(ctx):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                db.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"})
    with app.app_context():
        upgrade()
        assert "matches" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert {"needs", "offers", "matches", "audit_events"} <= set(
            inspect(db.engine).get_table_names()
        )
        db.engine.dispose()


def test_open_requests_on_closed_items_end_when_migrating(tmp_path):
    """Requests left open on a need closed before 'ended' existed end by migration, with the
    reason the service writes; other open requests stay open."""
    from sqlalchemy import text

    from matchmaker.models import MatchRequest
    from matchmaker.services.reference import seed
    from tests import factories

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite'}"})
    with app.app_context():
        upgrade()
        seed.seed_all()
        recipient = factories.make_org(kind="bureau", region_code="540200")
        supporter = factories.make_org(region_code="310000")
        asker = factories.make_user("supporter", org=supporter)
        closed = factories.make_need(recipient, title="江孜县乡村教师培训")
        kept = factories.make_need(recipient, title="定日县敬老院供暖")
        offer = factories.make_offer(supporter)
        for need in (closed, kept):
            db.session.add(MatchRequest(need_id=need.id, offer_id=offer.id, side="offer",
                                        requested_by_id=asker.id,
                                        organisation_id=supporter.id, note="", status="open"))
        db.session.commit()
        downgrade(revision="b4f8d2a6c1e3")
        db.session.execute(text("UPDATE needs SET status = 'closed' WHERE id = :id"),
                           {"id": closed.id})
        db.session.commit()
        upgrade()
        rows = dict(db.session.execute(text(
            "SELECT need_id, status || '|' || decline_reason FROM match_requests")).all())
        assert rows == {closed.id: "ended|需求“江孜县乡村教师培训”已关闭，申请自动结束。",
                        kept.id: "open|"}
        db.session.remove()
        db.engine.dispose()
