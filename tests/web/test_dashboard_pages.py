"""Dashboard pages render the database's figures; bad input never gives a 500."""

from __future__ import annotations

import io
import re

import pytest
from lxml import etree
from openpyxl import load_workbook

from tests.dashboard_helpers import build


@pytest.fixture()
def data(client, login_as):
    made = build()
    login_as("coordinator")
    return made


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_overview_shows_totals_and_tables(client, data):
    html = _text(client.get("/dashboard/"))
    assert "统计总览" in html and "<svg" in html and "style=" not in html
    assert re.search(r'data-testid="row-540000"><td>西藏</td><td class="text-end">3</td>'
                     r'<td class="text-end">190</td>', html)
    assert 'data-testid="funnel-2"><td>双方已接受</td><td class="text-end">3</td>' \
           '<td class="text-end">6.0</td>' in html
    assert "日喀则市" in html and "社会工作与社区服务" in html


def test_overview_scope_and_bad_input(client, data):
    html = _text(client.get("/dashboard/?province=XJBT00"))
    assert 'data-testid="row-XJBT00"' in html and 'data-testid="row-540000"' not in html
    for query in ("province=XX&from=x&to=9999-99-99", "from=2025-01-01&to=2024-01-01",
                  "page=-1", "year=abc"):
        assert client.get(f"/dashboard/?{query}").status_code == 200
        assert client.get(f"/dashboard/gaps?{query}&old_page=zz").status_code == 200
        assert client.get(f"/dashboard/honours?{query}").status_code == 200
    # A NUL byte is refused at the edge for every page, with a Chinese message (not a 500).
    refused = client.get("/dashboard/?province=%00")
    assert refused.status_code == 400 and "U+0000" in refused.get_data(as_text=True)


def test_gap_page(client, data):
    html = _text(client.get("/dashboard/gaps"))
    rows = re.findall(r'data-testid="gap-row">(.*?)</tr>', html)
    assert len(rows) == 4
    assert "日喀则市" in rows[0] and "教育" in rows[0] and ">90<" in rows[0]
    assert data["needs"]["stale"].title in html
    assert "拉萨市" in html  # 北京's pairing has posted nothing
    assert client.get("/dashboard/gaps?page=500").status_code == 200


def test_map_page(client, data):
    html = _text(client.get("/dashboard/map"))
    assert 'data-testid="tilemap"' in html
    assert 'data-testid="tile-540200"><td><a href="/dashboard/gaps?prefecture=540200">' \
           '日喀则市</a></td><td class="text-end">140</td>' in html  # names, not codes
    assert ">540200<" not in html and ">XJBT01<" not in html
    tiles = re.findall(r'<a href="/dashboard/gaps\?prefecture=([0-9A-Z]+)" data-code="\1"', html)
    assert len(tiles) == 36 and "XJBT01" in tiles  # every tile links to its gap list
    scoped = _text(client.get("/dashboard/map?province=540000"))
    assert '<a href="/dashboard/gaps?province=540000&amp;prefecture=540200"' in scoped


def test_a_tile_opens_the_gap_list_of_its_prefecture(client, data):
    html = _text(client.get("/dashboard/gaps?prefecture=540200"))
    rows = re.findall(r'data-testid="gap-row">(.*?)</tr>', html)
    assert rows and all("日喀则市" in r for r in rows)
    assert "只看：<strong>日喀则市</strong>" in html and "日喀则市 · 全部时间" in html
    assert 'name="prefecture" value="540200"' in html  # the scope form keeps it
    bingtuan = _text(client.get("/dashboard/gaps?prefecture=XJBT01"))
    assert all("第一师" in r for r in re.findall(r'data-testid="gap-row">(.*?)</tr>', bingtuan))
    for bad in ("x", "540200%27", "99999999"):
        assert client.get(f"/dashboard/gaps?prefecture={bad}").status_code == 200


def test_exports_are_named_for_the_people_who_use_them(client, data):
    html = _text(client.get("/dashboard/"))
    exports = html[html.index('data-testid="exports"'):]
    assert ">3W 数据（谁在何地做什么）</a><span" in exports
    assert ">国际援助透明度标准（IATI）</a><span" in exports
    assert exports.count('<span class="small text-muted">') == 3  # one line each
    assert "HXL CSV" not in html and "IATI XML</a>" not in html
    hxl = client.get("/dashboard/3w.csv")
    assert "3W%E6%95%B0%E6%8D%AE" in hxl.headers["Content-Disposition"]
    iati = client.get("/dashboard/iati.xml")
    assert "IATI" in iati.headers["Content-Disposition"] and "xml" in iati.content_type


def test_chart_labels_are_drawn_large_enough_for_a_phone(client, data):
    html = _text(client.get("/dashboard/"))
    charts = re.findall(r'<svg class="chart".*?</svg>', html)
    sizes = {int(size) for chart in charts for size in re.findall(r'font-size="(\d+)"', chart)}
    assert sizes and min(sizes) >= 13  # user units; the chart is about 360 px wide on a phone


def test_downloads(client, data):
    response = client.get("/dashboard/table/sector.csv?province=540000")
    assert response.status_code == 200 and "text/csv" in response.content_type
    assert "教育" in response.get_data().decode("utf-8-sig")
    wb = load_workbook(io.BytesIO(client.get("/dashboard/report.xlsx").data))
    assert "缺口" in wb.sheetnames
    assert client.get("/dashboard/3w.csv").data.decode().splitlines()[1].startswith("#org")
    etree.fromstring(client.get("/dashboard/iati.xml").data)
    assert client.get("/dashboard/table/nothing.csv").status_code == 404
    assert client.get("/dashboard/table/province.pdf").status_code == 404


def test_honours_and_certificate(client, data):
    html = _text(client.get("/dashboard/honours?year=2025"))
    rows = re.findall(r'data-testid="honour-row">(.*?)</tr>', html)
    assert "上海市民政局" in rows[0] and ">38<" in rows[0]
    assert "还没有" in _text(client.get("/dashboard/honours?year=2001"))
    org = data["orgs"]["shanghai"]
    html = _text(client.get(f"/dashboard/honours/{org.id}?year=2025"))
    assert "荣 誉 证 书" in html and 'data-testid="cert-delivered">38<' in html
    assert client.get(f"/dashboard/honours/{data['orgs']['tibet'].id}").status_code == 404


def test_recipient_sees_honours_but_not_the_dashboard(client, login_as, ctx):
    build()
    login_as("recipient")
    assert client.get("/dashboard/").status_code == 403
    html = _text(client.get("/dashboard/honours"))
    assert "上海市民政局" in html and "缺口分析" not in html


def test_table_downloads_are_audited(client, data):
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import AuditEvent

    assert client.get("/dashboard/table/honours.xlsx").status_code == 200
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "dashboard.export"
    assert event.changes["format"] == "xlsx" and event.changes["table"]
