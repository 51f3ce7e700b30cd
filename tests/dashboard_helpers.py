"""A small, known data set for the dashboard tests (real rows through the ORM)."""

from __future__ import annotations

from datetime import datetime, timedelta

from matchmaker.extensions import db
from matchmaker.models import Match
from matchmaker.models.base import utcnow
from tests import factories


def make_match(need, offer, status, amount, *, created=None, accepted_days=None,
               completed_days=None, delivered=None):
    """A match in ``status`` with the money moved as the services would."""
    created = created or utcnow() - timedelta(days=40)
    match = Match(need=need, offer=offer, status=status, amount_yuan=amount, created_at=created)
    if accepted_days is not None:
        match.need_accepted_at = created + timedelta(days=accepted_days / 2)
        match.offer_accepted_at = created + timedelta(days=accepted_days)
    if completed_days is not None:
        match.completed_on = (created + timedelta(days=completed_days)).date()
        match.delivered_yuan = delivered if delivered is not None else amount
        match.delivery_status = "confirmed"  # the offer side confirmed the figures
    if status in ("confirmed", "accepted", "completed"):
        need.committed_yuan += amount
        offer.committed_yuan += amount
    db.session.add(match)
    db.session.flush()
    return match


def build() -> dict:
    """Needs in 西藏 (日喀则 county and prefecture), 新疆 (乌鲁木齐) and 兵团 (第一师);
    offers from 上海 (a bureau with a USCC) and a foundation; matches in every step."""
    tibet = factories.make_org(name="日喀则市民政局", region_code="540200",
                               uscc="11540200MB0000001X")
    xinjiang = factories.make_org(name="乌鲁木齐市民政局", region_code="650100")
    bingtuan = factories.make_org(name="第一师民政局", region_code="XJBT01")
    shanghai = factories.make_org(name="上海市民政局", region_code="310000",
                                  uscc="11310000MB2F12345B")
    found = factories.make_org(name="深圳慈善基金会", kind="social_org", region_code="440000")
    old = utcnow() - timedelta(days=45)
    n = {
        "edu": factories.make_need(tibet, region_code="540222", sector_code="0104",
                                   budget_yuan=1_000_000),
        "health": factories.make_need(tibet, region_code="540200", sector_code="0201",
                                      budget_yuan=600_000),
        "stale": factories.make_need(tibet, region_code="540222", sector_code="0102",
                                     budget_yuan=300_000),
        "xj": factories.make_need(xinjiang, region_code="650102", sector_code="0104",
                                  budget_yuan=800_000),
        "bt": factories.make_need(bingtuan, region_code="XJBT01", sector_code="1001",
                                  budget_yuan=400_000),
        "draft": factories.make_need(tibet, region_code="540200", sector_code="0104",
                                     budget_yuan=9_000_000, status="draft"),
    }
    n["edu"].published_at = n["stale"].published_at = old
    o = {
        "sh": factories.make_offer(shanghai, sectors=("0104", "0201"), budget_yuan=3_000_000),
        "fd": factories.make_offer(found, sectors=("1001",), budget_yuan=500_000),
    }
    base = datetime(2025, 3, 1, 9, 0)
    m = {
        "done": make_match(n["edu"], o["sh"], "completed", 400_000, created=base,
                           accepted_days=4, completed_days=64, delivered=380_000),
        "done2": make_match(n["bt"], o["fd"], "completed", 200_000, created=base,
                            accepted_days=10, completed_days=40, delivered=200_000),
        "acc": make_match(n["xj"], o["sh"], "accepted", 300_000, created=base,
                          accepted_days=6),
        "conf": make_match(n["health"], o["sh"], "confirmed", 100_000),
        "rej": make_match(n["edu"], o["fd"], "rejected", 0),
    }
    db.session.commit()
    return {"needs": n, "offers": o, "matches": m,
            "orgs": {"tibet": tibet, "xinjiang": xinjiang, "bingtuan": bingtuan,
                     "shanghai": shanghai, "found": found}}

