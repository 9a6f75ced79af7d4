"""Running the application until SIGINT or SIGTERM: shared by polling and webhook mode."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application

from bot.watchdog import watching_the_loop


@asynccontextmanager
async def running(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> AsyncIterator[asyncio.Event]:
    """The application initialised, its post_init run and started (job queue included); yields
    the event SIGINT or SIGTERM sets, and stops the application on exit.

    Updates are taken by the caller, which confirms each to Telegram only once processed.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application, watching_the_loop():
        if application.post_init is not None:
            await application.post_init(application)
        settle_heap()
        await application.start()
        try:
            yield stop
        finally:
            await application.stop()


def settle_heap() -> None:
    """Leave what start-up loaded (modules, schemas, formats) out of the garbage collector's
    full passes: it lives as long as the process, and a full pass over it holds the GIL for
    hundreds of milliseconds on a loaded machine, stalling the event loop while a worker
    thread (reminder planning) allocates."""
    gc.collect()
    gc.freeze()
