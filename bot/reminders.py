"""Reminders on PTB's job queue: every day at the sending hour in the configured time zone,
and once at start-up to catch up on a reminder that fell due while the bot was down.

Each reminder is recorded before it is sent, so a restart never sends one twice (a crash
between the two loses that one reminder rather than doubling it). Sends go one after another
through the application's ``AIORateLimiter``, which keeps within Telegram's limits.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes

from dialogs.deadlines import (
    SEND_AT,
    calendar_knows,
    configure_holidays,
    reporting_year,
    statutory_deadline,
)
from dialogs.reminders import pending_reminders

if TYPE_CHECKING:
    from bot.app import NianbaoBot

log = logging.getLogger(__name__)

DAILY_JOB = "reminders"
RUNS_KEY = "reminder_runs"
CATCH_UP_JOB = "reminders-catch-up"
#: How late the daily run may still start (the event loop was busy, the clock jumped).
DAILY_GRACE_SECONDS = 3600


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> int:
    """Send every reminder due now that has not been recorded; returns how many were sent."""
    handler: NianbaoBot = context.application.bot_data["nianbao"]
    store = handler.store
    now = datetime.now(handler.settings.zone)
    sent = 0
    for pending in pending_reminders(store, now):
        if not store.record_reminder(
            pending.person_id, pending.report_id, pending.due, pending.kind
        ):
            continue
        try:
            await handler.send(context, pending.person_id, [pending.message])
        except (Forbidden, BadRequest) as error:
            # Blocked the bot, or never opened a chat with it: nothing more to do for them.
            log.info("reminder to %s not delivered: %s", pending.person_id, error.message)
            continue
        sent += 1
    if sent:
        log.info("sent %d reminder(s)", sent)
    # How many runs have finished (for monitoring, and for tests to know a run is over).
    context.application.bot_data[RUNS_KEY] = context.application.bot_data.get(RUNS_KEY, 0) + 1
    return sent


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
