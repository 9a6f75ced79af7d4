"""Telegram's flood control, as the test server enforces it on its own.

Telegram answers 429 "Too Many Requests: retry after N" when a bot sends more than about 30
messages a second overall, or more than about one a second to one chat for long (a short burst
in one chat is let through). Both limits are token buckets here: a bucket holds ``burst``
messages and refills at ``rate`` a second; a message takes one token from the overall bucket
and one from its chat's, and is refused (taking nothing) when either is empty, with the whole
seconds until both have a token again as ``retry_after``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: The methods that put a message in a chat, or change one: what Telegram's limits count.
COUNTED_METHODS = frozenset(
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


@dataclass
class Bucket:
    """``burst`` tokens at most, ``rate`` new ones a second."""

    rate: float
    burst: float
    tokens: float = -1.0
    at: float = 0.0

    def refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens, self.at = self.burst, now
            return
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def wait(self) -> float:
        """Seconds until a token is there (0 if one is)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodControl:
    """The overall and per-chat buckets of one bot; ``check`` is called for every counted call."""

    overall_rate: float = 30.0
    overall_burst: float = 30.0
    chat_rate: float = 1.0
    chat_burst: float = 20.0
    clock: Callable[[], float] = time.monotonic
    overall: Bucket = field(init=False)
    chats: dict[int, Bucket] = field(default_factory=dict)
    refused: int = 0

    def __post_init__(self) -> None:
        self.overall = Bucket(self.overall_rate, self.overall_burst)

    def check(self, method: str, chat_id: int | None) -> int | None:
        """Take a token for this call; None if it may go, else ``retry_after`` in seconds."""
        if method.lower() not in COUNTED_METHODS or self.overall_rate <= 0:
            return None
        now = self.clock()
        self.overall.refill(now)
        chat = None
        if chat_id is not None and self.chat_rate > 0:
            chat = self.chats.get(chat_id)
            if chat is None:
                chat = self.chats[chat_id] = Bucket(self.chat_rate, self.chat_burst)
            chat.refill(now)
        wait = max(self.overall.wait(), chat.wait() if chat else 0.0)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        self.overall.tokens -= 1
        if chat is not None:
            chat.tokens -= 1
        return None
