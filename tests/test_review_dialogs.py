"""Review and sign-off through the dialog engine on a real SQLite file: a township clerk hands
the report in, the county supervisor returns it with comments on rows, approves and reopens it;
and every step that does not apply is refused with a clear sentence."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import docx
import pytest

from bot.wiring import make_engine
from dialogs import buttons, texts
from dialogs.buttons import ApproveReport, ReopenReport, StartReturn, SubmitReview
from dialogs.model import Button, OutMessage, button
from report.formats import CURRENT
from report.values import Report
from storage import ReportStatus, Role
from tests.clerk import Clerk

TODAY = date(2025, 1, 10)
SUPERVISOR, OTHER_SUPERVISOR, CLERK, OTHER_CLERK = 4001, 4002, 4101, 4102
TOWN = "赣州经开区蟠龙镇人民政府"
UNEXPLAINED = "报告还有1处提示没有确认"
REASON = "上年结转的2件申请已于上年12月底办结，上年报告填报有误，已核实。"


def complete(year: int, **figures: int) -> Report:
    values = {c.id: Decimal(0) for c in CURRENT.entered_cells}
    values.update({k.replace("__", "."): Decimal(v) for k, v in figures.items()})
    return Report(
        organisation=TOWN,
        year=year,
        figures=values,
        texts={p.id: f"{p.title or p.id}：本年情况属实。" for p in CURRENT.parts},
    )


def set_up_county(store, explained: bool = True, year: int = 2024) -> int:
    """A county with a supervisor, the township 蟠龙镇 with a clerk and a complete 2024 report
    (one warning accepted with a reason), and another county with its own supervisor."""
    county = store.add_organisation("赣州经济技术开发区党政办公室", short_name="开发区")
    other = store.add_organisation("于都县人民政府办公室", short_name="于都县")
    town = store.add_organisation(TOWN, short_name="蟠龙镇", parent_id=county.id)
    lonely = store.add_organisation("于都县无人审核镇人民政府", short_name="无审核镇")
    for person, name, org, role in (
        (SUPERVISOR, "县政务公开办", county.id, Role.SUPERVISOR),
        (OTHER_SUPERVISOR, "于都政务公开办", other.id, Role.SUPERVISOR),
        (CLERK, "李文书", town.id, Role.CLERK),
        (OTHER_CLERK, "赵文书", lonely.id, Role.CLERK),
    ):
        store.upsert_person(person, name)
        store.add_membership(person, org, role)
    store.save_imported(
        town.id,
        year - 1,
        complete(
            year - 1,
            applications__new__natural_person=2,
            applications__carried_forward__natural_person=2,
        ),
        person_id=CLERK,
    )
    stored = store.report(town.id, year)
    now = complete(year)
    store.write_figures(stored.id, dict(now.figures), person_id=CLERK)
    for part_id, text in now.texts.items():
        store.write_text(stored.id, part_id, text, person_id=CLERK)
    if explained:
        store.accept_warning(stored.id, "carry_over.natural_person", REASON, person_id=CLERK)
    return stored.id


def person(store, person_id: int) -> Clerk:
    return Clerk(make_engine(store, today=lambda: TODAY), person_id)


def to(messages: list[OutMessage], person_id: int | None) -> list[OutMessage]:
    return [m for m in messages if m.to == person_id]


def text_of(messages: list[OutMessage]) -> str:
    return "\n".join(m.text for m in messages)


def button_in(messages: list[OutMessage], label: str) -> Button:
    found = [b for m in messages for row in m.buttons for b in row if b.label.startswith(label)]
    assert found, (
        f"no button {label!r} in {[b.label for m in messages for r in m.buttons for b in r]}"
    )
    return found[-1]


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    header = "\n".join(p.text for s in document.sections for p in s.header.paragraphs)
    return header + "\n" + "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def report_id(store) -> int:
    return set_up_county(store)


def test_submit_return_with_two_row_comments_fix_resubmit_and_approve(store, report_id):
    clerk, supervisor = person(store, CLERK), person(store, SUPERVISOR)

    # The preview offers the hand-in once nothing is missing and the warning is explained.
    clerk.command("review")
    assert "本单位的报告须经上级单位审核" in clerk.text()
    handed = clerk.taps("提交上级审核")
    assert "已提交赣州经济技术开发区党政办公室审核" in text_of(to(handed, None))
    told = to(handed, SUPERVISOR)
    summary = text_of(told)
    assert "赣州经开区蟠龙镇人民政府</b>提交了2024年政府信息公开工作年度报告" in summary
    assert "二、上年结转申请数量：0 / 0" in summary
    assert "四、结转下年度继续办理：0 / 2" in summary
    assert REASON in summary and "上年结转应等于上年报告" in summary
    (draft,) = [m.document for m in told if m.document]
    assert "征求意见稿" in document_text(draft.data)
    assert store.review(report_id).status.value == "submitted"

    # While it waits nobody can change it: a typed answer gets a clear sentence.
    clerk.taps("撤回审核申请")
    assert "已撤回审核申请" in clerk.text()
    clerk.command("review")
    again = clerk.taps("提交上级审核")
    clerk.command("contents")
    clerk.taps("✅ 三、")
    clerk.taps("收到过申请")
    clerk.says("1 0 0 0 0 0")
    assert "没有保存。报告已提交上级审核，审核期间不能修改" in clerk.text()
    assert store.load(report_id).figures["applications.new.natural_person"] == 0

    # The supervisor returns it with two comments pinned to rows.
    supervisor.presses(button_in(to(again, SUPERVISOR), "退回修改"))
    assert "请选择要提意见的部分" in supervisor.text()
    supervisor.taps("三、")
    supervisor.taps("一、本年新收申请数量")
    # A row of several cells: one of them may be pinned, or the whole row.
    assert "这一行共6栏" in supervisor.text()
    assert [b.label for b in supervisor.buttons()][:7] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "整行",
    ]
    supervisor.taps("自然人")
    assert (
        "请写明“收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量·自然人”"
        in supervisor.text()
    )
    supervisor.says("本年新收申请数与依申请公开台账不一致（台账为1件），请核对。")
    assert "已记下第1条意见" in supervisor.text()
    supervisor.taps("再写一条意见")
    supervisor.says("还有一处")  # typed before choosing where it belongs: nothing is kept
    assert "请先选择这条意见针对报告的哪一部分" in supervisor.text()
    supervisor.taps("返回目录")
    supervisor.taps("三、")
    supervisor.taps("三（一） 予以公开")
    supervisor.taps("整行")
    assert "请写明“收到和处理政府信息公开申请情况：三（一）予以公开”" in supervisor.text()
    supervisor.says("台账中的1件申请已予以公开，办理结果请一并填写。")
    returned = supervisor.taps("发送退回意见（2条）")
    assert "已退回赣州经开区蟠龙镇人民政府，附2条意见" in text_of(to(returned, None))
    (letter,) = to(returned, CLERK)
    assert "退回了您单位的2024年度报告，请按以下2条意见修改" in letter.text
    assert letter.text.index("本年新收") < letter.text.index("予以公开")
    assert "1. <b>收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量·自然人</b>" in (
        letter.text
    )
    assert [c.place.key for c in store.comments(report_id)] == [
        "cell:applications.new.natural_person",
        "row:applications/applications.granted",
    ]

    # The clerk lands on each row with one tap, fixes it, and hands it in again.
    clerk.presses(button_in([letter], "1. 去修改"))
    assert "一、本年新收政府信息公开申请数量" in clerk.question()
    clerk.says("1 0 0 0 0 0")
    clerk.presses(button_in([letter], "2. 去修改"))
    assert "（一）予以公开" in clerk.question()
    clerk.says("1 0 0 0 0 0")
    assert store.comments(report_id, open_only=True) == []
    assert "修改完毕，重新提交审核" in [b.label for b in clerk.buttons()]
    resubmitted = clerk.taps("修改完毕，重新提交审核")
    changes = text_of(to(resubmitted, SUPERVISOR))
    assert "按退回意见修改后，重新提交了2024年度报告" in changes
    assert "退回的2条意见中，已修改2条。" in changes
    assert "一、本年新收政府信息公开申请数量·自然人：0 → 1" in changes
    assert "（一）予以公开·自然人：0 → 1" in changes

    # Approved: final for the clerk, who gets the DOCX without the draft mark.
    approved = supervisor.presses(button_in(to(resubmitted, SUPERVISOR), "审核通过"))
    assert "已审核通过赣州经开区蟠龙镇人民政府的2024年度报告" in text_of(to(approved, None))
    (final,) = to(approved, CLERK)
    assert final.document is not None and "征求意见稿" not in document_text(final.document.data)
    assert store.report_by_id(report_id).status is ReportStatus.FINAL
    clerk.command("fill")
    assert "审核通过，已是定稿，不能再修改" in clerk.text()

    # The supervisor's copy with the review appendix lists the accepted warning.
    (copy,) = supervisor.taps("定稿（附审核情况说明）")
    assert copy.document is not None
    appendix = document_text(copy.document.data)
    assert "审核情况说明" in appendix and REASON in appendix
    assert "征求意见稿" not in appendix

    # Reopened by the supervisor (recorded): the clerk may change it again.
    reopened = supervisor.presses(button(texts.BTN_REOPEN, ReopenReport(report_id)))
    assert "已重新打开" in text_of(to(reopened, None))
    assert "重新打开了您单位的2024年度报告" in text_of(to(reopened, CLERK))
    assert [r.event.value for r in store.review_history(report_id)] == [
        "submit",
        "withdraw",
        "submit",
        "return",
        "resubmit",
        "approve",
        "reopen",
    ]


# --- refusals -------------------------------------------------------------------------------


def press(who: Clerk, action: buttons.Action) -> str:
    """Press a button of ``action`` (as a forged or outdated press would) and read the reply."""
    who.presses(button("·", action))
    return who.text()


def test_a_clerk_cannot_approve_return_or_reopen(store, report_id):
    clerk = person(store, CLERK)
    clerk.command("review")
    clerk.taps("提交上级审核")
    for action in (ApproveReport(report_id), ReopenReport(report_id)):
        assert "只能由上级单位的审核人员办理" in press(clerk, action)
    assert "只能由上级单位的审核人员办理" in press(clerk, StartReturn(report_id))
    assert store.review(report_id).status.value == "submitted"


def test_a_second_approval_and_a_return_of_an_approved_report_are_refused(store, report_id):
    clerk, supervisor = person(store, CLERK), person(store, SUPERVISOR)
    clerk.command("review")
    clerk.taps("提交上级审核")
    assert "已审核通过" in press(supervisor, ApproveReport(report_id))
    assert "报告已审核通过，无需再次审核。" in press(supervisor, ApproveReport(report_id))
    view = supervisor.presses(button("·", buttons.ViewReviewed(report_id)))
    assert "（只读，供审核查看；当前状态：已通过）" in view[0].text
    assert view[-1].buttons[0][0].label == "重新打开"
    assert "如需退回修改，请先将报告重新打开" in press(supervisor, StartReturn(report_id))
    assert "已审核通过，不能再修改或提交" in press(clerk, SubmitReview(report_id))
    # Reopened, it may be handed in again (and returned once handed in).
    press(supervisor, ReopenReport(report_id))
    assert "尚未提交审核" in press(supervisor, StartReturn(report_id))


def test_a_supervisor_of_another_county_cannot_comment_view_or_approve(store, report_id):
    clerk, stranger = person(store, CLERK), person(store, OTHER_SUPERVISOR)
    clerk.command("review")
    clerk.taps("提交上级审核")
    assert "不是其上级单位的审核人员" in press(stranger, StartReturn(report_id))
    assert "不是其上级单位的审核人员" in press(stranger, ApproveReport(report_id))
    assert "不是您所审核的下级单位的报告" in press(stranger, buttons.ViewReviewed(report_id))
    assert stranger.last and all(m.document is None for m in stranger.last)
    # A comment typed without a return under way is not taken for one.
    stranger.says("随便写点什么")
    assert store.comments(report_id) == []


def test_handing_in_is_refused_while_a_warning_is_unexplained_or_rows_are_missing(store):
    report_id = set_up_county(store, explained=False)
    clerk = person(store, CLERK)
    clerk.command("review")
    assert "提交上级审核" not in [b.label for b in clerk.buttons()]
    assert UNEXPLAINED in clerk.last[-1].text
    assert UNEXPLAINED in press(clerk, SubmitReview(report_id))
    store.write_figures(report_id, {"applications.new.natural_person": None}, person_id=CLERK)
    assert "报告还有1项没有填写" in press(clerk, SubmitReview(report_id))
    assert store.review(report_id).status.value == "drafting"


def test_an_office_without_a_supervisor_finishes_as_before(store, report_id):
    clerk = person(store, OTHER_CLERK)
    clerk.command("review")
    assert "提交上级审核" not in [b.label for b in clerk.buttons()]
    assert "须经上级单位审核" not in clerk.text()


def test_progress_shows_each_members_review_status_and_how_long_it_waited(store, report_id):
    clerk, supervisor = person(store, CLERK), person(store, SUPERVISOR)
    clerk.command("review")
    clerk.taps("提交上级审核")
    supervisor.command("progress")
    line = next(x for x in supervisor.text().splitlines() if "蟠龙镇" in x)
    assert "待审核" in line


def test_reminders_go_to_the_supervisor_once_handed_in_and_stop_after_approval(store, report_id):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dialogs.reminders import pending_reminders

    store.write_figures(report_id, {"applications.new.natural_person": None}, person_id=CLERK)
    due = datetime(2025, 1, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # 7 days before

    def reminded() -> list[int]:
        return [r.person_id for r in pending_reminders(store, due) if r.report_id == report_id]

    assert reminded() == [CLERK]
    store.write_figures(report_id, {"applications.new.natural_person": 0}, person_id=CLERK)
    clerk = person(store, CLERK)
    clerk.command("review")
    clerk.taps("提交上级审核")
    assert store.report_by_id(report_id).status is ReportStatus.DRAFT
    # Waiting for review: the supervisor is reminded instead of the clerk.
    assert reminded() == [SUPERVISOR]
    press(person(store, SUPERVISOR), ApproveReport(report_id))
    assert store.reminder_recipients(report_id) == []
    assert reminded() == []


def test_progress_counts_waiting_days_by_the_calendar_of_the_configured_zone(store, report_id):
    """Handed in at 23:30 in Shanghai on 9 January, looked at at 07:00 on the 10th: one day
    there, though only seven and a half hours have passed (and still the same day in UTC)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from dialogs.office import review_state

    store.submit(report_id, person_id=CLERK)
    (member,) = store.review_overview(
        store.organisation(store.report_by_id(report_id).organisation_id).parent_id,
        2024,
        datetime.now(UTC),
    )
    member = replace(member, since=datetime(2025, 1, 9, 15, 30, tzinfo=UTC))
    now = datetime(2025, 1, 9, 23, 0, tzinfo=UTC)
    assert review_state(member, now, ZoneInfo("Asia/Shanghai")) == "；待审核1天"
    assert review_state(member, now, UTC) == "；待审核（今天）"


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_the_clerk_reads_the_hand_in_time_in_the_configured_zone(store, report_id, zone):
    from zoneinfo import ZoneInfo

    clerk = Clerk(make_engine(store, today=lambda: TODAY, zone=ZoneInfo(zone)), CLERK)
    clerk.command("review")
    clerk.taps("提交上级审核")
    clerk.command("review")
    since = store.review(report_id).since
    assert since is not None
    local = since.astimezone(ZoneInfo(zone))
    assert f"报告已于{local.month}月{local.day}日 {local:%H:%M}提交上级审核" in clerk.text()


def test_a_comment_pinned_to_one_cell_is_answered_only_when_that_cell_changes(store, report_id):
    clerk, supervisor = person(store, CLERK), person(store, SUPERVISOR)
    clerk.command("review")
    handed = clerk.taps("提交上级审核")
    supervisor.presses(button_in(to(handed, SUPERVISOR), "退回修改"))
    supervisor.taps("三、")
    supervisor.taps("一、本年新收申请数量")
    supervisor.taps("商业企业")
    supervisor.says("商业企业的申请台账记有1件，这里填的是0，请核对。")
    (letter,) = to(supervisor.taps("发送退回意见（1条）"), CLERK)
    assert "：一、本年新收政府信息公开申请数量·商业企业</b>" in letter.text
    go = button_in([letter], "1. 去修改")
    assert go.label == "1. 去修改：一、本年新收申请数量·商业企业"

    clerk.presses(go)
    assert "一、本年新收政府信息公开申请数量" in clerk.question()
    clerk.says("1 0 0 0 0 0")  # another cell of the row changed: still open
    (comment,) = store.comments(report_id)
    assert comment.answered_at is None
    clerk.presses(go)
    clerk.says("1 1 0 0 0 0")
    (comment,) = store.comments(report_id)
    assert comment.answered_at is not None and comment.answered_by == CLERK


def test_a_cell_is_named_by_its_row_code_and_column_as_the_format_declares_them():
    from dialogs.review_flow import comment_label
    from report.review import Place

    assert (
        comment_label(CURRENT, Place.cell("applications.refused.internal_affairs.natural_person"))
        == "收到和处理政府信息公开申请情况：三（三）5 属于三类内部事务信息·自然人"
    )
    assert (
        comment_label(CURRENT, Place.cell("disclosure.rules.issued"))
        == "主动公开政府信息情况：规章·本年制发件数"
    )
    assert comment_label(CURRENT, Place.part("problems")) == "五、存在的主要问题及改进情况"
