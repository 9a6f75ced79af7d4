"""Review and sign-off end to end: the real ``nianbao run`` process against the strict Bot API
test server, a township clerk and the county supervisor in their own chats.

The clerk hands the report in, the supervisor returns it with two comments on rows, the clerk
lands on each row with one tap, fixes it and hands it in again, the supervisor sees what changed
and approves; the final DOCX carries no draft mark and the appendix lists the accepted warning.
The exchange is written to ``docs/review-transcript.md``.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from dialogs.deadlines import reporting_year
from report.formats import CURRENT
from report.values import Report
from storage import ReportStatus, Role, Store
from tests.bot_process import BotProcess, Person

pytestmark = pytest.mark.slow

SUPERVISOR = 9101
CLERK = 9102
TOWN = "赣州经开区蟠龙镇人民政府"
COUNTY = "赣州经济技术开发区党政办公室"
REASON = "上年结转的2件申请已于上年12月底办结，上年报告填报有误，已核实。"
TRANSCRIPT = Path(__file__).resolve().parents[1] / "docs" / "review-transcript.md"


def complete(year: int, **figures: int) -> Report:
    values = {c.id: Decimal(0) for c in CURRENT.entered_cells}
    values.update({k.replace("__", "."): Decimal(v) for k, v in figures.items()})
    return Report(organisation=TOWN, year=year, figures=values, texts=TEXTS)


TEXTS = {
    "overview.summary": "本年度，蟠龙镇认真贯彻《政府信息公开条例》，全年主动公开政府信息98条。",
    "overview.active": "通过镇政府信息公开专栏主动公开政府信息98条，其中政策文件12条。",
    "overview.requests": "本年度收到政府信息公开申请的情况见表三。",
    "overview.management": "严格执行信息发布保密审查制度，未发生泄密事件。",
    "overview.platforms": "持续维护镇政府信息公开专栏，及时更新栏目内容。",
    "overview.oversight": "将政务公开工作纳入年度考核，开展业务培训2次。",
    "problems": "公开内容的及时性有待提高。下一步加强业务人员培训。",
    "other_matters": "无。",
}


@pytest.fixture
def db(tmp_path) -> Path:
    """The county with its supervisor; 蟠龙镇 with its clerk, last year's report, and this year's
    complete, with the one warning it raises explained."""
    year = reporting_year(date.today())
    path = tmp_path / "bot.db"
    with Store(path) as store:
        county = store.add_organisation(COUNTY, short_name="开发区")
        town = store.add_organisation(TOWN, short_name="蟠龙镇", parent_id=county.id)
        store.upsert_person(SUPERVISOR, "县政务公开办")
        store.add_membership(SUPERVISOR, county.id, Role.SUPERVISOR)
        store.upsert_person(CLERK, "李文书")
        store.add_membership(CLERK, town.id, Role.CLERK)
        last = complete(
            year - 1,
            applications__new__natural_person=2,
            applications__carried_forward__natural_person=2,
        )
        store.save_imported(town.id, year - 1, last, person_id=CLERK)
        stored = store.report(town.id, year)
        now = complete(year)
        store.write_figures(stored.id, dict(now.figures), person_id=CLERK)
        for part_id, text in now.texts.items():
            store.write_text(stored.id, part_id, text, person_id=CLERK)
        store.accept_warning(stored.id, "carry_over.natural_person", REASON, person_id=CLERK)
    return path


@pytest.fixture
def bot(botapi_server, db, tmp_path):
    process = BotProcess(botapi_server, db, tmp_path / "bot.log")
    process.start()
    yield process
    process.stop()


def header_and_body(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    header = "\n".join(p.text for s in document.sections for p in s.header.paragraphs)
    return header + "\n" + "\n".join(p.text for p in document.paragraphs)


class Both:
    """The two chats side by side: after each action the other person's new messages are
    taken too, so the transcript reads in the order things happened."""

    def __init__(self, clerk: Person, supervisor: Person, shared: list[str]) -> None:
        self.clerk, self.supervisor, self.shared = clerk, supervisor, shared

    def after(self, acting: Person) -> None:
        other = self.supervisor if acting is self.clerk else self.clerk
        mark = len(self.shared)
        self.shared.append(f"*（{other.name}收到：）*")
        if not other.settle(timeout=3.0, expect_new=False):
            del self.shared[mark]


def test_submit_return_with_two_row_comments_fix_resubmit_approve(botapi_server, bot, db):
    client = botapi_server.client
    shared: list[str] = []
    clerk = Person(client, CLERK, "李文书", transcript=shared)
    supervisor = Person(client, SUPERVISOR, "县政务公开办", transcript=shared)
    both = Both(clerk, supervisor, shared)
    year = reporting_year(date.today())

    supervisor.command("progress")
    assert "蟠龙镇：已填100%" in Person.text(supervisor.bot_messages()[-1:])

    # The clerk hands the report in from the preview.
    clerk.command("review")
    clerk.taps("提交上级审核")
    both.after(clerk)
    told = Person.text(supervisor.bot_messages()[-2:])
    assert f"{TOWN}提交了{year}年政府信息公开工作年度报告，请审核" in told
    assert "四、结转下年度继续办理：0 / 2" in told and REASON in told
    draft = supervisor.bot_messages()[-1].document
    assert draft is not None and "征求意见稿" in header_and_body(draft.content)

    # The supervisor returns it with two comments on rows: one pinned to the row's 自然人 cell,
    # one to the whole row.
    supervisor.taps("退回修改")
    supervisor.taps("三、")
    supervisor.taps("一、本年新收申请数量")
    supervisor.taps("自然人")
    supervisor.says("本年新收申请数与依申请公开台账不一致（台账登记1件），请核对。")
    supervisor.taps("再写一条意见")
    supervisor.taps("三、")
    supervisor.taps("三（一） 予以公开")
    supervisor.taps("整行")
    supervisor.says("台账中的这1件申请已予以公开，办理结果请一并填写。")
    supervisor.taps("发送退回意见（2条）")
    both.after(supervisor)
    letter = clerk.bot_messages()[-1]
    assert "请按以下2条意见修改" in (letter.text or "")
    assert "一、本年新收政府信息公开申请数量·自然人" in (letter.text or "")

    # One tap lands on each row; the clerk fixes both and hands the report in again.
    clerk.taps("1. 去修改")
    assert "一、本年新收政府信息公开申请数量" in Person.text(clerk.bot_messages()[-1:])
    clerk.says("1 0 0 0 0 0")
    clerk.taps("2. 去修改")
    assert "（一）予以公开" in Person.text(clerk.bot_messages()[-1:])
    clerk.says("1 0 0 0 0 0")
    clerk.taps("修改完毕，重新提交审核")
    both.after(clerk)
    changes = Person.text(supervisor.bot_messages()[-2:])
    assert "退回的2条意见中，已修改2条。" in changes
    assert "一、本年新收政府信息公开申请数量·自然人：0 → 1" in changes
    assert "（一）予以公开·自然人：0 → 1" in changes

    # Approved: the clerk receives the final report, without the draft mark.
    supervisor.taps("审核通过")
    both.after(supervisor)
    final = clerk.bot_messages()[-1].document
    assert final is not None and final.file_name == f"蟠龙镇{year}年政府信息公开工作年度报告.docx"
    assert "征求意见稿" not in header_and_body(final.content)
    clerk.command("fill")
    assert "审核通过，已是定稿，不能再修改" in Person.text(clerk.bot_messages()[-1:])

    # The supervisor's copy with the review appendix lists the accepted warning and its reason.
    supervisor.taps("定稿（附审核情况说明）")
    copy = supervisor.bot_messages()[-1].document
    assert copy is not None
    appendix = header_and_body(copy.content)
    assert "审核情况说明" in appendix and REASON in appendix and "征求意见稿" not in appendix
    supervisor.command("progress")
    assert "已通过" in Person.text(supervisor.bot_messages()[-1:])

    with Store(db) as store:
        org = store.find_organisation(TOWN)
        stored = store.report(org.id, year)
        assert stored.status is ReportStatus.FINAL
        assert store.review(stored.id).status.value == "approved"
        assert store.load(stored.id).figures["applications.granted.natural_person"] == 1
        assert [r.event.value for r in store.review_history(stored.id)] == [
            "submit",
            "return",
            "resubmit",
            "approve",
        ]
    client.assert_no_rejected_calls()

    TRANSCRIPT.write_text(
        "# Review and sign-off in the chat (generated by `tests/test_bot_review.py`)\n\n"
        "A township clerk (李文书, 蟠龙镇) and the county supervisor (县政务公开办) in their own\n"
        "chats with the bot, in the order things happened. Button taps are in square brackets;\n"
        "the bot's messages are quoted; a line in italics says whose chat the messages that\n"
        "follow arrived in when the other person's action caused them.\n\n"
        # Times and days left change from run to run; the transcript stays the same.
        + re.sub(
            r"\d{1,2}月\d{1,2}日 \d{2}:\d{2}",
            "<时间>",
            re.sub(r"还有\d+天", "还有<天数>天", "\n\n".join(shared)),
        )
        + "\n",
        encoding="utf-8",
    )
