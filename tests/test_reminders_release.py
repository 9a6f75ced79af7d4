"""A stopping reminder run lets go of what it had planned without holding the event loop."""

from __future__ import annotations

import asyncio

from bot.reminders import FREE_SLICE, let_go


def test_letting_go_of_a_long_plan_serves_the_loop_between_slices() -> None:
    asyncio.run(_letting_go())


async def _letting_go() -> None:
    planned = [{"person": n, "text": f"提醒{n}", "buttons": [[n, n + 1]]} for n in range(20_000)]
    turns = 0

    async def another_clerk() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    serving = asyncio.create_task(another_clerk())
    await asyncio.sleep(0)
    before = turns
    await let_go(planned)
    serving.cancel()
    assert planned == []
    # The other task ran between every two slices, not once after all of it.
    assert turns - before >= len(range(0, 20_000, FREE_SLICE)) - 1
