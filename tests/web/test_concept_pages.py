"""项目类型词库 pages: staff search the lexicon, admins add, correct and disable concepts and
synonyms (audited, validated in Chinese, confirmed before disabling)."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Concept, ConceptTerm
from matchmaker.services.reference import lexicon

PAGE = "/reference/concepts"


def _concept(name: str) -> Concept:
    return db.session.scalar(select(Concept).where(Concept.name == name))


def _table(response) -> str:
    """The concepts table of the list page (the introduction names examples)."""
    return response.get_data(as_text=True).split('data-testid="concepts"', 1)[1]


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("concept.%")).order_by(AuditEvent.id)))


def test_coordinator_searches_by_synonym_and_cannot_edit(client, login_as):
    login_as("coordinator")
    response = client.get(PAGE, query_string={"q": "村医"})
    html = _table(response)
    assert "乡村医生培训" in html and "先天性心脏病救治" not in html
    assert "新增项目类型" not in response.get_data(as_text=True) and "编辑</a>" not in html
    html = _table(client.get(PAGE, query_string={"sector": "09", "per_page": 100}))
    assert "先天性心脏病救治" in html and "乡村医生培训" not in html
    concept = _concept("先天性心脏病救治")
    assert client.get(f"{PAGE}/{concept.id}").status_code == 403


def test_suppliers_and_recipients_do_not_see_the_lexicon(client, login_as):
    login_as("supporter")
    assert client.get(PAGE).status_code == 403


def test_admin_adds_a_concept_and_a_synonym(client, login_as, post_form, fresh_reference):
    login_as("admin")
    response = post_form(f"{PAGE}/new", {"name": "高原冷水鱼养殖", "sector_code": "0301",
                                         "notes": "县农业农村局常用说法"}, page=f"{PAGE}/new")
    assert response.status_code == 302
    concept = _concept("高原冷水鱼养殖")
    assert response.headers["Location"] == f"{PAGE}/{concept.id}"
    response = post_form(f"{PAGE}/{concept.id}/terms", {"term": "冷水鱼"},
                         page=f"{PAGE}/{concept.id}")
    assert response.status_code == 302
    html = client.get(f"{PAGE}/{concept.id}").get_data(as_text=True)
    assert "已添加同义词“冷水鱼”" in html and 'value="冷水鱼"' in html
    assert "高原冷水鱼养殖" in lexicon.current().names
    assert _actions() == ["concept.create", "concept.term_add"]


def test_bad_input_is_refused_in_chinese_and_saves_nothing(client, login_as, post_form):
    login_as("admin")
    concept = _concept("先天性心脏病救治")
    terms = db.session.query(ConceptTerm).count()
    response = post_form(f"{PAGE}/{concept.id}/terms", {"term": "村医"},
                         page=f"{PAGE}/{concept.id}")
    assert response.status_code == 422
    assert "“村医”已是项目类型“乡村医生培训”的同义词。" in response.get_data(as_text=True)
    response = post_form(f"{PAGE}/{concept.id}/terms", {"term": "心"}, page=PAGE)
    assert response.status_code == 422 and "单字会误配太多项目" in response.get_data(as_text=True)
    response = post_form(f"{PAGE}/new", {"name": "先心病", "sector_code": ""}, page=PAGE)
    assert response.status_code == 422
    assert "已是项目类型“先天性心脏病救治”的同义词" in response.get_data(as_text=True)
    response = post_form(f"{PAGE}/{concept.id}", {"name": "", "sector_code": "0903"},
                         page=PAGE)
    assert response.status_code == 422 and "请填写项目类型名称" in response.get_data(as_text=True)
    response = post_form(f"{PAGE}/{concept.id}/active", {"active": "maybe"}, page=PAGE)
    assert response.status_code == 302
    assert db.session.query(ConceptTerm).count() == terms and _actions() == []
    db.session.expire_all()
    assert _concept("先天性心脏病救治").active


def test_admin_corrects_and_disables_a_synonym_then_the_concept(client, login_as, post_form,
                                                               fresh_reference):
    login_as("admin")
    concept = _concept("先天性心脏病救治")
    term = next(t for t in concept.terms if t.term == "救心")
    html = client.get(f"{PAGE}/{concept.id}").get_data(as_text=True)
    assert 'class="js-confirm"' in html and "确定停用同义词“救心”？" in html
    assert "确定停用项目类型“先天性心脏病救治”？" in html
    assert post_form(f"/reference/concepts/terms/{term.id}", {"term": "救心行动"},
                     page=PAGE).status_code == 302
    assert post_form(f"/reference/concepts/terms/{term.id}/active", {"active": "0"},
                     page=PAGE).status_code == 302
    assert post_form(f"{PAGE}/{concept.id}/active", {"active": "0"},
                     page=PAGE).status_code == 302
    db.session.expire_all()
    term = db.session.get(ConceptTerm, term.id)
    assert term.term == "救心行动" and term.active is False
    assert _concept("先天性心脏病救治").active is False
    assert "先天性心脏病救治" not in lexicon.current().names
    assert _actions() == ["concept.term_update", "concept.term_disable", "concept.disable"]
    html = _table(client.get(PAGE, query_string={"state": "disabled"}))
    assert "先天性心脏病救治" in html and "停用" in html


def test_the_page_says_whether_the_lexicon_counts_in_the_score(client, login_as, app,
                                                              monkeypatch):
    login_as("coordinator")
    assert "不计入评分" in client.get(PAGE).get_data(as_text=True)  # the default (0)
    monkeypatch.setitem(app.config, "SCORING_CONCEPT_WEIGHT", 0.7)
    html = client.get(PAGE).get_data(as_text=True)
    assert "评分时也视为同一类项目" in html and "不计入评分" not in html
