"""Long polling through a durable inbox: fetched updates are saved, then confirmed at once.

python-telegram-bot's ``Updater`` confirms a batch as soon as it has queued it, while the
updates are still being processed: a process killed in that moment loses them. Holding the
confirmation back instead (the offset never passing an unfinished update) keeps them safe but
stalls fetching: ``getUpdates`` returns only the 100 oldest unconfirmed updates, so while 100
replies wait for the send budget, newer button presses are not even fetched and expire.

Here each fetched batch is saved to the store's inbox in one commit and then confirmed by the
next ``getUpdates``; button presses are answered as soon as their batch is saved (outside the
send budget), and the updates are processed from the inbox: different people's concurrently,
one person's in order. A finished update's row is deleted with the next batch's commit. At
start-up the rows not deleted are processed again before polling resumes; the engine's
``claim_update`` makes sure nothing is applied twice, and a replayed press is not answered a
second time (Telegram would refuse it).

The batch's commit is not fsync'd: the first answer's commit, which is, makes it durable too
(an fsync of the write-ahead log covers every commit before it), so an answered update costs
one fsync, not two. The batch is confirmed only after such a durable commit (the answers' own,
or after ``DURABLE_WAIT`` one of the inbox's), so a power loss never loses a confirmed update.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.lifecycle import running
from storage import Store

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when there is nothing new
BACKOFF_MAX = 30.0
DRAIN_SECONDS = 10.0  # well inside systemd's 90 s between SIGTERM and SIGKILL
MAX_IN_FLIGHT = 1000  # updates processed at once (one per person at a time)
ANSWERED_QUERIES = "answered_callback_queries"  # bot_data key: presses already answered
DURABLE_WAIT = 0.1  # seconds to wait for an answer's durable commit before making one
CHECK_EVERY = 0.005


async def made_durable(
    store: Store, mark: int, sync: Callable[[], None], wait: float = DURABLE_WAIT
) -> None:
    """Return once a durable commit of ``store`` came after ``mark`` (its ``durable_commits``
    after a non-durable commit): usually an answer's, else after ``wait`` seconds ``sync``'s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while store.durable_commits <= mark:
        if loop.time() >= deadline:
            sync()
            return
        await asyncio.sleep(CHECK_EVERY)


async def poll(
    application: Application[Any, Any, Any, Any, Any, Any],
    stop: asyncio.Event,
    store: Store,
    *,
    durable_wait: float = DURABLE_WAIT,
) -> None:
    """Fetch updates into ``store``'s inbox and process them until ``stop`` is set.

    What the inbox still holds from a previous run is processed first. Different people's
    updates are processed concurrently, one person's one at a time in the order Telegram sent
    them. A fetched batch is confirmed once a durable commit covers it (see the module's
    docstring); ``durable_wait`` is how long to wait for an answer's before making one.
    """
    bot = application.bot
    work = _Work(application)
    answered = resume(application, store, work)
    offset = store.inbox_offset(bot.id)
    saved: tuple[int, int] | None = None  # a batch's offset, and durable_commits after it
    backoff = 1.0
    fetch: asyncio.Future[Any] | None = None
    try:
        while not stop.is_set():
            await work.room(stop)
            if saved is not None:
                next_offset, mark = saved
                await made_durable(
                    store,
                    mark,
                    lambda confirm=next_offset: store.sync_inbox(bot.id, work.take_done(), confirm),
                    durable_wait,
                )
                offset, saved = next_offset, None  # safe to confirm now
            if stop.is_set():
                break
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
                await _sleep(stop, _seconds(error.retry_after))
                continue
            except TelegramError as error:  # network trouble, a 409 from a second poller, a 5xx
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
                await _sleep(stop, backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            backoff = 1.0
            next_offset = max(u.update_id for u in updates) + 1 if updates else None
            kept = store.save_inbox(
                bot.id,
                [(u.update_id, u.to_json()) for u in updates],
                work.take_done(),
                next_offset,
                durable=False,
            )
            if next_offset is not None:
                saved = (next_offset, store.durable_commits)
            new = [u for u in updates if u.update_id in kept]
            for update in new:
                if update.callback_query is not None:
                    work.answer(update.callback_query.id, answered)
            work.start(new)
    except asyncio.CancelledError:
        if fetch is not None:
            fetch.cancel()
        work.cancel()
        store.save_inbox(bot.id, [], work.take_done(), None)
        raise
    await work.finish(DRAIN_SECONDS)
    store.save_inbox(bot.id, [], work.take_done(), None)


def resume(
    application: Application[Any, Any, Any, Any, Any, Any], store: Store, work: _Work
) -> set[str]:
    """Start processing what the inbox kept from the previous run; returns the set of button
    presses already answered (shared with the handlers through ``bot_data``)."""
    bot = application.bot
    answered: set[str] = application.bot_data.setdefault(ANSWERED_QUERIES, set())
    replay = [Update.de_json(json.loads(body), bot) for _, body in store.inbox(bot.id)]
    # Whether a replayed press was answered before the process ended is unknown; a second
    # answer would be refused, and the press is old by now anyway.
    answered.update(u.callback_query.id for u in replay if u.callback_query is not None)
    work.start(replay)
    return answered


class _Work:
    """The updates being processed, one chain per person, and those finished since the last
    commit of the inbox."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application
        self._running: dict[int, asyncio.Task[None]] = {}  # update id -> its task
        self._done: list[int] = []  # finished ids whose inbox rows are to be deleted
        self._last: dict[int, asyncio.Task[None]] = {}  # person -> their latest update's task
        self._answering: set[asyncio.Task[None]] = set()
        self._all_answered = asyncio.Event()  # set while no press waits for its answer
        self._all_answered.set()
        self._changed = asyncio.Event()

    def start(self, updates: list[Update]) -> None:
        """Start processing the updates (kept in the inbox), each after its person's last."""
        for update in updates:
            uid = update.update_id
            if uid in self._running:
                continue
            person = _person(update)
            before = self._last.get(person)
            task = asyncio.create_task(self._process(update, before))
            self._running[uid] = task
            self._last[person] = task
            task.add_done_callback(lambda t, uid=uid, person=person: self._ended(uid, person, t))

    def answer(self, query_id: str, answered: set[str]) -> None:
        """Answer a button press now, outside the send budget; its processing comes in turn,
        after the answer (see ``_process``)."""
        answered.add(query_id)
        task = asyncio.create_task(self._answer(query_id))
        self._answering.add(task)
        self._all_answered.clear()
        task.add_done_callback(self._answer_ended)

    def _answer_ended(self, task: asyncio.Task[None]) -> None:
        self._answering.discard(task)
        if not self._answering:
            self._all_answered.set()

    async def _answer(self, query_id: str) -> None:
        try:
            await self.application.bot.answer_callback_query(query_id)
        except TelegramError as error:  # too old already: the press still counts
            log.info("callback query not answered: %s", error)

    async def _process(self, update: Update, before: asyncio.Task[None] | None) -> None:
        if update.callback_query is not None:
            # Presses are answered first, all of them: Telegram wants an answer within 15 s,
            # while processing (whose reply waits for the send budget anyway) can wait. With
            # 1,000 presses in a second, the answers otherwise shared the event loop with
            # 1,000 presses' processing and the last came 25 s late.
            await self._all_answered.wait()
        if before is not None:
            # One person's updates in order; how the one before ended does not matter here.
            await asyncio.wait({before})
        # Errors are handled (and logged) by the application's error handler.
        await self.application.process_update(update)

    def _ended(self, uid: int, person: int, task: asyncio.Task[None]) -> None:
        del self._running[uid]
        if self._last.get(person) is task:
            del self._last[person]
        if task.cancelled():
            return  # stays in the inbox: processed again after a restart
        if task.exception() is not None:
            log.error("update %s failed", uid, exc_info=task.exception())
        self._done.append(uid)
        self._changed.set()

    def take_done(self) -> list[int]:
        """The finished updates not yet deleted from the inbox (and forget them here)."""
        done, self._done = self._done, []
        return done

    async def room(self, stop: asyncio.Event) -> None:
        """Wait while too many updates are being processed."""
        while len(self._running) >= MAX_IN_FLIGHT and not stop.is_set():
            self._changed.clear()
            waits = {
                asyncio.ensure_future(self._changed.wait()),
                asyncio.ensure_future(stop.wait()),
            }
            _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for waiting in pending:
                waiting.cancel()

    async def finish(self, timeout: float) -> bool:
        """Let the updates being processed end, for at most ``timeout`` seconds; those still
        running then are cancelled (they stay in the inbox for the next start). Whether all
        ended in time."""
        if self._running:
            await asyncio.wait(set(self._running.values()), timeout=timeout)
        ended = not self._running
        self.cancel()
        if self._answering:
            await asyncio.wait(set(self._answering), timeout=timeout)
        return ended

    def cancel(self) -> None:
        """Stop processing at once (the unfinished updates are processed after a restart)."""
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


async def run_polling(*applications: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run the applications (one per bot token, over one store) by long polling until SIGINT
    or SIGTERM; one that fails (a revoked token) stops them all."""
    async with running(*applications) as stop:
        try:
            async with asyncio.TaskGroup() as group:
                for application in applications:
                    group.create_task(_poll_one(application, stop))
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None  # the first failure, as one bot's would be


async def _poll_one(
    application: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event
) -> None:
    await application.bot.delete_webhook()
    await poll(application, stop, application.bot_data["nianbao"].store)
