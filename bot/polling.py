"""Long polling that confirms an update to Telegram only after it has been processed.

python-telegram-bot's ``Updater`` asks for the next batch (which confirms the previous one)
as soon as it has queued the current batch, while the updates are still being processed. A
process killed in that moment loses them: Telegram never sends them again. Here the offset of
``getUpdates`` (which confirms) never passes an update that is still being handled, so after a
crash Telegram redelivers whatever was not finished, and the engine's ``claim_update`` makes
sure nothing is applied twice. Different people's updates are handled concurrently, so one
clerk's document or a reply waiting for a chat's rate limit does not hold up the others.
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
BUSY_POLL_SECONDS = 0.2
DRAIN_SECONDS = 10.0  # well inside systemd's 90 s between SIGTERM and SIGKILL
MAX_IN_FLIGHT = 1000  # updates processed at once (one per person at a time)


async def poll(application: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event) -> None:
    """Fetch and process updates until ``stop`` is set; confirm each once it is processed.

    Different people's updates are processed concurrently, one person's one at a time in the
    order Telegram sent them. The offset sent to Telegram (which confirms every update below
    it) never passes an update still being processed; updates Telegram sends again because of
    that are recognised and not started twice.
    """
    bot = application.bot
    work = _Work(application)
    backoff = 1.0
    try:
        while not stop.is_set():
            await work.room(stop)
            if stop.is_set():
                break
            fetch = asyncio.ensure_future(
                bot.get_updates(
                    offset=work.offset,
                    # Only wait for new updates when none is being processed: a finished one
                    # must move the offset on promptly.
                    timeout=0 if work.busy else POLL_TIMEOUT,
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
                await _sleep(stop, _seconds(error.retry_after))
                continue
            except TelegramError as error:  # network trouble, a 409 from a second poller, a 5xx
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
                await _sleep(stop, backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            backoff = 1.0
            if not work.start(updates):
                await work.progress(stop)  # nothing new: wait for one to finish
    except asyncio.CancelledError:
        work.cancel()
        raise
    await work.finish(DRAIN_SECONDS)


class _Work:
    """The updates being processed, one chain per person, and the offset that confirms them."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application
        self.offset: int | None = None
        self._running: dict[int, asyncio.Task[None]] = {}  # update id -> its task
        self._done: set[int] = set()  # finished ids above the offset
        self._last: dict[int, asyncio.Task[None]] = {}  # person -> their latest update's task
        self._changed = asyncio.Event()
        self._fetched = 0

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def start(self, updates: list[Update]) -> bool:
        """Start the updates not started yet; False if there was none."""
        started = False
        for update in updates:
            uid = update.update_id
            if uid in self._running or uid in self._done:
                continue
            if self.offset is not None and uid < self.offset:
                continue
            person = _person(update)
            before = self._last.get(person)
            task = asyncio.create_task(self._process(update, before))
            self._running[uid] = task
            self._last[person] = task
            task.add_done_callback(lambda t, uid=uid, person=person: self._ended(uid, person, t))
            started = True
        if updates:
            self._move_offset(max(u.update_id for u in updates) + 1)
        return started

    async def _process(self, update: Update, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            # One person's updates in order; how the one before ended does not matter here.
            await asyncio.wait({before})
        # Errors are handled (and logged) by the application's error handler.
        await self.application.process_update(update)

    def _ended(self, uid: int, person: int, task: asyncio.Task[None]) -> None:
        del self._running[uid]
        self._done.add(uid)
        if self._last.get(person) is task:
            del self._last[person]
        if not task.cancelled() and task.exception() is not None:
            log.error("update %s failed", uid, exc_info=task.exception())
        self._move_offset(None)
        self._changed.set()

    def _move_offset(self, fetched_up_to: int | None) -> None:
        """Confirm everything below the oldest update still running."""
        self._fetched = max(self._fetched, fetched_up_to or 0)
        lowest = min(self._running, default=self._fetched)
        if self.offset is None or lowest > self.offset:
            self.offset = lowest or None
        self._done = {uid for uid in self._done if self.offset is None or uid >= self.offset}

    async def room(self, stop: asyncio.Event) -> None:
        """Wait while too many updates are being processed."""
        while len(self._running) >= MAX_IN_FLIGHT and not stop.is_set():
            await self.progress(stop)

    async def progress(self, stop: asyncio.Event) -> None:
        """Wait until an update finishes, ``stop``, or a short while has passed.

        While an update is unconfirmed Telegram answers ``getUpdates`` at once, so new updates
        are looked for every ``BUSY_POLL_SECONDS`` rather than by a long poll.
        """
        self._changed.clear()
        if not self._running:
            return
        waits = {asyncio.ensure_future(self._changed.wait()), asyncio.ensure_future(stop.wait())}
        _, pending = await asyncio.wait(
            waits, timeout=BUSY_POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
        for waiting in pending:
            waiting.cancel()

    async def finish(self, timeout: float) -> None:
        """Let the updates being processed end, for at most ``timeout`` seconds; those still
        running then are cancelled (they were not confirmed: Telegram sends them again)."""
        if self._running:
            await asyncio.wait(set(self._running.values()), timeout=timeout)
        self.cancel()

    def cancel(self) -> None:
        """Stop processing at once (unconfirmed updates are sent again after a restart)."""
        for task in list(self._running.values()):
            task.cancel()


def _person(update: Update) -> int:
    """Whose update this is: updates of one person are processed in order."""
    user = update.effective_user
    if user is not None:
        return user.id
    chat = update.effective_chat
    return chat.id if chat is not None else 0


def _seconds(retry_after: object) -> float:
    total = getattr(retry_after, "total_seconds", None)
    return float(total() if callable(total) else retry_after)  # type: ignore[arg-type]


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_polling(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run the application by long polling until SIGINT or SIGTERM."""
    async with running(application) as stop:
        await application.bot.delete_webhook()
        await poll(application, stop)
