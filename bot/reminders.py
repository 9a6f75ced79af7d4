"""Reminders on PTB's job queue: every day at the sending hour in the configured time zone,
and once at start-up to catch up on a reminder that fell due while the bot was down.

Each reminder is recorded before it is sent (a batch at a time), so a restart never sends one
twice; a crash between the two loses those reminders rather than doubling them. Sends go one
after another through the application's rate limiter as broadcasts: they use only the sending
budget that clerks' replies leave (``bot.sending``). Planning runs in a worker thread with its
own connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.sending import broadcasting
from dialogs.deadlines import (
    SEND_AT,
    calendar_knows,
    configure_holidays,
    reporting_year,
    statutory_deadline,
)
from dialogs.reminders import PendingReminder, pending_reminders
from storage import Store

if TYPE_CHECKING:
    from bot.app import NianbaoBot

log = logging.getLogger(__name__)

DAILY_JOB = "reminders"
RUNS_KEY = "reminder_runs"
CATCH_UP_JOB = "reminders-catch-up"
RETRY_JOB = "reminders-retry"
#: How long after a run with transient failures the next one tries again (same day: a
#: reminder is only ever sent on its own day).
RETRY_SECONDS = 600
#: Reminders recorded in one transaction before they are sent.
RECORD_BATCH = 50
#: Planned reminders freed at a time (a few milliseconds of the event loop each).
FREE_SLICE = 500
#: How late the daily run may still start (the event loop was busy, the clock jumped).
DAILY_GRACE_SECONDS = 3600


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> int:
    """Send every reminder due now that has not been recorded; returns how many were sent.

    Planning runs in a worker thread on its own connection, so the event loop keeps serving
    clerks. Reminders are recorded a batch at a time, each batch before it is sent. A person
    who blocked the bot (403) or never opened a chat is marked unreachable and the record
    undone; a 429, time-out or network error that outlasts the retries skips only that
    message, undoes its record, and a retry run later the same day sends it."""
    handler: NianbaoBot = context.application.bot_data["nianbao"]
    store = handler.store
    now = datetime.now(handler.settings.zone)
    pending = await asyncio.to_thread(_plan, store.path, now)
    sent = failed = 0
    while pending:
        if not context.application.running:
            # Stopping (SIGTERM): the job queue waits for this run, which could take minutes
            # of a 20,000-reminder morning; what is left is sent by the catch-up run at the
            # next start (the same day).
            log.info("stopping: %d reminder(s) left for the next run", len(pending))
            await let_go(pending)
            break
        # Taken off the plan as sent: each batch is freed when the next is taken, not all
        # 20,000 planned messages at once at the end.
        batch = pending[:RECORD_BATCH]
        del pending[:RECORD_BATCH]
        new = store.record_reminders([(p.person_id, p.report_id, p.due, p.kind) for p in batch])
        # Each person's through their own bot; the bots send side by side, each in its budget.
        by_bot: dict[Bot, list[PendingReminder]] = {}
        for reminder, is_new in zip(batch, new, strict=True):
            if is_new:
                via = handler.bot_for(reminder.person_id, fallback=context.bot)
                by_bot.setdefault(via, []).append(reminder)
        for outcomes in await asyncio.gather(
            *(_deliver_all(handler, context, via, some) for via, some in by_bot.items())
        ):
            sent += outcomes.count(True)
            failed += outcomes.count(None)
    if sent:
        log.info("sent %d reminder(s)", sent)
    if failed and context.application.running and context.application.job_queue is not None:
        log.warning("%d reminder(s) not sent; retrying in %d s", failed, RETRY_SECONDS)
        context.application.job_queue.run_once(
            send_reminders,
            when=RETRY_SECONDS,
            name=RETRY_JOB,
            job_kwargs={"misfire_grace_time": None},
        )
    # How many runs have finished (for monitoring, and for tests to know a run is over).
    context.application.bot_data[RUNS_KEY] = context.application.bot_data.get(RUNS_KEY, 0) + 1
    return sent


async def let_go(items: list[Any]) -> None:
    """Empty a long list a slice at a time, the event loop serving between slices: freeing the
    19,000 reminders a stopping morning had left, all at once, held the loop 107 ms."""
    while items:
        del items[-FREE_SLICE:]
        await asyncio.sleep(0)


def unreachable(error: Forbidden | BadRequest) -> bool:
    """A refusal that means the person cannot be written to: blocked the bot, deleted the
    account (403), or never opened a chat with it (400 chat not found)."""
    return isinstance(error, Forbidden) or "chat not found" in error.message.lower()


def _plan(path: str, now: datetime) -> list[PendingReminder]:
    """Plan in a worker thread, on a connection of its own, with the cyclic garbage collector
    paused: planning for 20,000 offices keeps hundreds of thousands of objects alive, and each
    full collection over them holds the GIL (the event loop stalled ~650 ms on a loaded
    machine). Planning makes few reference cycles; those it makes are never collected."""
    with _collector_paused(), Store(path) as store:
        return pending_reminders(store, now)


async def _deliver_all(
    handler: NianbaoBot,
    context: ContextTypes.DEFAULT_TYPE,
    via: Bot,
    reminders: list[PendingReminder],
) -> list[bool | None]:
    """One bot's reminders, one after another (its rate limiter paces them); once the
    application is stopping, the rest are taken off the record unsent (None: sent later)."""
    outcomes: list[bool | None] = []
    for number, reminder in enumerate(reminders):
        if not context.application.running:
            # One commit for the rest (each its own was ~4 ms of fsync on the loop apiece).
            with handler.store.transaction():
                for rest in reminders[number:]:
                    handler.store.forget_reminder(
                        rest.person_id, rest.report_id, rest.due, rest.kind
                    )
            break
        outcomes.append(await _deliver(handler, context, via, reminder))
    return outcomes


_pause = {"blocks": 0, "was_enabled": True}
_pause_lock = threading.Lock()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the block runs (nested or in several threads
    at once, it resumes when the last block ends, if it ran before)."""
    with _pause_lock:
        if _pause["blocks"] == 0:
            _pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _pause["blocks"] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause["blocks"] -= 1
            if _pause["blocks"] == 0 and _pause["was_enabled"]:
                # What planning left alive (the plan, mostly) joins the start-up heap outside
                # the full passes, or the first one would stall the loop as long; reference
                # counting still frees it once sent.
                gc.freeze()
                gc.enable()


async def _deliver(
    handler: NianbaoBot, context: ContextTypes.DEFAULT_TYPE, via: Bot, reminder: PendingReminder
) -> bool | None:
    """True when sent; False when the person cannot be reached; None when it may be retried."""
    store = handler.store
    record = (reminder.person_id, reminder.report_id, reminder.due, reminder.kind)
    try:
        with broadcasting():
            await handler.send(context, reminder.person_id, [reminder.message], via=via)
    except (Forbidden, BadRequest) as error:
        log.info("reminder to %s not delivered: %s", reminder.person_id, error.message)
        store.forget_reminder(*record)
        if unreachable(error):
            store.mark_unreachable(reminder.person_id, error.message)
        return False
    except (RetryAfter, TimedOut, NetworkError) as error:
        log.warning("reminder to %s failed, will retry: %s", reminder.person_id, error)
        store.forget_reminder(*record)
        return None
    return True


def schedule_reminders(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The daily run at the sending hour, and a catch-up run right away."""
    handler: NianbaoBot = application.bot_data["nianbao"]
    configure_holidays(handler.settings.holidays)
    warn_about_calendar(datetime.now(handler.settings.zone).date().year)
    queue = application.job_queue
    if queue is None:
        log.warning("no job queue (install python-telegram-bot[job-queue]): reminders are off")
        return
    queue.run_daily(
        send_reminders,
        time=SEND_AT.replace(tzinfo=handler.settings.zone),
        name=DAILY_JOB,
        job_kwargs={"misfire_grace_time": DAILY_GRACE_SECONDS},
    )
    queue.run_once(
        send_reminders, when=0, name=CATCH_UP_JOB, job_kwargs={"misfire_grace_time": None}
    )


def warn_about_calendar(this_year: int) -> bool:
    """Warn when chinese-calendar lacks the holidays of a year reminders may fall in (this
    year and the next, where the current report's deadline lies); returns whether it did."""
    deadline_year = statutory_deadline(reporting_year(date(this_year, 12, 31))).year
    missing = [y for y in sorted({this_year, deadline_year}) if not calendar_knows(y)]
    if missing:
        log.warning(
            "chinese-calendar has no official holidays for %s: reminders avoid weekends,"
            " 1 January, the Spring Festival week and NIANBAO_HOLIDAYS only; upgrade"
            " chinese-calendar or list the year's holidays in NIANBAO_HOLIDAYS",
            "、".join(str(y) for y in missing),
        )
    return bool(missing)
