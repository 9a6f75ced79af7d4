"""Reminders while a report is reviewed (issue 17), through the real planner on a real SQLite
file and through the real Application against the strict Bot API test server: the clerks of a
handed-in or approved report hear nothing more, and the county supervisor gets one message a
reminder day listing the reports waiting for them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dialogs.buttons import ViewReviewed, decode
from dialogs.console import plain
from dialogs.deadlines import REVIEW_REMINDER_KIND
from dialogs.reminders import PendingReminder, pending_reminders
from report.formats import CURRENT
from report.values import Report
from storage import Role, Store
from tests.test_reminders_bot import bot_running, runs_finished

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUPERVISOR, OTHER_SUPERVISOR = 6001, 6002
#: 蟠龙镇 handed in first, 凤岗镇 next, 湖边镇 is still filling in, 潭口镇 was approved.
PANLONG, FENGGANG, HUBIAN, TANKOU = 6101, 6102, 6103, 6104
TOWNS = {PANLONG: "蟠龙镇", FENGGANG: "凤岗镇", HUBIAN: "湖边镇", TANKOU: "潭口镇"}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def finished(name: str) -> Report:
    return Report(
        organisation=name,
        year=2024,
        figures={c.id: Decimal(0) for c in CURRENT.entered_cells},
        texts={p.id: "本年情况属实。" for p in CURRENT.parts},
    )


def set_up(path: Path) -> dict[int, int]:
    """A county office with a supervisor over four townships (and another county's supervisor
    above nobody here); returns each clerk's report id."""
    clock = [at(2025, 1, 16, 17, 40)]
    reports: dict[int, int] = {}
    with Store(path, clock=lambda: clock[0].astimezone(UTC)) as store:
        county = store.add_organisation("赣州经济技术开发区党政办公室", short_name="开发区")
        other = store.add_organisation("于都县人民政府办公室", short_name="于都县")
        for person, name, org, role in (
            (SUPERVISOR, "县政务公开办", county.id, Role.SUPERVISOR),
            (OTHER_SUPERVISOR, "于都政务公开办", other.id, Role.SUPERVISOR),
        ):
            store.upsert_person(person, name)
            store.add_membership(person, org, role)
        for clerk, town in TOWNS.items():
            name = f"赣州经开区{town}人民政府"
            org = store.add_organisation(name, short_name=town, parent_id=county.id)
            store.upsert_person(clerk, f"{town}文书")
            store.add_membership(clerk, org.id, Role.CLERK)
            stored = store.report(org.id, 2024)
            assert stored is not None
            reports[clerk] = stored.id
            if clerk == HUBIAN:
                store.write_figures(
                    stored.id, {"disclosure.rules.issued": Decimal(1)}, person_id=clerk
                )
                continue
            store.save_imported(org.id, 2024, finished(name), person_id=clerk)
        # 蟠龙镇 on Thursday evening, 潭口镇 (approved at once) and 凤岗镇 on Monday morning.
        store.submit(reports[PANLONG], person_id=PANLONG)
        clock[0] = at(2025, 1, 20, 8, 15)
        store.submit(reports[TANKOU], person_id=TANKOU)
        store.approve(reports[TANKOU], person_id=SUPERVISOR)
        clock[0] = at(2025, 1, 20, 10, 5)
        store.submit(reports[FENGGANG], person_id=FENGGANG)
    return reports


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "review.db"


@pytest.fixture
def reports(db: Path) -> dict[int, int]:
    return set_up(db)


def planned(db: Path, now: datetime) -> list[PendingReminder]:
    with Store(db) as store:
        return pending_reminders(store, now)


def test_the_supervisor_gets_one_reminder_listing_the_reports_waiting(db, reports):
    # Friday 2025-01-24, seven days before the deadline, after nine.
    pending = planned(db, at(2025, 1, 24, 9, 0))
    by_person = {r.person_id: r for r in pending}
    # Handed in or approved: their clerks hear nothing; 湖边镇 is still filling in.
    assert sorted(by_person) == [SUPERVISOR, HUBIAN]
    reminder = by_person[SUPERVISOR]
    assert reminder.kind == REVIEW_REMINDER_KIND
    assert reminder.report_id == reports[PANLONG]  # recorded under the longest waiting
    lines = plain(reminder.message.text).splitlines()
    assert lines[0] == (
        "⏰ 有2个单位的2024年度报告已提交，正在等待您审核。"
        "年度报告须于2025年1月31日（星期五）前向社会公开。"
    )
    assert lines[1] == "1. 赣州经开区蟠龙镇人民政府，1月16日提交，已等待8天"
    assert lines[2] == "2. 赣州经开区凤岗镇人民政府，1月20日提交，已等待4天"
    assert lines[3] == "点下方按钮可查看报告，审核通过或退回修改。"
    assert "潭口镇" not in reminder.message.text
    assert [[b.label for b in row] for row in reminder.message.buttons] == [
        ["查看蟠龙镇的报告"],
        ["查看凤岗镇的报告"],
    ]
    assert [decode(row[0].data) for row in reminder.message.buttons] == [
        ViewReviewed(reports[PANLONG]),
        ViewReviewed(reports[FENGGANG]),
    ]


def test_no_reminder_on_other_days_none_twice_and_none_once_nothing_waits(db, reports):
    assert planned(db, at(2025, 1, 23, 9, 0)) == []  # not a reminder day
    assert planned(db, at(2025, 1, 24, 8, 59)) == []  # before the hour
    due = at(2025, 1, 24, 9, 0)
    (supervisor,) = [r for r in planned(db, due) if r.person_id == SUPERVISOR]
    with Store(db) as store:
        store.record_reminders(
            [(supervisor.person_id, supervisor.report_id, supervisor.due, supervisor.kind)]
        )
        # Approving the report it was recorded under does not bring a second one that day.
        store.approve(reports[PANLONG], person_id=SUPERVISOR)
    assert [r.person_id for r in planned(db, due)] == [HUBIAN]
    # The next reminder day lists what still waits; once nothing waits, nothing comes.
    (later,) = [r for r in planned(db, at(2025, 1, 27, 9, 0)) if r.person_id == SUPERVISOR]
    assert "有1个单位" in later.message.text and "凤岗镇" in later.message.text
    with Store(db) as store:
        store.return_report(
            reports[FENGGANG],
            [_comment()],
            person_id=SUPERVISOR,
        )
    # Returned: back to its clerk, not to the supervisor.
    assert sorted(r.person_id for r in planned(db, at(2025, 1, 27, 9, 0))) == [FENGGANG, HUBIAN]


def test_approved_reports_get_no_reminder_at_all(db, reports):
    with Store(db) as store:
        for clerk in (PANLONG, FENGGANG):
            store.approve(reports[clerk], person_id=SUPERVISOR)
    for day in (at(2025, 1, 24, 9, 0), at(2025, 1, 27, 9, 0)):
        assert [r.person_id for r in planned(db, day)] == [HUBIAN]


def _comment():
    from report.review import Place
    from storage import NewComment

    return NewComment(Place.part("problems"), "存在的问题写得太笼统，请补充具体事例。")


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_the_supervisor_is_reminded_over_telegram_and_opens_a_report(
    botapi_server, db, reports
):
    people_ids = [SUPERVISOR, *TOWNS]
    async with botapi_server.async_client() as people:
        async with bot_running(botapi_server, db):
            for person in people_ids:
                await people.add_user(person, f"用户{person}")
                await people.send_text(person, "你好")
                await people.wait_for_bot_messages(person, 1)
        with time_machine.travel(at(2025, 1, 24, 9, 30), tick=True):
            async with bot_running(botapi_server, db) as bot_data:
                await runs_finished(bot_data, 1)
                await people.wait_for_bot_messages(SUPERVISOR, 2)
                message = (await people.bot_messages(SUPERVISOR))[-1]
                assert "有2个单位的2024年度报告已提交，正在等待您审核" in plain(message.text)
                assert [b.text for b in message.buttons] == [
                    "查看蟠龙镇的报告",
                    "查看凤岗镇的报告",
                ]
                await people.press_button(SUPERVISOR, message.message_id, text="查看凤岗镇的报告")
                await people.wait_for_bot_messages(SUPERVISOR, 3)
                last = (await people.bot_messages(SUPERVISOR))[-1]
                assert "凤岗镇人民政府2024年报告" in plain(last.text)
                assert "当前状态：待审核" in plain(last.text)
                assert {"审核通过", "退回修改"} <= {b.text for b in last.buttons}
            # Started again the same day: nothing is sent twice.
            async with bot_running(botapi_server, db) as bot_data:
                await runs_finished(bot_data, 1)
        reminders = {
            p: [m for m in await people.bot_messages(p) if "⏰" in (m.text or "")]
            for p in people_ids
        }
        assert {p: len(found) for p, found in reminders.items()} == {
            SUPERVISOR: 1,
            PANLONG: 0,
            FENGGANG: 0,
            HUBIAN: 1,
            TANKOU: 0,
        }
        await people.assert_no_rejected_calls()
