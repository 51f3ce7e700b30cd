"""Screens on a laptop and a phone: list markup for cards, searchable pickers that degrade to
the native select, the import preview's error cell (HTML assertions; browser checks in
tests/browser/test_screens_journey.py)."""

from __future__ import annotations

import io
import re

import pytest

from matchmaker.extensions import db
from tests import factories
from tests.conftest import csrf_from
from tests.sheet_helpers import need_row, xlsx


def _cells(html: str, testid: str) -> list[tuple[str, str]]:
    table = html[html.index(f'data-testid="{testid}"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<td data-label="([^"]+)" class="([^"]+)"', table)


def test_need_and_offer_lists_label_every_cell_for_cards(client, login_as):
    login_as("coordinator")
    org = factories.make_org(name="疏附县民政局", region_code="653121")
    factories.make_need(org, title="疏附县幼儿园", budget_yuan=1_234_500)
    factories.make_offer(org, title="社区养老", regions=("653121", "XJBT11"))
    db.session.commit()
    for path, testid, labels in (
        ("/needs", "need-list", ["项目名称", "领域", "受援地区", "资金需求（万元）",
                                 "未落实（万元）", "提交单位", "发布日期", "状态"]),
        ("/offers", "offer-list", ["项目名称", "领域", "意向受援地区", "可投入资金（万元）",
                                   "剩余（万元）", "提供单位", "发布日期", "状态"]),
    ):
        html = client.get(path).get_data(as_text=True)
        cells = _cells(html, testid)
        assert [label for label, _ in cells] == labels  # every column, each cell labelled
        roles = {label: css.split()[0] for label, css in cells}
        assert roles["项目名称"] == "cell-title" and roles["状态"] == "cell-status"
        assert roles["发布日期"] == "cell-date" and "cell-region" in roles.values()
        assert "cell-amount" in roles.values()
        assert "list-cards" in html and 'class="table-responsive"' not in html
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日",
                        _date_cell(client.get("/offers").get_data(as_text=True)))


def _date_cell(html: str) -> str:
    return re.search(r'data-label="发布日期" class="[^"]+">([^<]*)<', html).group(1)


def test_other_lists_use_the_same_cards(client, login_as):
    login_as("admin")
    for path, testid in (("/orgs", "org-list"), ("/admin/users", "user-list"),
                         ("/matches", "match-list"), ("/admin/jobs", "job-list")):
        html = client.get(path).get_data(as_text=True)
        assert f'data-testid="{testid}"' in html and "list-cards" in html, path


def test_offer_form_pickers_fall_back_to_native_selects(client, login_as):
    login_as("supporter")  # 上海市
    html = client.get("/offers/new").get_data(as_text=True)
    assert re.search(r'<select[^>]*data-picker="multi"[^>]*id="target_regions"|'
                     r'<select[^>]*id="target_regions"[^>]*data-picker="multi"', html)
    assert 'js-native-hint">按住 Ctrl（Mac 为 ⌘）可多选' in html  # for browsers without JS
    assert "vendor/tom-select/tom-select.complete.min.js" in html and "js/pickers.js" in html
    assert "<script>" not in html  # CSP: scripts from files only
    regions = html[html.index('id="target_regions"'):]
    regions = regions[:regions.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)"', regions)
    assert groups == ["对口支援地区（推荐）", "西藏自治区", "新疆维吾尔自治区", "新疆生产建设兵团"]
    bingtuan = regions[regions.index('label="新疆生产建设兵团"'):]
    assert re.findall(r'value="(XJBT\d\d)"', bingtuan)[:3] == ["XJBT00", "XJBT01", "XJBT02"]
    xinjiang = regions[regions.index('label="新疆维吾尔自治区"'):regions.index(
        'label="新疆生产建设兵团"')]
    assert "XJBT" not in xinjiang
    assert ">第十一师（建工师）</option>" in bingtuan
    assert 'data-level="2" data-short="城关区" value="540102">拉萨市 › 城关区<' in regions


def test_list_filter_region_follows_the_tree(client, login_as):
    login_as("recipient")
    html = client.get("/needs").get_data(as_text=True)
    select = html[html.index('name="region"'):]
    select = select[:select.index("</select>")]
    assert 'data-picker="one"' in select
    codes = re.findall(r'value="([^"]*)"', select)
    assert codes.index("XJBT00") + 1 == codes.index("XJBT01") and codes[-1] == "XJBT14"


@pytest.fixture()
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def test_import_preview_shows_every_column_and_marks_the_error_cell(client, login_as,
                                                                    _uploads):
    login_as("recipient")
    token = csrf_from(client.get("/import/needs").get_data(as_text=True))
    data = xlsx([need_row("甲"), need_row("乙", 联系电话="12345")])
    response = client.post("/import/needs", data={"csrf_token": token,
                                                  "file": (io.BytesIO(data), "清单.xlsx")},
                           content_type="multipart/form-data")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    headers = re.findall(r'<th scope="col" class="[^"]*">([^<]+)</th>', html)
    assert headers[-3:] == ["结束日期", "联系人", "联系电话"] and "项目简介" in headers
    errors = re.findall(r'data-label="([^"]+)" class="[^"]*cell-error[^"]*">([^<]*)<', html)
    assert errors == [("联系电话", "12345")]
    assert "（此格有错误）" in html
    assert "第 3 行 · 联系电话：" in html
