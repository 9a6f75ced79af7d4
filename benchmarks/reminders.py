"""Benchmark 3: planning the reminders of 10,000 people, and handing them to a rate-limited sender.

Planning is ``dialogs.reminders.pending_reminders`` on a real SQLite file holding 10,000 clerks
in 2,500 offices (a quarter of them finished, some muted). Sending goes through the product's
``NianbaoBot.send`` with the product's ``AIORateLimiter`` over the in-process fake network, and
the time of every ``sendMessage`` is kept, so the schedule can be checked against Telegram's
limits: at most 30 messages a second overall and one a second to any one chat.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.stats import Timing
from bot.app import build_application
from bot.settings import Settings
from dialogs.deadlines import reminder_slots, statutory_deadline
from dialogs.reminders import PendingReminder, pending_reminders
from storage import ReportStatus, Role, Store
from tests.fakenet import TOKEN, FakeTelegram

YEAR = 2025
ZONE = ZoneInfo("Asia/Shanghai")
PER_OFFICE = 4


@dataclass
class ReminderResult:
    people: int
    planned: int
    planning: Timing
    sent: int
    send_seconds: float
    max_per_second: int
    max_per_chat_per_second: int

    @property
    def projected_send_minutes(self) -> float:
        """Minutes to send every planned reminder at the rate the sample was sent."""
        return self.planned / (self.sent / self.send_seconds) / 60


class TimedTelegram(FakeTelegram):
    """The fake network, keeping when each message went out and to whom."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[float, int]] = []

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None:
            self.messages.append((time.monotonic(), int(request_data.parameters["chat_id"])))
        return await super().do_request(url, method, request_data, *args, **kwargs)


def fill(store: Store, people: int) -> None:
    """``people`` clerks in offices of four; every fourth office has finished, every tenth
    clerk has muted reminders."""
    person = 1
    with store.transaction():
        for office in range(people // PER_OFFICE):
            org = store.add_organisation(f"提醒测试单位{office:05d}")
            stored = store.report(org.id, YEAR)
            assert stored is not None
            if office % 4 == 0:
                store.set_status(stored.id, ReportStatus.FINAL, person_id=None)
            for _ in range(PER_OFFICE):
                store.upsert_person(person, f"文书{person}")
                store.add_membership(person, org.id, Role.CLERK)
                if person % 10 == 0:
                    store.mute_reminders(person, stored.id)
                person += 1


def reminder_morning() -> datetime:
    """09:30 on the working day the 7-day reminder of the 2025 report is sent."""
    slot = next(s for s in reminder_slots(statutory_deadline(YEAR)) if s.days_before == 7)
    return datetime.combine(slot.send_on, clock_time(9, 30), tzinfo=ZONE)


async def send(store: Store, reminders: list[PendingReminder]) -> TimedTelegram:
    """Hand reminders to the product's sender, with its own rate limiter, over the fake network."""
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN)  # type: ignore[call-arg]
    application = build_application(settings, store)
    fake = TimedTelegram()
    application.bot._request = (fake, fake)  # type: ignore[attr-defined]
    handler = application.bot_data["nianbao"]
    context = SimpleNamespace(bot=application.bot)  # what NianbaoBot.send reads of a context
    async with application:
        for pending in reminders:
            await handler.send(context, pending.person_id, [pending.message])  # type: ignore[arg-type]
    return fake


def worst_windows(messages: list[tuple[float, int]]) -> tuple[int, int]:
    """The most messages in any one second, overall and to one chat."""
    times = [t for t, _ in messages]
    overall = 0
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        overall = max(overall, end - start + 1)
    per_chat = 0
    by_chat: dict[int, list[float]] = {}
    for moment, chat in messages:
        by_chat.setdefault(chat, []).append(moment)
    for moments in by_chat.values():
        per_chat = max(per_chat, max(Counter(int(m - moments[0]) for m in moments).values()))
    return overall, per_chat


def run(people: int = 10_000, sample: int = 240) -> ReminderResult:
    """Plan for ``people``; send the first ``sample`` of the plan through the rate limiter."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "reminders.db") as store:
        fill(store, people)
        now = reminder_morning()
        samples: list[float] = []
        planned: list[PendingReminder] = []
        for _ in range(3):
            started = time.perf_counter()
            planned = pending_reminders(store, now)
            samples.append(time.perf_counter() - started)
        timing = Timing(samples, sum(samples))
        started = time.monotonic()
        fake = asyncio.run(send(store, planned[:sample]))
        seconds = time.monotonic() - started
        overall, per_chat = worst_windows(fake.messages)
        return ReminderResult(
            people=people,
            planned=len(planned),
            planning=timing,
            sent=len(fake.messages),
            send_seconds=seconds,
            max_per_second=overall,
            max_per_chat_per_second=per_chat,
        )


@dataclass
class LoopLagResult:
    offices: int
    quiet_day_seconds: float
    quiet_day_lag_ms: float
    morning_seconds: float
    morning_planned: int
    morning_lag_ms: float


def fill_offices(store: Store, offices: int) -> None:
    """``offices`` township offices of one clerk each, under counties of 20 (a county deadline
    on every tenth county), empty reports."""
    with store.transaction():
        county = None
        for office in range(offices):
            if office % 20 == 0:
                county = store.add_organisation(f"测试县{office // 20:05d}人民政府办公室")
                if (office // 20) % 10 == 0:
                    store.set_internal_deadline(county.id, YEAR, datetime(2026, 1, 20).date())
            assert county is not None
            org = store.add_organisation(f"测试乡镇{office:05d}", parent_id=county.id)
            store.upsert_person(office + 1, f"文书{office + 1}")
            store.add_membership(office + 1, org.id, Role.CLERK)


async def _lag_while(work: Any) -> tuple[float, float, Any]:
    """Run ``work`` (an awaitable) while a ticker measures the event loop's worst lag."""
    worst = 0.0
    done = False

    async def ticker() -> None:
        nonlocal worst
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, time.perf_counter() - before - 0.005)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    result = await work
    seconds = time.perf_counter() - started
    done = True
    await task
    return seconds, worst * 1000, result


def loop_lag(offices: int = 20_000) -> LoopLagResult:
    """The event loop's worst lag while the product plans reminders for ``offices`` offices in
    its worker thread (``bot.reminders._plan``): at a start-up catch-up on a day with nothing
    due, and on a reminder morning when every office is due."""
    from bot.lifecycle import settle_heap
    from bot.reminders import _plan

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lag.db"
        with Store(path) as store:
            fill_offices(store, offices)
        settle_heap()  # as the bot does once it has started
        quiet = datetime(2025, 12, 10, 9, 30, tzinfo=ZONE)
        morning = reminder_morning()

        async def measure(now: datetime) -> tuple[float, float, Any]:
            return await _lag_while(asyncio.to_thread(_plan, str(path), now))

        quiet_s, quiet_lag, _ = asyncio.run(measure(quiet))
        morning_s, morning_lag, planned = asyncio.run(measure(morning))
        return LoopLagResult(offices, quiet_s, quiet_lag, morning_s, len(planned), morning_lag)
