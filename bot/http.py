"""The bot's network layer: PTB's HTTPX requests, handed to httpx a bounded number at a time.

httpcore, on every request it starts or finishes, scans its whole queue of waiting requests
and checks every pooled connection (a ``getpeername`` call each). With 1,000 button presses
answered at once that work grew with the square of the queue and held the event loop 0.2-0.5 s
at a time (stall locator, peak benchmark). Here requests beyond the pool wait their turn in a
semaphore, which wakes one waiter in constant time, so httpcore's queue stays empty.

Button presses are answered in a lane of their own. In one queue, a message the rate limiter
had just let go waited behind hundreds of those answers; the messages let go meanwhile then
reached Telegram together, more than 30 in a second, and were refused (429).
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

#: Connections to the Bot API, and requests in flight at once. A reply takes ~10-50 ms, so 32
#: carry thousands of calls a second, far beyond the 30 messages a second Telegram allows.
POOL_SIZE = 32
#: The Bot API methods answered in the presses' lane.
PRESS_METHODS = ("answerCallbackQuery",)


class BoundedRequest(HTTPXRequest):
    """``HTTPXRequest`` with at most ``pool_size`` requests handed to httpx at once, half for
    answering button presses and half for everything else; the rest wait here (a wait that
    does not count towards httpx's pool time-out)."""

    def __init__(self, pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=pool_size, **kwargs)
        self._presses = asyncio.Semaphore(pool_size // 2)
        self._others = asyncio.Semaphore(pool_size - pool_size // 2)

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        lane = self._presses if url.rpartition("/")[2] in PRESS_METHODS else self._others
        async with lane:
            return await super().do_request(url, *args, **kwargs)
