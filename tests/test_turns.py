"""Work that does not await takes turns: the event loop runs other things between them."""

from __future__ import annotations

import asyncio

from bot.turns import TakingTurns


def test_other_ready_work_runs_between_two_turns():
    log: list[str] = []

    def work(name: str) -> str:
        log.append(name)
        return name.upper()

    async def tick() -> None:
        log.append("tick")  # e.g. the answer to a button press, ready meanwhile

    async def main(turns: TakingTurns | None) -> list[str]:
        async def one(name: str) -> str:
            if turns is None:
                return work(name)
            return await turns.run(work, name)

        jobs = [asyncio.create_task(one("a")), asyncio.create_task(one("b"))]
        ticking = asyncio.create_task(tick())
        results = await asyncio.gather(*jobs)
        await ticking
        return results

    assert asyncio.run(main(TakingTurns())) == ["A", "B"]
    assert log == ["a", "tick", "b"]
    log.clear()
    asyncio.run(main(None))  # without turns the two pieces of work run back to back
    assert log == ["a", "b", "tick"]
