"""The event-loop watchdog reports a loop kept busy, and the worst lag when it stops."""

from __future__ import annotations

import asyncio
import logging
import time

from bot.watchdog import watching_the_loop


def test_a_blocked_loop_is_logged(caplog):
    async def main() -> None:
        async with watching_the_loop():
            await asyncio.sleep(0.06)  # the watchdog is waiting now
            time.sleep(0.3)  # something slow run on the loop
            await asyncio.sleep(0.06)

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("event loop blocked for") for m in messages)
    (worst,) = [m for m in messages if m.startswith("event loop: worst lag")]
    assert int(worst.split()[-2]) >= 200
