"""Reading the audit log (the history shown on a record's page)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from ...extensions import db
from ...models import AuditEvent, User

ACTION_LABELS = {
    "dashboard.export": "导出统计报表",
    "match.confirmed": "协调员确认对接", "match.rejected": "协调员否决", "match.accept":
    "一方接受", "match.accepted": "双方均已接受", "match.declined": "一方谢绝",
    "match.completed": "报告完成", "match.cancelled": "协调员撤销",
    "match.delivery_confirmed": "供给方确认到位资金", "match.delivery_disputed":
    "供给方对到位资金提出异议", "match.corrected": "协调员更正完成情况",
    "match.amount_changed": "协调员调整对接金额",
    "match_request.create": "申请对接", "match_request.done": "对接申请已确认",
    "match_request.declined": "对接申请未被采纳",
    "match_request.ended": "对接申请因项目关闭而结束",
    "job.retry": "重试后台任务",
    "organisation.create": "登记单位", "organisation.register": "单位自助注册",
    "organisation.status": "变更单位状态", "screening.hit": "名单筛查发现线索",
    "screening.cleared": "筛查线索已排除", "screening.suspended": "筛查后暂停单位",
    "blacklist.import": "导入非法社会组织名单", "audit.export": "导出审计日志",
    "reauth.failure": "操作确认密码错误", "login.success": "登录成功",
    "login.failure": "登录失败", "permission.denied": "无权访问",
    "login.throttled": "登录受限（尝试过多）", "logout": "退出登录",
    "user.create": "创建用户", "user.deactivate": "停用用户", "user.reactivate": "恢复用户",
    "user.lock": "账户锁定", "user.unlock": "账户解锁", "user.password_change": "修改密码",
    "user.password_reset": "重置密码", "user.sessions_end": "结束用户会话",
    "user.tokens_revoke": "吊销用户令牌", "token.create": "创建访问令牌",
    "token.revoke": "吊销访问令牌", "pairing.update": "修改对口支援关系",
    "region.update": "修改地区", "scoring.learn": "学习评分权重",
    "scoring.revert": "恢复默认评分权重", "concept.create": "新增项目类型",
    "concept.update": "修改项目类型", "concept.disable": "停用项目类型",
    "concept.enable": "启用项目类型", "concept.term_add": "新增同义词",
    "concept.term_update": "修改同义词", "concept.term_disable": "停用同义词",
    "concept.term_enable": "启用同义词", "database.backup": "备份数据库",
    "database.restore": "恢复数据库", "need.create": "录入需求", "need.update": "修改需求",
    "need.status": "变更需求状态", "need.delete": "删除需求草稿", "need.import": "导入需求清单",
    "need.export": "导出需求清单", "offer.create": "录入供给", "offer.update": "修改供给",
    "offer.status": "变更供给状态", "offer.delete": "删除供给草稿",
    "offer.import": "导入供给清单", "offer.export": "导出供给清单",
}


def for_entity(obj) -> list[AuditEvent]:
    """Events about ``obj``, oldest first; each has ``actor_name``: the user's name where
    the user is known (else the recorded actor, e.g. 系统)."""
    identity = "/".join(str(p) for p in inspect(obj).identity)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == type(obj).__name__,
                                 AuditEvent.entity_id == identity)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    name_actors(events)
    return events


def name_actors(events) -> None:
    """Set ``actor_name`` on each event (one query for the users' display names)."""
    ids = {e.user_id for e in events if e.user_id is not None}
    names = dict(db.session.execute(
        select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    for e in events:
        e.actor_name = names.get(e.user_id) or ("系统" if e.actor == "system" else e.actor)
