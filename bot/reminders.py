"""Reminders on PTB's job queue: every day at the sending hour in the configured time zone,
and once at start-up to catch up on a reminder that fell due while the bot was down.

Each reminder is recorded before it is sent, so a restart never sends one twice (a crash
between the two loses that one reminder rather than doubling it). Sends go one after another
through the application's rate limiter as broadcasts: they use only the sending budget that
clerks' replies leave (``bot.sending``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes

from bot.sending import broadcasting
from dialogs.deadlines import SEND_AT
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
            with broadcasting():
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
