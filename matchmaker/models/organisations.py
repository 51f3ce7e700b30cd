"""Organisations: recipient/supporter bureaus and social organisations."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .regions import Region

ORG_KINDS = {"bureau": "政府部门", "social_org": "社会组织"}
LEGAL_FORMS = ("社会团体", "基金会", "社会服务机构")
ORG_STATUSES = {"pending": "待审核", "verified": "已审核", "suspended": "已暂停"}


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('bureau', 'social_org')", name="kind"),
        CheckConstraint("status IN ('pending', 'verified', 'suspended')", name="status"),
        CheckConstraint(
            "legal_form IS NULL OR legal_form IN ('社会团体', '基金会', '社会服务机构')",
            name="legal_form",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    legal_form: Mapped[str | None] = mapped_column(String(12))
    #: 统一社会信用代码 (GB 32100-2015), 18 characters.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    registration_authority: Mapped[str] = mapped_column(String(120), default="")  # 登记管理机关
    is_charity: Mapped[bool] = mapped_column(Boolean, default=False)  # 慈善组织
    has_public_fundraising: Mapped[bool] = mapped_column(Boolean, default=False)  # 公开募捐资格
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")

    region: Mapped[Region | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return ORG_STATUSES.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"
