"""The bot's network layer: PTB's HTTPX requests in two small pools, entered in turn.

httpcore, on every request it starts or finishes, checks each pooled connection (a system
call to see whether it was closed) and counts the idle ones once per connection, and scans its
queue of waiting requests: the cost of each request grows with the square of the pool. With
PTB's pool of 256 and 1,000 button presses answered at once, that held the event loop 0.2-0.5 s
at a time (stall locator, peak benchmark). Here each pool is small and requests beyond it wait
their turn in a semaphore, which wakes one waiter in constant time, so httpcore's queue stays
empty.

Button presses are answered through a pool of their own. In one queue, a message the rate
limiter had just let go waited behind hundreds of those answers; the messages let go meanwhile
then reached Telegram together, more than 30 in a second, and were refused (429).
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

#: Connections (and requests in flight) of each pool. A call to Telegram takes ~50-200 ms from a
#: distant server, so 8 carry 40-160 calls a second: beyond the 30 messages a second
#: Telegram allows, and 1,000 presses answered within Telegram's 15 s.
POOL_SIZE = 8
#: The Bot API methods answered through the presses' pool.
PRESS_METHODS = ("answerCallbackQuery",)


class LanedRequest(HTTPXRequest):
    """``HTTPXRequest`` for every call but the answers to button presses, which go through a
    second one; each hands httpx at most ``pool_size`` requests at once, the rest wait here (a
    wait that does not count towards httpx's pool time-out)."""

    def __init__(self, pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=pool_size, **kwargs)
        self._presses = HTTPXRequest(connection_pool_size=pool_size, **kwargs)
        self._turns = asyncio.Semaphore(pool_size)
        self._press_turns = asyncio.Semaphore(pool_size)

    async def initialize(self) -> None:
        await super().initialize()
        await self._presses.initialize()

    async def shutdown(self) -> None:
        await self._presses.shutdown()
        await super().shutdown()

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.rpartition("/")[2] in PRESS_METHODS:
            async with self._press_turns:
                return await self._presses.do_request(url, *args, **kwargs)
        async with self._turns:
            return await super().do_request(url, *args, **kwargs)
