"""The incremental index equals a full rebuild on the same data, whatever this process
cached; a change written by another process (another cache) is seen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import MatchIndexEntry, MatchIndexLog, Region, Sector
from matchmaker.services.matching import index, live
from tests import factories

TITLES = ["乡村教师培训", "基层医生进修", "先天性心脏病救治", "牧区饮水工程", "职业技能培训",
          "校舍维修", "远程医疗设备", "农牧民合作社", "图书室建设", "幼儿园教师培训"]


def snapshot() -> dict:
    rows = db.session.execute(select(MatchIndexEntry.need_id, MatchIndexEntry.offer_id,
                                     MatchIndexEntry.score, MatchIndexEntry.factors,
                                     MatchIndexEntry.reasons))
    return {(n, o): (s, f, r) for n, o, s, f, r in rows}


def rebuilt() -> dict:
    """The index a rebuild writes now (no refit), leaving the refreshed one in place."""
    refreshed = snapshot()
    live.forget()
    unit_of_work.run(lambda: index.rebuild(refit=False))
    fresh = snapshot()
    assert refreshed.keys() == fresh.keys() or refreshed == fresh
    return refreshed, fresh


@pytest.fixture()
def corpus(ctx, app):
    """A corpus where every list is shorter than K: each refresh must write every pair a
    rebuild writes."""
    app.config["MATCH_INDEX_TOP_K"] = 1000
    rikaze = factories.make_org(region_code="540200")
    shanghai = factories.make_org(region_code="310000")
    guangdong = factories.make_org(region_code="440000")
    needs = [factories.make_need(rikaze, title=f"江孜县{t}", region_code="540222",
                                 sector_code=("0104", "0201")[k % 2],
                                 budget_yuan=200_000 * (k + 1))
             for k, t in enumerate(TITLES)]
    offers = [factories.make_offer((shanghai, guangdong)[k % 2], title=t,
                                   sectors=(("0104",), ("0201",))[k % 3 % 2],
                                   budget_yuan=300_000 * (k + 1))
              for k, t in enumerate(TITLES)]
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=True))
    return {"needs": needs, "offers": offers, "shanghai": shanghai, "rikaze": rikaze}


def change(fn):
    unit_of_work.run(lambda: fn() or db.session.flush())


def test_refreshes_equal_a_rebuild(corpus):
    needs, offers = corpus["needs"], corpus["offers"]
    change(lambda: setattr(offers[0], "title", "乡村教师能力提升"))           # text
    change(lambda: setattr(offers[1], "committed_yuan", 250_000))            # money
    change(lambda: setattr(offers[2], "status", "closed"))                   # leaves
    change(lambda: setattr(offers[3], "sectors", [db.session.get(Sector, "0201")]))
    change(lambda: setattr(offers[4], "target_regions", [db.session.get(Region, "540200")]))
    # Filed under a whole sector, or under two: the sectors the guide reads (spliced in
    # with the offer) word the reasons of the needs refreshed after them.
    change(lambda: setattr(offers[7], "sectors", [db.session.get(Sector, "01")]))
    change(lambda: setattr(offers[6], "sectors", [db.session.get(Sector, c)
                                                  for c in ("0104", "0201")]))
    change(lambda: setattr(needs[3], "title", "江孜县基层医生进修培训"))
    change(lambda: setattr(needs[0], "description", "为教师开展培训"))
    change(lambda: setattr(needs[1], "sector_code", "0104"))
    change(lambda: setattr(needs[2], "committed_yuan", needs[2].budget_yuan))  # fully funded
    change(lambda: setattr(offers[2], "status", "published"))                # comes back
    change(lambda: factories.make_offer(corpus["shanghai"], title="教师培训"))  # new, last id
    change(lambda: setattr(corpus["shanghai"], "status", "suspended"))       # organisation
    refreshed, fresh = rebuilt()
    assert refreshed == fresh


def test_another_process_change_is_replayed(corpus):
    """Simulate a second process: a change refreshed with another cache is logged; ours
    replays it instead of scoring with the old offer."""
    offer = corpus["offers"][0]
    mine = live._cache[live._url()]
    live.forget()  # the other process has no cache: it loads, refreshes, logs
    change(lambda: setattr(offer, "committed_yuan", 250_000))
    theirs_version = live._cache[live._url()].version
    live._cache[live._url()] = mine  # back to our (older) cache
    assert mine.version != theirs_version
    change(lambda: setattr(corpus["needs"][0], "title", "江孜县乡村教师进修"))
    assert mine.version[0] > theirs_version[0]
    pos = list(mine.live.scorer.offers_.ids).index(offer.id)
    assert mine.live.scorer.offers_.remaining_yuan[pos] == offer.budget_yuan - 250_000
    refreshed, fresh = rebuilt()
    assert refreshed == fresh


def test_a_cache_whose_write_rolled_back_reloads(corpus):
    offer = corpus["offers"][0]
    cached = live._cache[live._url()]
    # A write whose transaction rolled back: the log row is gone, the cache was touched.
    db.session.execute(select(1))
    index.refresh_offers([offer.id])
    db.session.rollback()
    assert db.session.get(MatchIndexLog, cached.version[0]) is None
    change(lambda: setattr(offer, "title", "基层教师培训"))
    assert live._cache[live._url()] is not cached or cached.version is not None
    refreshed, fresh = rebuilt()
    assert refreshed == fresh


def test_cached_floors_equal_the_index_with_full_lists(corpus, app):
    """With short K every list fills up: the floors the cache keeps after refreshes are
    those the index holds."""
    app.config["MATCH_INDEX_TOP_K"] = 3
    live.forget()
    unit_of_work.run(lambda: index.rebuild(refit=False))
    needs, offers = corpus["needs"], corpus["offers"]
    change(lambda: setattr(offers[0], "title", "乡村教师能力提升"))
    change(lambda: setattr(needs[3], "title", "江孜县远程医疗设备"))
    change(lambda: setattr(offers[5], "committed_yuan", 100_000))
    change(lambda: factories.make_need(corpus["rikaze"], title="校舍维修", region_code="540222"))
    cached = live._cache[live._url()]
    for floors, column in ((cached.need_floors, MatchIndexEntry.need_id),
                           (cached.offer_floors, MatchIndexEntry.offer_id)):
        found = live.read_floors(column, None, 3)
        assert found and floors.full(3) == pytest.approx(found)
        # Every list's size and lowest score, full or not, kept without reading them all.
        assert floors.get(floors.ids) == live.read_lists(column, None)


def test_cached_lists_follow_every_refresh(corpus, app):
    """With short K every list fills up and refreshes delete lists' lowest rows: after
    each change the size and lowest score of every list the cache keeps (updated from the
    rows deleted and written, a list read again only when its lowest row went) are the
    index's."""
    app.config["MATCH_INDEX_TOP_K"] = 3
    live.forget()
    unit_of_work.run(lambda: index.rebuild(refit=False))
    needs, offers = corpus["needs"], corpus["offers"]
    steps = [
        lambda: setattr(offers[1], "committed_yuan", 250_000),
        lambda: setattr(needs[0], "budget_yuan", 5_000_000),
        lambda: setattr(offers[2], "status", "closed"),
        lambda: setattr(needs[4], "status", "closed"),
        lambda: setattr(offers[6], "title", "乡村教师培训"),
        lambda: setattr(needs[5], "title", "江孜县乡村教师培训"),
        lambda: setattr(offers[2], "status", "published"),
        lambda: setattr(needs[4], "status", "published"),
        lambda: factories.make_offer(corpus["shanghai"], title="职业技能培训"),
    ]
    for step in steps:
        change(step)
        cached = live._cache[live._url()]
        for floors, column in ((cached.need_floors, MatchIndexEntry.need_id),
                               (cached.offer_floors, MatchIndexEntry.offer_id)):
            assert floors.get(floors.ids) == live.read_lists(column, None)
