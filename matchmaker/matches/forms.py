"""Forms of the coordinator pages and the match actions."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ConfirmForm(FlaskForm):
    need_id = HiddenField(validators=[DataRequired()])
    offer_id = HiddenField(validators=[DataRequired()])
    amount_wan = StringField("对接金额（万元）", validators=[DataRequired("请填写对接金额。"),
                                                        Length(max=20)])
    note = TextAreaField("说明", validators=[Length(max=2000, message="说明最多 2000 字。")])
    submit = SubmitField("确认对接")


class RejectForm(FlaskForm):
    need_id = HiddenField(validators=[DataRequired()])
    offer_id = HiddenField(validators=[DataRequired()])
    note = StringField("否决理由", validators=[DataRequired("请填写否决理由。"),
                                            Length(max=500, message="理由最多 500 字。")])
    submit = SubmitField("否决")


class NoteForm(FlaskForm):
    """Accept, decline and cancel: an optional note (a reason, for decline and cancel)."""

    note = StringField("理由", validators=[Optional(), Length(max=500, message="最多 500 字。")])
    submit = SubmitField("提交")


class DeclineForm(FlaskForm):
    """谢绝 on the page: a reason is required, like the coordinator's 否决 (the API keeps it
    optional, per its contract)."""

    note = StringField("谢绝理由", validators=[DataRequired("请填写谢绝理由。"),
                                            Length(max=500, message="理由最多 500 字。")])
    submit = SubmitField("谢绝")


class CompleteForm(FlaskForm):
    """Report completion; submitted twice: once to see the figures, then ``confirmed``."""

    completed_on = StringField("完成日期", validators=[DataRequired("请填写完成日期。"),
                                                   Length(max=20)])
    delivered_wan = StringField("实际到位资金（万元）", validators=[
        DataRequired("请填写实际到位资金。"), Length(max=20)])
    result_text = TextAreaField("实施成效", validators=[Length(max=5000,
                                                              message="实施成效最多 5000 字。")])
    confirmed = HiddenField()
    submit = SubmitField("下一步：核对")


class CorrectForm(FlaskForm):
    """A coordinator corrects a completion's date and delivered money, with a reason."""

    completed_on = StringField("完成日期", validators=[DataRequired("请填写完成日期。"),
                                                   Length(max=20)])
    delivered_wan = StringField("实际到位资金（万元）", validators=[
        DataRequired("请填写实际到位资金。"), Length(max=20)])
    reason = StringField("更正理由", validators=[DataRequired("请填写更正理由。"),
                                              Length(max=2000, message="理由最多 2000 字。")])
    submit = SubmitField("更正")


class DisputeForm(FlaskForm):
    note = StringField("异议说明", validators=[DataRequired("请填写异议说明。"),
                                            Length(max=2000, message="说明最多 2000 字。")])
    submit = SubmitField("提出异议")


class AmountForm(FlaskForm):
    amount_wan = StringField("新的对接金额（万元）", validators=[
        DataRequired("请填写对接金额。"), Length(max=20)])
    submit = SubmitField("调整金额")


class RequestForm(FlaskForm):
    """申请对接 on a candidate: the pair and an optional note for the coordinator."""

    need_id = HiddenField(validators=[DataRequired("请求无效，请刷新后重试。")])
    offer_id = HiddenField(validators=[DataRequired("请求无效，请刷新后重试。")])
    note = StringField("给协调员的说明（选填）", validators=[
        Optional(), Length(max=500, message="说明最多 500 字。")])
    submit = SubmitField("申请对接")


class RequestDeclineForm(FlaskForm):
    reason = StringField("不采纳理由", validators=[DataRequired("请填写不采纳的理由。"),
                                               Length(max=500, message="理由最多 500 字。")])
    submit = SubmitField("不采纳")
