"""Long polling that confirms an update to Telegram only after it has been processed.

python-telegram-bot's ``Updater`` asks for the next batch (which confirms the previous one)
as soon as it has queued the current batch, while the updates are still being processed. A
process killed in that moment loses them: Telegram never sends them again. Here the next
``getUpdates`` (whose offset confirms) is only sent once every update of the batch has been
handled, so after a crash Telegram redelivers whatever was not finished, and the engine's
``claim_update`` makes sure nothing is applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.lifecycle import running

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when there is nothing new
BACKOFF_MAX = 30.0


async def poll(application: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event) -> None:
    """Fetch and process updates until ``stop`` is set; confirm each batch after processing."""
    bot = application.bot
    offset: int | None = None
    backoff = 1.0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            bot.get_updates(
                offset=offset,
                timeout=POLL_TIMEOUT,
                read_timeout=POLL_TIMEOUT + 10,
                allowed_updates=Update.ALL_TYPES,
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()  # nothing fetched is lost: it was not confirmed
            break
        try:
            updates = fetch.result()
        except InvalidToken:
            raise
        except RetryAfter as error:
            await _sleep(
                stop,
                float(
                    error.retry_after
                    if isinstance(error.retry_after, int)
                    else error.retry_after.total_seconds()
                ),
            )
            continue
        except TelegramError as error:  # network trouble, a 409 from a second poller, a 5xx
            log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
            await _sleep(stop, backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)
            continue
        backoff = 1.0
        for update in updates:
            # Errors are handled (and logged) by the application's error handler.
            await application.process_update(update)
            offset = update.update_id + 1


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_polling(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run the application by long polling until SIGINT or SIGTERM."""
    async with running(application) as stop:
        await application.bot.delete_webhook()
        await poll(application, stop)
