"""Reminders through the real python-telegram-bot Application and its job queue, against the
strict Bot API test server in-process (tests/botapi/inprocess.py), with the clock moved by time-machine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.app import build_application
from bot.reminders import RUNS_KEY
from bot.settings import Settings
from dialogs.console import plain
from report.formats import CURRENT
from report.values import Report
from storage import ReportStatus, Role, Store
from tests.botapi.inprocess import InProcessBotApi

SHANGHAI = ZoneInfo("Asia/Shanghai")
FINISHED, BEHIND, UNTOUCHED = 5101, 5102, 5103


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def db(tmp_path):
    """Three townships: one finished its 2024 report, one is half-way, one has not begun."""
    path = tmp_path / "bot.db"
    with Store(path) as store:
        county = store.add_organisation("赣州经济技术开发区党政办公室", short_name="开发区")
        for person, town in ((FINISHED, "蟠龙镇"), (BEHIND, "凤岗镇"), (UNTOUCHED, "湖边镇")):
            org = store.add_organisation(
                f"赣州经开区{town}人民政府", short_name=town, parent_id=county.id
            )
            store.upsert_person(person, f"{town}文书")
            store.add_membership(person, org.id, Role.CLERK)
            if person == FINISHED:
                done = Report(
                    organisation=org.name,
                    year=2024,
                    figures={c.id: Decimal(0) for c in CURRENT.entered_cells},
                    texts={p.id: "内容。" for p in CURRENT.parts},
                )
                stored = store.save_imported(org.id, 2024, done, person_id=person)
                store.set_status(stored.id, ReportStatus.FINAL, person_id=person)
            if person == BEHIND:
                stored = store.report(org.id, 2024)
                rules = (
                    "disclosure.rules.issued",
                    "disclosure.rules.repealed",
                    "disclosure.rules.in_force",
                )
                store.write_figures(
                    stored.id, {cell: Decimal(1) for cell in rules}, person_id=person
                )
    return path


def settings(server, path) -> Settings:
    return Settings.model_validate(
        {"TELEGRAM_BOT_TOKEN": server.token, "NIANBAO_DB": str(path), "NIANBAO_TZ": "Asia/Shanghai"}
    )


@asynccontextmanager
async def bot_running(server, path) -> AsyncIterator[dict]:
    """The bot as ``run_polling`` starts it (post_init, polling, job queue); yields bot_data."""
    with Store(path) as store:
        requests = server.requests() if isinstance(server, InProcessBotApi) else None
        app = build_application(
            settings(server, path), store, base_url=server.base_url, requests=requests
        )
        async with app:
            assert app.post_init is not None
            await app.post_init(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0)
            await app.start()
            try:
                yield app.bot_data
            finally:
                await app.updater.stop()
                await app.stop()


async def runs_finished(bot_data: dict, count: int) -> None:
    """Wait (up to a generous limit) until ``count`` reminder runs have finished."""
    for _ in range(400):
        if bot_data.get(RUNS_KEY, 0) >= count:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{count} reminder run(s) did not finish")


async def say_hello(people) -> None:
    """Telegram lets a bot write only to people who wrote to it first."""
    for person in (FINISHED, BEHIND, UNTOUCHED):
        await people.add_user(person, f"用户{person}")
        await people.send_text(person, "你好")
        await people.wait_for_bot_messages(person, 1)


async def reminders_to(people, person: int) -> list[str]:
    return [
        plain(m.text or "") for m in await people.bot_messages(person) if "⏰" in (m.text or "")
    ]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.anyio
async def test_the_daily_run_at_nine_reminds_only_unfinished_reports_before_the_holiday(
    botapi_inprocess, db
):
    async with botapi_inprocess.async_client() as people:
        async with bot_running(botapi_inprocess, db):
            await say_hello(people)
        # Monday 2025-01-27 is the last working day before the Spring Festival holiday, which
        # covers the deadline (Friday 01-31): the reminders of 3 days, 1 day and the day itself
        # all come then.
        with time_machine.travel(at(2025, 1, 27, 8, 59, 58), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)  # the catch-up run at start: nothing due yet
                assert await reminders_to(people, BEHIND) == []
                await runs_finished(bot_data, 2)  # the daily run at 09:00
                await people.wait_for_bot_messages(BEHIND, 2)
                await people.wait_for_bot_messages(UNTOUCHED, 2)
        (behind,) = await reminders_to(people, BEHIND)
        assert (
            "赣州经开区凤岗镇人民政府2024年度报告的截止日期是2025年1月31日（星期五），还有4天"
            in behind
        )
        assert "二、主动公开政府信息情况：5行数据" in behind
        (untouched,) = await reminders_to(people, UNTOUCHED)
        assert "二、主动公开政府信息情况：6行数据" in untouched
        assert await reminders_to(people, FINISHED) == []
        message = (await people.bot_messages(BEHIND))[-1]
        assert [b.text for b in message.buttons] == ["从缺项处继续填写", "不再提醒"]

        # The holiday itself: nothing more, however often the bot starts.
        with time_machine.travel(at(2025, 1, 30, 9, 30), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        assert len(await reminders_to(people, BEHIND)) == 1
        await people.assert_no_rejected_calls()


@pytest.mark.anyio
async def test_a_reminder_missed_while_down_is_sent_once_and_never_again_after_a_restart(
    botapi_inprocess, db
):
    async with botapi_inprocess.async_client() as people:
        async with bot_running(botapi_inprocess, db):
            await say_hello(people)
        # Friday 2025-01-24 (7 days before): the bot was down at 09:00 and comes back at 11:00.
        with time_machine.travel(at(2025, 1, 24, 11, 0), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        assert len(await reminders_to(people, BEHIND)) == 1
        assert "还有7天" in (await reminders_to(people, BEHIND))[0]
        assert len(await reminders_to(people, UNTOUCHED)) == 1

        # Restarted the same afternoon: the reminders are on record, none is sent again.
        with time_machine.travel(at(2025, 1, 24, 15, 0), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        assert len(await reminders_to(people, BEHIND)) == 1

        # Down all of Monday 01-27 (a reminder day), back on Tuesday: that day has passed.
        with time_machine.travel(at(2025, 1, 28, 10, 0), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        assert len(await reminders_to(people, BEHIND)) == 1
        with Store(db) as store:
            sent = store.reminders()
        assert sorted((r.person_id, r.due) for r in sent) == [
            (BEHIND, date(2025, 1, 24)),
            (UNTOUCHED, date(2025, 1, 24)),
        ]
        await people.assert_no_rejected_calls()


@pytest.mark.anyio
async def test_a_muted_report_gets_no_reminder(botapi_inprocess, db):
    async with botapi_inprocess.async_client() as people:
        async with bot_running(botapi_inprocess, db):
            await say_hello(people)
        with time_machine.travel(at(2025, 1, 17, 9, 1), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
                message = (await people.bot_messages(BEHIND))[-1]
                await people.press_button(BEHIND, message.message_id, text="不再提醒")
                await people.wait_for_bot_messages(BEHIND, 3)
        assert "已停止2024年度报告的提醒" in plain((await people.bot_messages(BEHIND))[-1].text)
        with time_machine.travel(at(2025, 1, 24, 9, 1), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        assert len(await reminders_to(people, BEHIND)) == 1  # only the one of 01-17
        assert len(await reminders_to(people, UNTOUCHED)) == 2
        await people.assert_no_rejected_calls()


@pytest.mark.anyio
async def test_a_blocked_clerk_is_marked_unreachable_and_not_counted_as_reminded(
    botapi_inprocess, db
):
    async with botapi_inprocess.async_client() as people:
        async with bot_running(botapi_inprocess, db):
            await say_hello(people)
        assert await people.block_bot(BEHIND)
        with time_machine.travel(at(2025, 1, 24, 11, 0), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        # 凤岗镇's clerk blocked the bot (403): not recorded, marked unreachable; the
        # reminder to 湖边镇's clerk, after it, still goes.
        assert len(await reminders_to(people, UNTOUCHED)) == 1
        with Store(db) as store:
            assert [(r.person_id, r.due) for r in store.reminders()] == [
                (UNTOUCHED, date(2025, 1, 24))
            ]
            assert store.unreachable() == {BEHIND}
        with time_machine.travel(at(2025, 1, 24, 14, 0), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
                # Writing to the bot again unblocks it and makes the clerk reachable: the
                # day's reminder comes with the next run, the same day.
                await people.send_text(BEHIND, "你好")
                await people.wait_for_bot_messages(BEHIND, 2)
        with time_machine.travel(at(2025, 1, 24, 15, 0), tick=True):
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        with Store(db) as store:
            assert not store.unreachable()
        (late,) = await reminders_to(people, BEHIND)
        assert "还有7天" in late
        # The only refusal was the 403 to the blocked clerk.
        rejected = await people.rejected_calls()
        assert [(c.params["chat_id"], c.error_code) for c in rejected] == [(str(BEHIND), 403)]


@pytest.mark.anyio
async def test_a_send_failing_past_the_retries_skips_only_that_reminder_and_is_retried(
    botapi_inprocess, db, monkeypatch
):
    monkeypatch.setattr("bot.reminders.RETRY_SECONDS", 1)
    # The first reminder (凤岗镇) meets a 502.
    await _first_reminder_fails_then_is_retried(
        botapi_inprocess,
        db,
        lambda people: people.fail_next_with("sendMessage", 1, 502, "Bad Gateway"),
    )


@pytest.mark.anyio
@pytest.mark.parametrize("fault", ["429 past the retries", "time-out"])
async def test_a_429_or_a_time_out_mid_run_skips_only_that_reminder_and_it_is_sent_later(
    botapi_server, db, monkeypatch, fault
):
    """Telegram's flood control outlasting the rate limiter's retries, or no answer within the
    read timeout: the run goes on, and the reminder not sent goes out in a retry run that day."""
    monkeypatch.setattr("bot.reminders.RETRY_SECONDS", 1)

    async def inject(people: Any) -> None:
        if fault == "time-out":  # longer than the client's 5 s read timeout
            await people.stall_next("sendMessage", 1, 7.0)
        else:  # one more than the limiter's five retries
            await people.fail_next("sendMessage", 6, retry_after=1)

    await _first_reminder_fails_then_is_retried(botapi_server, db, inject)


async def _first_reminder_fails_then_is_retried(
    server, db, inject: Callable[[Any], Awaitable[object]]
) -> None:
    """The reminder run of 24 January 2025: ``inject`` makes its first send (凤岗镇's) fail
    past the retries; 湖边镇's still goes at once, and only it is on record. The retry run a
    little later sends the one that failed, and only it."""
    async with server.async_client() as people:
        async with bot_running(server, db):
            await say_hello(people)
        with time_machine.travel(at(2025, 1, 24, 11, 0), tick=True):
            async with bot_running(server, db) as bot_data:
                await inject(people)
                await runs_finished(bot_data, 1)
                assert len(await reminders_to(people, UNTOUCHED)) == 1
                assert await reminders_to(people, BEHIND) == []
                with Store(db) as store:
                    assert [r.person_id for r in store.reminders()] == [UNTOUCHED]
                await runs_finished(bot_data, 2)
                await people.wait_for_bot_messages(BEHIND, 2)
        assert len(await reminders_to(people, BEHIND)) == 1
        assert len(await reminders_to(people, UNTOUCHED)) == 1
        with Store(db) as store:
            assert sorted(r.person_id for r in store.reminders()) == [BEHIND, UNTOUCHED]


@pytest.mark.anyio
async def test_stopping_mid_broadcast_leaves_the_rest_for_the_next_start_sent_once(
    botapi_inprocess, db
):
    """SIGTERM during a reminder morning: the job queue waits for the running job, so the run
    stops sending (rather than keeping the bot up for the whole broadcast); what it did not
    send is not on record, and the catch-up run at the next start sends it, once."""
    many = range(6001, 6121)
    with Store(db) as store, store.transaction():
        county = store.organisations()[0]
        for person in many:
            org = store.add_organisation(f"测试乡镇{person}", parent_id=county.id)
            store.upsert_person(person, f"文书{person}")
            store.add_membership(person, org.id, Role.CLERK)
    async with botapi_inprocess.async_client() as people:
        await people.start_chats((p, f"文书{p}") for p in (*many, FINISHED, BEHIND, UNTOUCHED))
        with time_machine.travel(at(2025, 1, 24, 11, 0), tick=True):
            async with bot_running(botapi_inprocess, db):
                for _ in range(400):
                    if len(await people.calls("sendMessage")) >= 5:
                        break
                    await asyncio.sleep(0.025)
            stopped_after = len(await people.calls("sendMessage"))
            with Store(db) as store:
                assert len(store.reminders()) == stopped_after
            assert 5 <= stopped_after < len(many)
            async with bot_running(botapi_inprocess, db) as bot_data:
                await runs_finished(bot_data, 1)
        reminded = [c.params["chat_id"] for c in await people.calls("sendMessage") if c.ok]
        assert sorted(map(int, reminded)) == sorted([*many, BEHIND, UNTOUCHED])
        with Store(db) as store:
            assert len(store.reminders()) == len(many) + 2
