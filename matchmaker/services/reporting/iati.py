"""IATI 2.03 activity XML for ongoing and completed matches (one activity per match).

reporting-org is the funding (supporting) organisation, identified by ``CN-USCI-`` and its
统一社会信用代码 when it has one; sectors use vocabulary 99 (our codes) plus DAC 3-digit
(vocabulary 2) where mapped; recipient regions use GB/T 2260 codes (vocabulary 99); money is
CNY with a commitment and, once completed, a disbursement transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from lxml import etree

from ...models import Organisation, User
from ...models.base import utcnow
from ..platform import audit
from .dashboard import Scope
from .downloads import _match_rows

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VOCAB_URI = "https://www.mca.gov.cn/mzsj/xzqh/"
SECTOR_URI = "https://matchmaker.example.cn/reference/sectors"
#: Our parent sectors → OECD DAC 3-digit sector codes, where one fits.
DAC3 = {"01": "111", "02": "121", "03": "321", "04": "160", "05": "430", "07": "160",
        "08": "160", "09": "160", "10": "160", "11": "160", "12": "410", "14": "151"}
STATUS = {"confirmed": "2", "accepted": "2", "completed": "3"}


def org_ref(org: Organisation) -> str:
    """IATI organisation identifier: CN-USCI-<code>, or a platform-local one."""
    return f"CN-USCI-{org.uscc}" if org.uscc else f"XI-MATCHMAKER-{org.id}"


def org_type(org: Organisation) -> str:
    """IATI OrganisationType: 10 government, 60 foundation, 22 national NGO."""
    if org.kind == "bureau":
        return "10"
    return "60" if org.legal_form == "基金会" else "22"


def _text(parent, tag: str, text: str, **attrs):
    el = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    etree.SubElement(el, "narrative").text = text
    return el


def _org(parent, tag: str, org: Organisation, **attrs):
    attrs = {"ref": org_ref(org), "type": org_type(org), **attrs}
    return _text(parent, tag, org.name, **attrs)


def _value(parent, tag: str, yuan: int, on: date) -> None:
    etree.SubElement(parent, tag, {"currency": "CNY", "value-date": on.isoformat()}).text = \
        str(yuan)


def _transaction(activity, code: str, yuan: int, on: date, funder, recipient) -> None:
    tx = etree.SubElement(activity, "transaction")
    etree.SubElement(tx, "transaction-type", code=code)
    etree.SubElement(tx, "transaction-date", {"iso-date": on.isoformat()})
    _value(tx, "value", yuan, on)
    _org(tx, "provider-org", funder)
    _org(tx, "receiver-org", recipient)


def _activity(root, match, region_code: str, region_name: str) -> None:
    need, funder, recipient = match.need, match.offer.organisation, match.need.organisation
    started = match.created_at.date()
    activity = etree.SubElement(root, "iati-activity", {
        "last-updated-datetime": match.updated_at.replace(microsecond=0).isoformat(),
        XML_LANG: "zh", "default-currency": "CNY"})
    etree.SubElement(activity, "iati-identifier").text = f"{org_ref(funder)}-M{match.id}"
    _org(activity, "reporting-org", funder)
    _text(activity, "title", need.title)
    _text(activity, "description", need.description or need.title, type="1")
    _org(activity, "participating-org", funder, role="1")
    _org(activity, "participating-org", recipient, role="4")
    etree.SubElement(activity, "activity-status", code=STATUS[match.status])
    etree.SubElement(activity, "activity-date", {"type": "2", "iso-date": started.isoformat()})
    if match.completed_on:
        etree.SubElement(activity, "activity-date",
                         {"type": "4", "iso-date": match.completed_on.isoformat()})
    _text(activity, "recipient-region", region_name, code=region_code, vocabulary="99",
          vocabulary_uri=VOCAB_URI, percentage="100")
    _text(activity, "sector", need.sector.name, code=need.sector_code, vocabulary="99",
          vocabulary_uri=SECTOR_URI, percentage="100")
    parent = need.sector_code[:2]
    if parent in DAC3:
        etree.SubElement(activity, "sector", code=DAC3[parent], vocabulary="2", percentage="100")
    end = need.end_date if need.end_date and need.end_date >= started else \
        started + timedelta(days=364)
    budget = etree.SubElement(activity, "budget", type="1", status="2")
    etree.SubElement(budget, "period-start", {"iso-date": started.isoformat()})
    etree.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
    _value(budget, "value", match.amount_yuan, started)
    _transaction(activity, "2", match.amount_yuan, started, funder, recipient)
    if (match.status == "completed" and match.delivery_status == "confirmed"
            and match.delivered_yuan and match.completed_on):
        _transaction(activity, "3", match.delivered_yuan, match.completed_on, funder, recipient)


def activities_xml(scope: Scope, *, user: User | None = None, ip: str | None = None) -> bytes:
    """The ongoing and completed matches in ``scope`` as an IATI 2.03 activities file."""
    root = etree.Element("iati-activities", {
        "version": "2.03", "generated-datetime": utcnow().replace(microsecond=0).isoformat()})
    for row in _match_rows(scope):
        _activity(root, row[0], row[9], row[10])
    if user is not None:
        audit.record("dashboard.export", user=user, ip=ip,
                     changes={"format": "iati", "scope": scope.args()})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
