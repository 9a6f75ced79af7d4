"""Running the application until SIGINT or SIGTERM: shared by polling and webhook mode."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from telegram.ext import Application

from bot.watchdog import STALL_MS, watching_the_loop


@asynccontextmanager
async def running(
    *applications: Application[Any, Any, Any, Any, Any, Any],
) -> AsyncIterator[asyncio.Event]:
    """The applications (one per bot token) initialised and their post_init run, then all
    started (job queues included); yields the event SIGINT or SIGTERM sets, and stops them on exit.

    Updates are taken by the caller, which confirms each to Telegram only once processed.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # What importing loaded (~100,000 objects) out of the collector's passes at once, without
    # a collection first: one freed ~50 objects for 150-800 ms of the loop on a busy machine.
    # The passes after, settle_heap's included, walk only what came since.
    gc.freeze()
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(watching_the_loop(_stall_ms(applications)))
        for application in applications:
            await stack.enter_async_context(application)
            if application.post_init is not None:
                await application.post_init(application)
        settle_heap()
        # Started (job queues included) once every bot is known: the reminders' catch-up run
        # writes to each person through their own bot.
        for application in applications:
            await application.start()
            stack.push_async_callback(application.stop)
        yield stop


def _stall_ms(applications: tuple[Application[Any, Any, Any, Any, Any, Any], ...]) -> float:
    """The stall locator's threshold from the bots' settings (the default without them)."""
    for application in applications:
        handler = application.bot_data.get("nianbao")
        if handler is not None:
            return float(handler.settings.stall_ms)
    return STALL_MS


def settle_heap() -> None:
    """Leave what start-up loaded (modules, schemas, formats) out of the garbage collector's
    full passes: it lives as long as the process, and a full pass over it holds the GIL for
    hundreds of milliseconds on a loaded machine, stalling the event loop while a worker
    thread (reminder planning) allocates."""
    gc.collect()
    gc.freeze()
