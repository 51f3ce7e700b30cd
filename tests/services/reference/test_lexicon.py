"""The concept lexicon in the database: seeded from concepts.csv, edited by admins, read by
the scorer, and an edit refits the text model and rebuilds the match index."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Concept, ConceptTerm, MatchIndexEntry, TextModel
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import index, ranking, text_model
from matchmaker.services.reference import lexicon, seed
from tests import factories


@pytest.fixture()
def heart(ctx, users, fresh_reference):
    """A 先心病 need of 日喀则 and an offer that words the same project its own way."""
    need = factories.make_need(users["recipient"].organisation, title="先心病患儿救治",
                               description="为农牧区先心病患儿提供手术救治。",
                               sector_code="0903", region_code="540200", budget_yuan=400_000)
    offer = factories.make_offer(users["supporter"].organisation, sectors=("0903",),
                                 title="小儿心脏缺损修补手术援助",
                                 description="资助缺损修补手术和术后复查。",
                                 budget_yuan=400_000)
    db.session.commit()
    return need, offer


def _concept(name: str) -> Concept:
    return db.session.scalar(select(Concept).where(Concept.name == name))


def _reasons(need, offer) -> list[str]:
    [found] = [c for c in ranking.candidates_for_need(need) if c["offer_id"] == offer.id]
    return found["reasons"]


def test_seeded_from_the_shipped_file(ctx):
    with seed.DATA_DIR.joinpath("concepts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert db.session.scalar(select(func.count()).select_from(Concept)) == len(rows)
    heart = _concept("先天性心脏病救治")
    assert heart.key == "congenital-heart" and heart.sector_code == "0903"
    assert {"先心病", "救心"} <= {t.term for t in heart.terms}
    assert seed.seed_concepts() == 0  # a second run adds nothing
    assert lexicon.current().names == [c.name for c in db.session.scalars(
        select(Concept).order_by(Concept.id))]


def test_seeding_keeps_what_admins_disabled_or_renamed(ctx, users, fresh_reference):
    heart = _concept("先天性心脏病救治")
    term = next(t for t in heart.terms if t.term == "心脏病")
    unit_of_work.run(lambda: lexicon.set_term_active(term, False, by=users["admin"]))
    unit_of_work.run(lambda: lexicon.update_concept(heart, lexicon.ConceptInput(
        "先天性心脏病患儿救治", "0903"), by=users["admin"]))
    seed.seed_concepts()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ConceptTerm, term.id).active is False
    assert db.session.get(Concept, heart.id).name == "先天性心脏病患儿救治"
    assert _concept("先天性心脏病救治") is None  # not added again under its old name


@pytest.mark.parametrize("weight", [0.0, 0.7])
def test_an_added_synonym_reaches_the_reasons_and_with_a_concept_weight_the_scores(
        heart, users, app, monkeypatch, weight):
    monkeypatch.setitem(app.config, "SCORING_CONCEPT_WEIGHT", weight)  # 0: the default
    need, offer = heart
    before = ranking.candidates_for_need(need)[0]
    assert not any(r.startswith("同为") for r in before["reasons"])
    concept = _concept("先天性心脏病救治")
    unit_of_work.run(lambda: lexicon.add_term(concept, "心脏缺损", by=users["admin"],
                                              ip="10.0.0.1"))
    after = ranking.candidates_for_need(need)[0]
    assert "同为先天性心脏病救治" in after["reasons"]
    if weight:
        assert after["factors"]["text"] > before["factors"]["text"] + 0.3
    else:
        assert after["factors"]["text"] == pytest.approx(before["factors"]["text"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "concept.term_add"))
    assert event.changes == {"term": [None, "心脏缺损"]} and event.ip == "10.0.0.1"
    assert event.user_id == users["admin"].id

    unit_of_work.run(lambda: lexicon.set_concept_active(concept, False, by=users["admin"]))
    assert not any(r.startswith("同为") for r in _reasons(need, offer))
    assert "先天性心脏病救治" not in lexicon.current().names


def test_an_edit_refits_the_text_model_and_rebuilds_the_index(heart, users):
    need, offer = heart
    unit_of_work.run(lambda: index.rebuild())
    fitted = text_model.current()
    assert not text_model.drifted(fitted)
    entry = db.session.scalar(select(MatchIndexEntry).where(
        MatchIndexEntry.need_id == need.id, MatchIndexEntry.offer_id == offer.id))
    assert not any(r.startswith("同为") for r in entry.reasons)

    concept = _concept("先天性心脏病救治")
    unit_of_work.run(lambda: lexicon.add_term(concept, "心脏缺损", by=users["admin"]))
    # The commit drained the queue: the model was refitted and the index rebuilt.
    db.session.expire_all()
    newest = text_model.current()
    assert newest.id != fitted.id and not text_model.drifted(newest)
    assert db.session.scalar(select(func.count()).select_from(TextModel)) >= 2
    entry = db.session.scalar(select(MatchIndexEntry).where(
        MatchIndexEntry.need_id == need.id, MatchIndexEntry.offer_id == offer.id))
    assert "同为先天性心脏病救治" in entry.reasons


def test_a_rolled_back_edit_changes_nothing(heart, users):
    unit_of_work.run(lambda: index.rebuild())
    fitted = text_model.current()
    concept = _concept("先天性心脏病救治")
    with pytest.raises(DomainError):
        unit_of_work.run(lambda: (lexicon.add_term(concept, "心脏缺损", by=users["admin"]),
                                  lexicon.add_term(concept, "先心病", by=users["admin"])))
    assert "心脏缺损" not in {t.term for t in concept.terms}
    assert not text_model.drifted(fitted)


@pytest.mark.parametrize(("text", "message"), [
    ("", "请填写同义词"),
    ("心", "2–60 个字"),
    ("先天性心脏病救治", "与项目类型名称相同"),
    ("村医", "已是项目类型“乡村医生培训”的同义词"),
    ("乡村医生培训", "已是项目类型“乡村医生培训”的名称"),
    ("村 医".replace(" ", "").upper(), "已是项目类型"),
])
def test_bad_synonyms_are_refused_in_chinese_and_nothing_is_saved(ctx, users, text, message):
    concept = _concept("先天性心脏病救治")
    count = db.session.scalar(select(func.count()).select_from(ConceptTerm))
    with pytest.raises(DomainError, match=message) as caught:
        unit_of_work.run(lambda: lexicon.add_term(concept, text, by=users["admin"]))
    assert "term" in caught.value.fields
    assert db.session.scalar(select(func.count()).select_from(ConceptTerm)) == count


def test_concepts_are_created_and_validated(ctx, users, fresh_reference):
    made = unit_of_work.run(lambda: lexicon.create_concept(lexicon.ConceptInput(
        "高原冷水鱼养殖", "0301", "县里的说法"), by=users["admin"]))
    assert made.key.startswith("custom-") and made.active
    unit_of_work.run(lambda: lexicon.add_term(made, "冷水鱼", by=users["admin"]))
    assert "高原冷水鱼养殖" in lexicon.current().names
    for name, sector, message in (("", None, "请填写项目类型名称"),
                                  ("先心病", None, "已是项目类型“先天性心脏病救治”的同义词"),
                                  ("高原冷水鱼养殖", None, "的名称"),
                                  ("新类型", "9999", "请选择有效的领域")):
        with pytest.raises(DomainError, match=message):
            unit_of_work.run(lambda n=name, s=sector: lexicon.create_concept(
                lexicon.ConceptInput(n, s), by=users["admin"]))
    assert db.session.scalar(select(func.count()).select_from(Concept).where(
        Concept.key.like("custom-%"))) == 1


def test_every_concept_disabled_leaves_an_empty_lexicon(ctx, users, fresh_reference):
    for concept in db.session.scalars(select(Concept)).all():
        lexicon.set_concept_active(concept, False, by=users["admin"])
    db.session.commit()
    current = lexicon.current()
    assert len(current) == 0 and current.transform(["先心病救治"]).nnz == 0
