"""Request and response schemas of API v1 (pydantic). The OpenAPI document is generated
from these same classes, so the contract and the validation cannot drift apart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

#: Largest budget (100 亿元, the forms' and sheets' limit too), in yuan.
MAX_BUDGET_YUAN = 10_000_000_000
Money = Field(gt=0, le=MAX_BUDGET_YUAN, description="整数元")
#: Formats the services accept for codes and phones (``[0-9]``: ``\\d`` would take any
#: Unicode digit). A well-formed code that names no sector or region is still a 422.
SECTOR_CODE = r"^[0-9]{2}([0-9]{2})?$"
REGION_CODE = r"^([0-9]{6}|XJBT[0-9]{2})$"
PHONE = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?)?$"
SectorCode = Annotated[str, Field(pattern=SECTOR_CODE, description="领域代码（GET /sectors）")]
RegionCode = Annotated[str, Field(pattern=REGION_CODE, description="GB/T 2260 地区代码或 XJBTnn")]


#: Text without NUL (PostgreSQL cannot store it), and a title that is not blank once
#: trimmed (``str.strip`` also trims \x1c-\x1f, which ``\s`` does not cover).
NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00\\x1c-\\x1f][^\\x00]*$"


def _state_no_nul(schema: dict) -> None:
    """Give every free-text string of a request schema the NO_NUL pattern it is held to."""
    free = not {"pattern", "format", "enum", "const"} & set(schema)
    if schema.get("type") == "string" and free:
        schema["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, ()):
            _state_no_nul(sub)
    if isinstance(schema.get("items"), dict):
        _state_no_nul(schema["items"])
    for sub in schema.get("properties", {}).values():
        _state_no_nul(sub)


def _not_nullable(schema: dict) -> None:
    """An omitted field that may not be null: drop ``null`` from the documented types."""
    schema.pop("default", None)
    options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options


#: For PATCH fields that may be left out but are refused as ``null`` (422).
NotNull = {"json_schema_extra": _not_nullable}


def _whole(value):
    """JSON Schema's ``integer`` includes ``5.0``: a whole float counts as an integer (and
    only it: ``5.5``, ``"5"`` and ``true`` are still refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: An integer field of a request body (a field validator: dates stay in JSON mode).
Int = Annotated[int, BeforeValidator(_whole)]


class Strict(BaseModel):
    """Request bodies: no unknown fields, and strict JSON types: ``"100"`` is no integer,
    ``true`` is no number and ``1`` no boolean (dates are ``"YYYY-MM-DD"`` strings)."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra=lambda schema, cls: _state_no_nul(schema))

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        """NUL cannot be stored (PostgreSQL text) and is never meant: 422, not a 500."""
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise PydanticCustomError("nul_character", "text contains NUL")
        return value


class Error(BaseModel):
    error: str
    message: str
    fields: dict[str, list[str]] = {}


class Region(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    province_code: str
    verified: bool


class Sector(BaseModel):
    code: str
    name: str
    parent_code: str | None


class NeedCreate(Strict):
    title: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    description: str = Field("", max_length=5000)
    sector_code: SectorCode
    region_code: RegionCode
    budget_yuan: Int = Money
    beneficiaries: Int | None = Field(None, ge=0, le=1_000_000_000)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published"] = "published"
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=30, pattern=PHONE)


class NeedPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NOT_BLANK,
                              **NotNull)
    description: str | None = Field(None, max_length=5000)
    sector_code: SectorCode | None = Field(None, **NotNull)
    region_code: RegionCode | None = Field(None, **NotNull)
    budget_yuan: Int | None = Field(None, gt=0, le=MAX_BUDGET_YUAN, **NotNull)
    beneficiaries: Int | None = Field(None, ge=0, le=1_000_000_000)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published", "closed"] | None = None
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=30, pattern=PHONE)


class OfferCreate(Strict):
    title: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    description: str = Field("", max_length=5000)
    sector_codes: list[SectorCode] = Field(min_length=1, max_length=20)
    target_region_codes: list[RegionCode] = Field(default_factory=list, max_length=300)
    budget_yuan: Int = Money
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published"] = "published"
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=30, pattern=PHONE)


class OfferPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NOT_BLANK,
                              **NotNull)
    description: str | None = Field(None, max_length=5000)
    sector_codes: list[SectorCode] | None = Field(None, min_length=1, max_length=20, **NotNull)
    target_region_codes: list[RegionCode] | None = Field(None, max_length=300)
    budget_yuan: Int | None = Field(None, gt=0, le=MAX_BUDGET_YUAN, **NotNull)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published", "closed"] | None = None
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=30, pattern=PHONE)


class ItemOut(BaseModel):
    id: int
    title: str
    description: str
    budget_yuan: int
    committed_yuan: int
    start_date: date | None
    end_date: date | None
    status: Literal["draft", "published", "closed"]
    organisation_id: int
    created_at: datetime
    updated_at: datetime
    contact_name: str | None = Field(None, description="仅协调员、本单位和对接双方可见")
    contact_phone: str | None = None


class NeedOut(ItemOut):
    sector_code: str
    region_code: str
    beneficiaries: int | None
    uncommitted_yuan: int


class OfferOut(ItemOut):
    sector_codes: list[str]
    target_region_codes: list[str]
    remaining_yuan: int


class Factors(BaseModel):
    model_config = ConfigDict(extra="allow")
    sector: float = Field(ge=0, le=1)
    budget: float = Field(ge=0, le=1)
    region: float = Field(ge=0, le=1)
    text: float = Field(ge=0, le=1)


class Candidate(BaseModel):
    offer_id: int | None = None
    need_id: int | None = None
    score: float = Field(ge=0, le=1)
    factors: Factors
    reasons: list[str]


class NeedCandidates(BaseModel):
    need_id: int
    candidates: list[Candidate]
    computed_at: datetime | None = None  # when the oldest of these rows was computed (UTC)


class OfferCandidates(BaseModel):
    offer_id: int
    candidates: list[Candidate]
    computed_at: datetime | None = None  # when the oldest of these rows was computed (UTC)


#: Row ids (INTEGER primary keys): larger numbers name nothing.
Id = Field(ge=1, le=2**31 - 1)


class MatchCreate(Strict):
    need_id: Int = Id
    offer_id: Int = Id
    status: Literal["confirmed", "rejected"]
    amount_yuan: Int = Field(0, ge=0, le=10_000_000_000_000,
                             description="confirmed 时必须大于 0（否则 422）")
    note: str = Field("", max_length=2000)


class MatchNote(Strict):
    note: str = Field("", max_length=2000)


class MatchComplete(Strict):
    completed_on: date | None = Field(
        None, description="完成日期，默认今天（北京时间）；须在对接确认日期与今天之间")
    delivered_yuan: int | None = Field(
        None, ge=0, le=10_000_000_000_000,
        description="实际到位资金（整数元），默认为对接金额；不能超过对接金额")
    result_text: str = Field("", max_length=5000)


class MatchDispute(Strict):
    note: str = Field(min_length=1, max_length=2000, description="异议说明")


class MatchCorrect(Strict):
    completed_on: date = Field(description="须在对接确认日期与今天（北京时间）之间")
    delivered_yuan: int = Field(ge=0, le=10_000_000_000_000, description="不能超过对接金额")
    reason: str = Field(min_length=1, max_length=2000, description="更正理由")


class MatchAmount(Strict):
    amount_yuan: int = Field(gt=0, le=10_000_000_000_000,
                             description="新的对接金额（整数元）；增加部分须在供给剩余资金和需求尚未落实资金之内")


class MatchOut(BaseModel):
    id: int
    need_id: int
    offer_id: int
    amount_yuan: int
    score: float | None
    factors: dict[str, float]
    reasons: list[str]
    status: Literal["confirmed", "accepted", "completed", "rejected", "declined", "cancelled"]
    note: str
    need_accepted: bool
    offer_accepted: bool
    completed_on: date | None
    delivered_yuan: int | None
    result_text: str
    delivery_status: Literal["pending", "confirmed", "disputed"] | None = Field(
        None, description="完成后供给方对到位资金的答复：pending 待确认、confirmed 已确认、"
        "disputed 有异议（协调员更正后为 confirmed）")
    dispute_note: str = ""
    created_at: datetime
    updated_at: datetime


def page_of(item: type[BaseModel]) -> type[BaseModel]:
    """The list envelope ``{"items", "page", "per_page", "total"}`` for ``item``."""
    return type(f"{item.__name__}Page", (BaseModel,), {
        "__annotations__": {"items": list[item], "page": int, "per_page": int, "total": int},
    })


def all_of(item: type[BaseModel]) -> type[BaseModel]:
    """The unpaginated envelope ``{"items", "total"}`` (regions, sectors)."""
    return type(f"{item.__name__}List", (BaseModel,), {
        "__annotations__": {"items": list[item], "total": int},
    })
