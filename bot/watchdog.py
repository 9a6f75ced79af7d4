"""Watching the event loop: how long it was kept from running other work.

Everything the bot does for every clerk shares one event loop; anything slow run on it (a
document, a big query) delays every reply and every answer to a button press. The watchdog
wakes every ``INTERVAL`` seconds and measures how late it woke: a late wake-up over
``WARN_MS`` is logged as it happens, and the worst one when the bot stops (for monitoring and
the peak benchmark).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)

INTERVAL = 0.05
WARN_MS = 100.0


@contextlib.asynccontextmanager
async def watching_the_loop() -> AsyncIterator[None]:
    """Measure the event loop's lag while the block runs; log the worst at the end."""
    worst = [0.0]
    task = asyncio.create_task(_watch(worst))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        log.info("event loop: worst lag %.0f ms", worst[0])


async def _watch(worst: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        began = loop.time()
        await asyncio.sleep(INTERVAL)
        lag_ms = (loop.time() - began - INTERVAL) * 1000
        worst[0] = max(worst[0], lag_ms)
        if lag_ms > WARN_MS:
            log.warning("event loop blocked for %.0f ms", lag_ms)
