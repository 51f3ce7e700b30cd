"""The live match index on a real database: kept fresh after commits, re-checked at read
time, rebuilt when weights change; decisions score with the persisted text model."""

from __future__ import annotations

import email

import pytest
from sqlalchemy import func, select, update

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import (
    MatchIndexEntry,
    Notification,
    Offer,
    Region,
    ScoringWeightSet,
    TextModel,
)
from matchmaker.scoring import DEFAULT_WEIGHTS, FACTORS
from matchmaker.scoring.text import TextEmbedder
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import index, index_read, lifecycle, ranking, text_model
from tests import factories
from tests.conftest import TEST_REDIS_URL
from tests.mail_helpers import smtp  # noqa: F401 - fixture


@pytest.fixture()
def world(ctx):
    """A 日喀则 need with one fitting offer, committed; the index built once."""
    rikaze = factories.make_org(region_code="540200")
    shanghai = factories.make_org(region_code="310000")
    need = factories.make_need(rikaze, title="江孜县乡村教师培训", region_code="540222",
                               description="组织乡村教师开展教学能力培训。")
    first = factories.make_offer(shanghai, title="基层教师能力提升")
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=True))
    return {"need": need, "offer": first, "shanghai": shanghai,
            "coord": factories.make_user("coordinator")}


def offer_ids(need) -> list[int]:
    return [r["offer_id"] for r in index_read.for_need(need)[0]]


def entries(**where) -> list[MatchIndexEntry]:
    stmt = select(MatchIndexEntry).filter_by(**where)
    return list(db.session.scalars(stmt))


def test_a_published_offer_is_indexed_after_the_commit_without_a_manual_step(world):
    new = unit_of_work.run(lambda: factories.make_offer(world["shanghai"], title="乡村教师培训"))
    # The refresh ran after the commit, before anything read the index.
    assert entries(need_id=world["need"].id, offer_id=new.id)
    rows, computed_at = index_read.for_need(world["need"])
    assert {r["offer_id"] for r in rows} == {world["offer"].id, new.id}
    assert computed_at is not None
    top = rows[0]
    assert set(top["factors"]) == set(FACTORS) and 0 <= top["score"] <= 1 and top["reasons"]
    assert [r["need_id"] for r in index_read.for_offer(new)[0]] == [world["need"].id]


def test_a_rolled_back_operation_leaves_the_index_alone(world):
    def fails():
        factories.make_offer(world["shanghai"], title="乡村教师培训")
        raise DomainError("不行。")

    with pytest.raises(DomainError):
        unit_of_work.run(fails)
    assert {e.offer_id for e in entries(need_id=world["need"].id)} == {world["offer"].id}


@pytest.mark.parametrize("change", [{"status": "closed"}, {"committed_yuan": 1_000_000}])
def test_closed_or_spent_offers_are_dropped_at_read_time_despite_a_stale_row(world, change):
    offer = world["offer"]
    # A change the index cannot see (no ORM event): the row stays, the read drops it.
    db.session.execute(update(Offer).where(Offer.id == offer.id).values(**change))
    db.session.commit()
    assert entries(offer_id=offer.id)
    assert offer_ids(world["need"]) == []


def test_closing_through_the_orm_removes_the_rows(world):
    offer = world["offer"]
    unit_of_work.run(lambda: setattr(offer, "status", "closed") or db.session.flush())
    assert entries(offer_id=offer.id) == []


def test_a_rejected_pair_leaves_the_index_and_the_candidates(world):
    need, offer = world["need"], world["offer"]
    unit_of_work.run(lambda: lifecycle.decide(lifecycle.Decision(
        need.id, offer.id, "rejected", note="不合适"), by=world["coord"]))
    assert entries(need_id=need.id, offer_id=offer.id) == []
    assert offer_ids(need) == []


def test_a_confirmation_refreshes_both_sides_money(world):
    need, offer = world["need"], world["offer"]
    other = unit_of_work.run(lambda: factories.make_offer(world["shanghai"], title="教师培训"))
    before = {e.offer_id: e.factors["budget"] for e in entries(need_id=need.id)}
    unit_of_work.run(lambda: lifecycle.decide(lifecycle.Decision(
        need.id, offer.id, "confirmed", amount_yuan=200_000), by=world["coord"]))
    after = {e.offer_id: e.factors["budget"] for e in entries(need_id=need.id)}
    assert offer.id not in offer_ids(need)  # a live match: never a candidate again
    assert after[other.id] != before[other.id]  # the need's uncommitted money changed


def test_a_weights_change_rebuilds_the_index(world):
    weights = {"sector": 0.0, "budget": 0.0, "region": 0.0, "text": 1.0}
    unit_of_work.run(lambda: db.session.add(ScoringWeightSet(
        kind="learned", weights=weights, accuracy=0.9, default_accuracy=0.8,
        n_decisions=40)) or db.session.flush())
    (entry,) = entries(need_id=world["need"].id)
    assert entry.score == pytest.approx(entry.factors["text"], abs=1e-3)


def test_a_learning_attempt_not_adopted_leaves_the_index_alone(world):
    (before,) = entries(need_id=world["need"].id)
    stamp = before.computed_at
    weights = {"sector": 0.0, "budget": 0.0, "region": 0.0, "text": 1.0}
    unit_of_work.run(lambda: db.session.add(ScoringWeightSet(
        kind="learned", weights=weights, accuracy=0.5, default_accuracy=0.8,
        n_decisions=40, adopted=False)) or db.session.flush())
    (after,) = entries(need_id=world["need"].id)
    assert after.computed_at == stamp and after.score == before.score


def test_score_pair_reuses_the_persisted_model(world, monkeypatch):
    model = text_model.current()

    def no_refit(*args, **kwargs):
        raise AssertionError("the text model was refitted")

    monkeypatch.setattr(TextEmbedder, "fit_transform", no_refit)
    scored = ranking.score_pair(world["need"], world["offer"])
    assert 0 <= scored["score"] <= 1 and set(scored["factors"]) == set(FACTORS)
    assert db.session.scalar(select(func.count()).select_from(TextModel)) == 1
    assert text_model.current().id == model.id
    (entry,) = entries(need_id=world["need"].id)
    assert scored["factors"]["text"] == pytest.approx(entry.factors["text"], abs=1e-3)


def test_a_drifted_corpus_refits_the_model(world):
    first = text_model.current().id

    def many():
        for k in range(3):
            factories.make_offer(world["shanghai"], title=f"教师培训项目{k}")

    unit_of_work.run(many)
    assert text_model.current().id != first
    assert text_model.current().corpus_size == 5


def test_the_model_survives_a_round_trip_through_the_database(world):
    row = text_model.current()
    text_model._cache.clear()
    loaded = text_model.embedder_of(row)
    docs = ["乡村教师培训", "医疗设备"]
    fresh = TextEmbedder().fit(loaded.documents(["基层教师能力提升", "江孜县乡村教师培训"],
                                                ["", "组织乡村教师开展教学能力培训。"]))
    assert loaded.transform(docs).shape[1] == loaded.n_features_out_
    assert (abs(loaded.transform(docs) - fresh.transform(docs)) < 1e-6).all()


def test_flask_index_rebuild(world, ctx):
    result = ctx.test_cli_runner().invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "推荐索引已重建：1 条" in result.output


def test_with_redis_the_refresh_is_a_job_a_worker_runs(world, app, monkeypatch):
    """With REDIS_URL the request only enqueues ``matching.refresh``; an RQ worker on the
    real Redis brings the index up to date."""
    from redis import Redis

    from matchmaker.models import Job
    from matchmaker.services.platform.jobs import backend

    url = TEST_REDIS_URL
    Redis.from_url(url).flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    try:
        new = unit_of_work.run(lambda: factories.make_offer(world["shanghai"],
                                                            title="乡村教师培训"))
        assert not entries(need_id=world["need"].id, offer_id=new.id)  # not in the request
        job = db.session.scalars(select(Job).where(Job.task == "matching.refresh")).one()
        assert new.id in job.args[1] and job.status == "queued"
        backend.worker(url).work(burst=True)
        db.session.expire_all()
        assert entries(need_id=world["need"].id, offer_id=new.id)
        assert db.session.get(Job, job.id).status == "finished"
    finally:
        Redis.from_url(url).flushdb()



# 新的推荐: an incremental refresh that adds a good pair tells the other item's owners.

def notices(user) -> list:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


@pytest.fixture()
def people(world):
    """Users on both sides, and a corpus large enough that one more offer refreshes the
    index incrementally (no drift, no rebuild)."""
    for k in range(8):
        factories.make_offer(world["shanghai"], title=f"医疗设备捐赠{k}")
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=True))
    people = {"recipient": factories.make_user("recipient", org=world["need"].organisation),
              "supporter": factories.make_user("supporter", org=world["shanghai"]),
              "coord": world["coord"]}
    db.session.commit()
    return people


def test_a_fitting_offer_notifies_the_need_side_and_coordinators_once(world, people, smtp):  # noqa: F811
    need = world["need"]
    new = unit_of_work.run(lambda: factories.make_offer(world["shanghai"], title="乡村教师培训"))
    (entry,) = entries(need_id=need.id, offer_id=new.id)
    assert entry.score >= 0.7
    for who in ("recipient", "coord"):
        (note,) = notices(people[who])
        assert note.text == f"有 1 条新的推荐供给：需求“{need.title}”，如供给“乡村教师培训”。"
        assert note.link == f"/matches/need/{need.id}"
    assert notices(people["supporter"]) == []  # their own offer: they are looking at it
    (mail,) = [m for m in smtp.messages if people["recipient"].email in m[0]]
    body = email.message_from_string(mail[1]).get_payload(decode=True).decode("utf-8")
    assert f"详情：/matches/need/{need.id}" in body and "有 1 条新的推荐供给" in body

    # Touching the offer again refreshes it: the pair was in the index, nothing is new.
    unit_of_work.run(lambda: setattr(new, "description", "乡村教师培训，含教材。")
                     or db.session.flush())
    assert entries(need_id=need.id, offer_id=new.id)
    assert len(notices(people["recipient"])) == len(notices(people["coord"])) == 1


def test_a_low_scoring_new_pair_notifies_nobody(world, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "NEW_CANDIDATE_NOTIFY_SCORE", 0.99)
    new = unit_of_work.run(lambda: factories.make_offer(world["shanghai"], title="乡村教师培训"))
    (entry,) = entries(need_id=world["need"].id, offer_id=new.id)
    assert entry.score < 0.99
    assert all(notices(u) == [] for u in people.values())


def test_a_full_rebuild_notifies_nobody(world, people):
    def offer_and_weights():
        offer = factories.make_offer(world["shanghai"], title="乡村教师培训")
        db.session.add(ScoringWeightSet(kind="learned", weights=dict(DEFAULT_WEIGHTS),
                                        accuracy=0.9, default_accuracy=0.8, n_decisions=40))
        db.session.flush()
        return offer

    new = unit_of_work.run(offer_and_weights)  # a weights change: everything is rebuilt
    assert entries(need_id=world["need"].id, offer_id=new.id)
    assert all(notices(u) == [] for u in people.values())


def test_an_offer_of_a_pending_organisation_notifies_nobody_until_it_is_verified(world, people):
    pending = unit_of_work.run(lambda: factories.make_org(region_code="310000", status="pending"))
    new = unit_of_work.run(lambda: factories.make_offer(pending, title="乡村教师培训"))
    assert not entries(offer_id=new.id)
    assert all(notices(u) == [] for u in people.values())
    unit_of_work.run(lambda: setattr(pending, "status", "verified") or db.session.flush())
    assert entries(need_id=world["need"].id, offer_id=new.id)
    assert len(notices(people["recipient"])) == len(notices(people["coord"])) == 1


@pytest.mark.parametrize("leave", ["money", "retarget"])
def test_a_pair_that_leaves_and_comes_back_is_never_announced_twice(world, people, leave):
    need, shanghai = world["need"], world["shanghai"]
    new = unit_of_work.run(lambda: factories.make_offer(shanghai, title="乡村教师培训"))
    assert len(notices(people["recipient"])) == len(notices(people["coord"])) == 1

    def away():
        if leave == "money":
            new.committed_yuan = new.budget_yuan  # used up: out of the index
        else:
            new.target_regions = [db.session.get(Region, "653100")]  # 喀什: not this need
        db.session.flush()

    def back():
        if leave == "money":
            new.committed_yuan = 0
        else:
            new.target_regions = []
        db.session.flush()

    unit_of_work.run(away)
    assert not entries(need_id=need.id, offer_id=new.id)
    unit_of_work.run(back)
    (entry,) = entries(need_id=need.id, offer_id=new.id)
    assert entry.score >= 0.7  # new again to the index, above the threshold
    assert len(notices(people["recipient"])) == len(notices(people["coord"])) == 1
    # The need's side was told about it once; a second fitting offer is still news.
    unit_of_work.run(lambda: factories.make_offer(shanghai, title="江孜县乡村教师培训"))
    assert len(notices(people["recipient"])) == 2


def test_a_decision_keeps_the_candidates_its_need_showed_at_that_moment(world):
    """What the coordinator had in front of them is kept with the decision (learning to
    rank counts those as passed over), read from the index without refreshing it."""
    other = unit_of_work.run(lambda: factories.make_offer(world["shanghai"], title="乡村教师培训"))
    shown = offer_ids(world["need"])
    assert set(shown) == {world["offer"].id, other.id}
    match = unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(world["need"].id, world["offer"].id, "confirmed",
                           amount_yuan=100_000), by=world["coord"]))
    db.session.expire_all()
    assert match.shown_offer_ids == shown  # best first, as the page listed them
    rejected = unit_of_work.run(lambda: lifecycle.decide(
        lifecycle.Decision(world["need"].id, other.id, "rejected"), by=world["coord"]))
    assert rejected.shown_offer_ids == [other.id]  # the confirmed pair is no longer a candidate


TEACHING = ["乡村教师培训", "基层教师能力提升", "幼儿园教师培训", "中小学教师研修", "教学能力培训",
            "骨干教师进修", "双语教师培训", "职业学校师资培训", "教师信息技术培训", "校长管理培训"]


@pytest.fixture()
def teaching(ctx):
    """51 items on teacher training (one need, 50 offers), indexed: a refit needs 2
    novel items (2% of 51, rounded up)."""
    rikaze = factories.make_org(region_code="540200")
    shanghai = factories.make_org(region_code="310000")
    need = factories.make_need(rikaze, title="江孜县乡村教师培训", region_code="540222",
                               description="组织乡村教师开展教学能力培训。")
    for k in range(50):
        factories.make_offer(shanghai, title=f"{TEACHING[k % 10]}项目",
                             description=f"第{k % 7 + 1}期{TEACHING[(k + 3) % 10]}。")
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=True))
    assert text_model.novel_limit(text_model.current()) == 2
    return {"need": need, "rikaze": rikaze, "shanghai": shanghai}


def test_missing_share_counts_the_ngrams_the_model_does_not_know():
    embedder = TextEmbedder().fit(["乡村教师培训", "基层医生进修"])
    share = text_model.missing_share(embedder, ["教师培训", "牦牛良种", "教师良种", ""],
                                     ["", "", "", ""])
    assert share[0] == 0 and share[1] == 1 and share[3] == 0
    # 教师良种 twice (title weight 2): 教 师 教师 known, 良 种 良种 师良 not: 6 of 14 known
    assert share[2] == pytest.approx(8 / 14)


def test_items_on_a_new_topic_refit_the_model_though_the_corpus_barely_grew(teaching):
    first = text_model.current()
    familiar = unit_of_work.run(lambda: factories.make_offer(
        teaching["shanghai"], title="乡村教师培训项目", description="骨干教师进修。"))
    assert text_model.current().novel_items == []
    yak = unit_of_work.run(lambda: factories.make_offer(
        teaching["shanghai"], title="牦牛良种繁育", description="引进种公牛，改良牦牛品种。"))
    row = text_model.current()
    assert row.id == first.id and row.novel_items == [f"o{yak.id}"]
    # Refreshed again (its money changed): still one novel item.
    unit_of_work.run(lambda: setattr(yak, "budget_yuan", 2_000_000) or db.session.flush())
    assert text_model.current().novel_items == [f"o{yak.id}"]
    embedder = text_model.embedder_of(row)
    assert text_model.missing_share(embedder, [yak.title], [yak.description])[0] > 0.5

    need = unit_of_work.run(lambda: factories.make_need(
        teaching["rikaze"], title="牦牛品种改良", region_code="540222",
        description="牦牛良种繁育基地建设。"))
    refit = text_model.current()
    assert refit.id != first.id and refit.novel_items == []
    assert refit.corpus_size == 54  # 51 → 54: the size rule alone would wait for 62
    fitted = text_model.embedder_of(refit)
    assert text_model.missing_share(fitted, [yak.title], [yak.description])[0] == 0
    # The index was rebuilt with the new model: the need finds the yak offer by its words.
    (entry,) = entries(need_id=need.id, offer_id=yak.id)
    assert entry.factors["text"] > 0.3
    assert entries(need_id=teaching["need"].id, offer_id=familiar.id)


def test_on_demand_ranking_scores_as_the_index_does(teaching):
    need = teaching["need"]
    offer = unit_of_work.run(lambda: factories.make_offer(
        teaching["shanghai"], title="江孜县乡村教师培训", description="乡村教师教学能力培训。"))
    indexed = {r["offer_id"]: r for r in index_read.for_need(need, limit=100)[0]}
    on_demand = {c["offer_id"]: c for c in ranking.candidates_for_need(need, limit=100)}
    assert len(on_demand) == 51 and on_demand.keys() == indexed.keys()
    for offer_id, row in on_demand.items():
        assert row["score"] == pytest.approx(indexed[offer_id]["score"], abs=1e-4)
        assert row["factors"] == pytest.approx(indexed[offer_id]["factors"], abs=1e-4)
    assert next(iter(on_demand)) == offer.id
    by_index = index_read.for_offer(offer)[0]
    by_demand = ranking.candidates_for_offer(offer)
    assert [r["need_id"] for r in by_index] == [c["need_id"] for c in by_demand] == [need.id]
    assert by_demand[0]["score"] == pytest.approx(by_index[0]["score"], abs=1e-4)
    assert ranking.score_pair(need, offer)["score"] == pytest.approx(by_index[0]["score"],
                                                                     abs=1e-4)


@pytest.mark.parametrize("sides", [({1}, set()), (set(), {1})])
def test_new_candidates_read_the_index_by_item_not_by_a_scan(ctx, sides):
    """新的推荐 looks up the rows of the refreshed items by those items: an empty side
    written as an empty IN made SQLite walk every published need (or offer) instead
    (~380 ms a refresh at 10,000 × 10,000)."""
    from sqlalchemy import event

    from matchmaker.services.matching import new_candidates

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    seen = []

    def keep(_conn, _cursor, statement, parameters, *_):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        index_read.open_entries(new_candidates._touching(*sides),
                                MatchIndexEntry.score >= 0.5)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = seen[-1]
    plan = " ".join(str(row) for row in db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "ix_needs_status" not in plan and "ix_offers_status" not in plan, plan


def _index_names() -> set[str]:
    from sqlalchemy import inspect

    return {i["name"] for i in inspect(db.session.connection()).get_indexes("match_index")}


def test_a_rebuild_keeps_the_index_tables_indexes_even_when_it_fails(world, monkeypatch):
    """On SQLite a rebuild drops match_index's indexes to write its rows, then builds them
    again; a rebuild that fails rolls back to the old rows and the indexes."""
    names = {i.name for i in MatchIndexEntry.__table__.indexes}
    assert names <= _index_names()
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=False))
    assert names <= _index_names() and len(entries()) == 1

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index.index_store, "insert_rows", broken)
    with pytest.raises(RuntimeError):
        unit_of_work.run(lambda: index.rebuild(refit=False))
    assert names <= _index_names() and len(entries()) == 1


def test_a_rebuild_leaves_planner_statistics_on_postgresql(world):
    """Every row replaced: without fresh statistics PostgreSQL reads one need's candidates
    from the offers side (0.2 ms → 27 ms at 10k × 10k); the rebuild analyses the table."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    for k in range(3):
        factories.make_offer(world["shanghai"], title=f"乡村教师培训第{k}期")
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=False))
    reltuples = db.session.scalar(text(
        "SELECT reltuples FROM pg_class WHERE relname = 'match_index'"))
    assert reltuples == len(entries()) == 4


def test_flask_rank_scores_with_the_persisted_text_model(world, monkeypatch):
    """The 推荐 sheet, the candidate pages and the index score every pair with one text
    model: batch ranking does not fit its own (a refit on today's corpus differs slightly)."""
    from matchmaker.services.matching import batch

    unit_of_work.run(lambda: factories.make_offer(world["shanghai"], title="乡村教师培训"))

    def no_fit(*args, **kwargs):
        raise AssertionError("batch ranking fitted a text model of its own")

    monkeypatch.setattr(TextEmbedder, "fit", no_fit)
    monkeypatch.setattr(TextEmbedder, "fit_transform", no_fit)
    table = unit_of_work.run(lambda: batch.rank(top_k=5))
    indexed = {(e.need_id, e.offer_id): e.score for e in entries(need_id=world["need"].id)}
    rows = {(r[0], r[2]): r[4] for r in table.rows()}
    assert set(rows) == set(indexed) and len(rows) == 2
    assert all(rows[pair] == round(indexed[pair] * 100) for pair in rows)


def test_an_offer_filed_under_a_whole_sector_is_indexed_as_the_sub_sector_it_is_about(ctx):
    """The persisted model carries the sub-sector guide: an offer filed under 教育 whose text
    is about teacher training is indexed for a teacher-training need as that sector (read
    from the text, and the reason says so), a kindergarten one as a sibling."""
    rikaze = factories.make_org(region_code="540200")
    shanghai = factories.make_org(region_code="310000")
    need = factories.make_need(rikaze, title="江孜县乡村教师培训", region_code="540222",
                               description="组织乡村教师开展教学能力培训。")
    factories.make_need(rikaze, title="江孜县幼儿园建设", sector_code="0101",
                        region_code="540222", description="新建乡镇幼儿园，配置保教设备。")
    for title in ("基层教师能力提升", "骨干教师进修", "乡村教师跟岗培训"):
        factories.make_offer(shanghai, title=title, description="组织教师开展培训。")
    for title in ("幼儿园保教设备配置", "乡镇幼儿园建设", "学前双语幼儿园"):
        factories.make_offer(shanghai, title=title, sectors=("0101",),
                             description="建设幼儿园，配置保教设备。")
    db.session.commit()
    unit_of_work.run(lambda: index.rebuild(refit=True))
    assert text_model.embedder_of(text_model.current()).guide_.codes_ == ["0101", "0104"]
    teachers = factories.make_offer(shanghai, title="乡村教师培训资助", sectors=("01",),
                                    description="资助乡村教师参加能力培训。")
    kindergarten = factories.make_offer(shanghai, title="幼儿园设备捐赠", sectors=("01",),
                                        description="为乡镇幼儿园配置保教设备。")
    db.session.commit()
    rows = {r["offer_id"]: r for r in index_read.for_need(need, limit=20)[0]}
    assert rows[teachers.id]["factors"]["sector"] == pytest.approx(1.0)
    assert "领域一致：教师培训（按项目内容判断）" in rows[teachers.id]["reasons"]
    assert rows[kindergarten.id]["factors"]["sector"] == pytest.approx(0.7)
