"""Reading the audit log (the history shown on a record's page)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from ...extensions import db
from ...models import AuditEvent

ACTION_LABELS = {
    "dashboard.export": "导出统计报表",
    "match.confirmed": "协调员确认对接", "match.rejected": "协调员否决", "match.accept":
    "一方接受", "match.accepted": "双方均已接受", "match.declined": "一方谢绝",
    "match.completed": "报告完成", "match.cancelled": "协调员撤销",
    "match.delivery_confirmed": "供给方确认到位资金", "match.delivery_disputed":
    "供给方对到位资金提出异议", "match.corrected": "协调员更正完成情况",
    "match.amount_changed": "协调员调整对接金额",
    "organisation.create": "登记单位", "organisation.register": "单位自助注册",
    "organisation.status": "变更单位状态", "screening.hit": "名单筛查发现线索",
    "screening.cleared": "筛查线索已排除", "screening.suspended": "筛查后暂停单位",
    "blacklist.import": "导入非法社会组织名单", "audit.export": "导出审计日志",
    "reauth.failure": "操作确认密码错误", "login.success": "登录成功",
    "login.failure": "登录失败", "permission.denied": "无权访问",
}


def for_entity(obj) -> list[AuditEvent]:
    """Events about ``obj``, oldest first."""
    identity = "/".join(str(p) for p in inspect(obj).identity)
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == type(obj).__name__,
                                 AuditEvent.entity_id == identity)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
