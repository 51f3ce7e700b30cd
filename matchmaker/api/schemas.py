"""Request and response schemas of API v1 (pydantic). The OpenAPI document is generated
from these same classes, so the contract and the validation cannot drift apart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

Money = Field(gt=0, le=10_000_000_000_000, description="整数元")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    sector_code: str = Field(max_length=8)
    region_code: str = Field(max_length=12)
    budget_yuan: int = Money
    beneficiaries: int | None = Field(None, ge=0, le=1_000_000_000)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published"] = "published"
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=30)


class NeedPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    sector_code: str | None = Field(None, max_length=8)
    region_code: str | None = Field(None, max_length=12)
    budget_yuan: int | None = Field(None, gt=0, le=10_000_000_000_000)
    beneficiaries: int | None = Field(None, ge=0, le=1_000_000_000)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published", "closed"] | None = None
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=30)


class OfferCreate(Strict):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    sector_codes: list[str] = Field(min_length=1, max_length=20)
    target_region_codes: list[str] = Field(default_factory=list, max_length=300)
    budget_yuan: int = Money
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published"] = "published"
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=30)


class OfferPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    sector_codes: list[str] | None = Field(None, min_length=1, max_length=20)
    target_region_codes: list[str] | None = Field(None, max_length=300)
    budget_yuan: int | None = Field(None, gt=0, le=10_000_000_000_000)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["draft", "published", "closed"] | None = None
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=30)


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


class OfferCandidates(BaseModel):
    offer_id: int
    candidates: list[Candidate]


#: Row ids (INTEGER primary keys): larger numbers name nothing.
Id = Field(ge=1, le=2**31 - 1)


class MatchCreate(Strict):
    need_id: int = Id
    offer_id: int = Id
    status: Literal["confirmed", "rejected"]
    amount_yuan: int = Field(0, ge=0, le=10_000_000_000_000)
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
