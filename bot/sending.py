"""Keeping within Telegram's flood limits: replies first, broadcasts in what is left.

Telegram refuses (429 "retry after N") a bot that sends more than about 30 messages a second
overall or, for long, more than about one a second to one chat. PTB's ``AIORateLimiter`` keeps
the overall rate, but serves calls in arrival order and, on any 429, pauses every call of the
bot: a reminder morning of 27,000 messages then stands between a clerk and the reply to a
figure just typed, and one flooded chat stops all the others.

``PriorityRateLimiter`` hands out the overall budget by priority: an interactive reply always
goes before a waiting broadcast (reminders), which gets only the budget replies leave unused.
Each chat has its own bucket, so a chat sent to too fast waits alone, and a 429 pauses only the
chat it came from (and broadcasts, the one class of sending that can always wait). Calls that
are not messages (answering a button press, asking for updates, a "typing…" status) are not
held back at all: a press must be answered within Telegram's 15 seconds.

The overall budget is a token bucket (29 a second) that may hold a few tokens, so that a send
granted late, because the event loop was busy with clerks' answers when its token came, does
not lose its share of the second; ``most_in_a_second`` keeps Telegram's "no more than 30 in
any one second" however the grants fall.

Whether a send is a broadcast is said by ``broadcasting()`` around it, so the code that sends
does not change.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import heapq
import itertools
import logging
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

INTERACTIVE = 0
BROADCAST = 1

#: The calls Telegram's limits count: those that put a message in a chat or change one.
COUNTED_ENDPOINTS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)

_priority: contextvars.ContextVar[int] = contextvars.ContextVar(
    "send_priority", default=INTERACTIVE
)


@contextlib.contextmanager
def broadcasting() -> Iterator[None]:
    """Sends made inside this block (in this task) are broadcasts: they wait for replies."""
    token = _priority.set(BROADCAST)
    try:
        yield
    finally:
        _priority.reset(token)


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    at: float
    paused_until: float = 0.0

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def delay(self, now: float) -> float:
        """Seconds until this bucket may give a token."""
        self.refill(now)
        # A millionth of a token short counts as there: rounding must not cost a timer.
        wait = 0.0 if self.tokens >= 1 - 1e-6 else (1 - self.tokens) / self.rate
        return max(wait, self.paused_until - now)


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    ready: asyncio.Future[None] = field(compare=False)


class PriorityRateLimiter(BaseRateLimiter[int]):
    """Overall and per-chat token buckets; waiting sends served replies first.

    ``rate_limit_args`` of a Bot method may give the priority (``INTERACTIVE``/``BROADCAST``)
    instead of ``broadcasting()``.
    """

    def __init__(
        self,
        *,
        overall_rate: float = 29.0,
        overall_burst: float = 3.0,
        most_in_a_second: int | None = None,
        chat_rate: float = 1.0,
        chat_burst: float = 10.0,
        max_retries: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall_rate = overall_rate
        self.overall_burst = overall_burst
        self.most_in_a_second = most_in_a_second
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.max_retries = max_retries
        self._clock = clock
        self._overall = _Bucket(overall_rate, overall_burst, overall_burst, clock())
        self._second = _Window(most_in_a_second) if most_in_a_second else None
        self._chats: dict[int | str, _Bucket] = {}
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._granter: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None
        self._broadcast_paused_until = 0.0
        self.flood_waits = 0  # 429s received (for monitoring and the benchmarks)

    async def initialize(self) -> None:
        """Nothing to set up (the granting task starts with the first waiting send)."""

    async def shutdown(self) -> None:
        """Stop granting; sends still waiting fail with ``CancelledError``."""
        if self._granter is not None:
            self._granter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._granter
            self._granter = None
        for waiter in self._waiting:
            waiter.ready.cancel()
        self._waiting.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the chat's and then the overall budget, send; wait out a 429 and retry."""
        if endpoint.lower() not in COUNTED_ENDPOINTS or data.get("chat_id") is None:
            return await callback(*args, **kwargs)
        priority = rate_limit_args if rate_limit_args is not None else _priority.get()
        chat = self._chat(data["chat_id"])
        for attempt in range(self.max_retries + 1):
            await self._take_chat(chat)
            await self._take_overall(priority)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self.flood_waits += 1
                if attempt == self.max_retries:
                    raise
                pause = _retry_after(error) + 0.1
                log.info("429 for chat %s; that chat waits %.1f s", data["chat_id"], pause)
                until = self._clock() + pause
                chat.paused_until = max(chat.paused_until, until)
                # Broadcasts yield too: the 429 may have been for the bot as a whole.
                self._broadcast_paused_until = max(self._broadcast_paused_until, until)
        raise AssertionError("unreachable")  # pragma: no cover

    # --- per chat ---------------------------------------------------------------------------

    def _chat(self, chat_id: object) -> _Bucket:
        key: int | str
        try:
            key = int(str(chat_id))
        except ValueError:
            key = str(chat_id)
        bucket = self._chats.get(key)
        if bucket is None:
            if len(self._chats) > 10_000:
                self._forget_idle_chats()
            bucket = self._chats[key] = _Bucket(
                self.chat_rate, self.chat_burst, self.chat_burst, self._clock()
            )
        return bucket

    def _forget_idle_chats(self) -> None:
        now = self._clock()
        for key, bucket in list(self._chats.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.burst and bucket.paused_until <= now:
                del self._chats[key]

    async def _take_chat(self, chat: _Bucket) -> None:
        while (delay := chat.delay(self._clock())) > 0:
            await asyncio.sleep(delay)
        chat.tokens -= 1

    # --- overall, by priority ---------------------------------------------------------------

    async def _take_overall(self, priority: int) -> None:
        now = self._clock()
        if (
            not self._waiting
            and self._overall_delay(now) <= 0
            and (priority == INTERACTIVE or self._broadcast_paused_until <= now)
        ):
            self._take_token(now)
            return
        waiter = _Waiter(priority, next(self._seq), asyncio.get_running_loop().create_future())
        heapq.heappush(self._waiting, waiter)
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        if self._granter is None or self._granter.done():
            self._granter = asyncio.create_task(self._grant())
        try:
            await waiter.ready
        except asyncio.CancelledError:
            if waiter.ready.done() and not waiter.ready.cancelled():
                self._overall.tokens += 1  # granted but not used: give it back
            else:
                waiter.ready.cancel()
            raise

    def _overall_delay(self, now: float) -> float:
        delay = self._overall.delay(now)
        return delay if self._second is None else max(delay, self._second.delay(now))

    def _take_token(self, now: float) -> None:
        self._overall.tokens -= 1
        if self._second is not None:
            self._second.add(now)

    async def _grant(self) -> None:
        """Hand out overall tokens one at a time, to the best waiter first."""
        loop = asyncio.get_running_loop()
        while self._waiting:
            now = self._clock()
            while self._waiting and self._waiting[0].ready.done():
                heapq.heappop(self._waiting)  # cancelled meanwhile
            if not self._waiting:
                break
            best = self._waiting[0]
            delay = self._overall_delay(now)
            if best.priority != INTERACTIVE:
                delay = max(delay, self._broadcast_paused_until - now)
            if delay <= 0:
                heapq.heappop(self._waiting)
                self._take_token(now)
                best.ready.set_result(None)
                continue
            # Sleep until the token is there, or until a more urgent send comes in. A bare
            # future and timer: one loop pass to wake, where ``wait_for`` takes several (and
            # on a busy loop each pass is one clerk's answer late).
            self._wake = wake = loop.create_future()
            timer = loop.call_later(delay, _wake_up, wake)
            try:
                await wake
            finally:
                timer.cancel()
                self._wake = None


def _wake_up(wake: asyncio.Future[None]) -> None:
    if not wake.done():
        wake.set_result(None)


class _Window:
    """The moments of the last ``most`` sends: a send may go once the oldest of them is a
    second old, so no second ever holds more than ``most`` (however late the granter woke)."""

    def __init__(self, most: int) -> None:
        self.sent: collections.deque[float] = collections.deque(maxlen=most)

    def delay(self, now: float) -> float:
        """Seconds until one more send keeps every second within ``most``."""
        if len(self.sent) < (self.sent.maxlen or 0):
            return 0.0
        wait = self.sent[0] + 1.0 - now
        return wait if wait > 1e-6 else 0.0

    def add(self, now: float) -> None:
        self.sent.append(now)


def _seconds(retry_after: object) -> float:
    total = getattr(retry_after, "total_seconds", None)
    return float(total() if callable(total) else retry_after)  # type: ignore[arg-type]


def _retry_after(error: RetryAfter) -> float:
    """The pause a 429 asks for, in seconds (PTB is moving the attribute to a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _seconds(error.retry_after)
