"""Taking turns on the event loop for the work that does not await.

An answer's processing (parse, check the rules, commit) runs without awaiting anything, so
when a hundred clerks' updates are started at once their processing runs back to back and
the event loop does nothing else meanwhile: no button press is answered, no reply sent, no
timer fires. ``TakingTurns`` lets one such piece of work run at a time and gives the loop a
pass after each, so the loop waits for at most one piece of work, not for all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class TakingTurns:
    """Runs synchronous work one piece at a time, yielding to the event loop after each."""

    def __init__(self) -> None:
        self._turn = asyncio.Lock()

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(*args, **kwargs)`` in its turn; the loop runs other ready work after it."""
        async with self._turn:
            result = work(*args, **kwargs)
            # Still holding the turn: whatever became ready meanwhile (timers, replies, the
            # answers to button presses) runs before the next clerk's work starts.
            await asyncio.sleep(0)
            return result
