"""The bot's rate limiter: replies before broadcasts, a 429 pauses only its chat."""

from __future__ import annotations

import asyncio
import bisect
import selectors
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter

from bot.app import telegram_rate_limiter
from bot.sending import BROADCAST, INTERACTIVE, PriorityRateLimiter, broadcasting


def run(limiter: PriorityRateLimiter, sends: list[tuple[str, int, int | None]], log: list[str]):
    """Send (label, chat, priority) through the limiter at once; ``log`` gets labels in send order."""

    async def one(label: str, chat: int, priority: int | None) -> None:
        async def callback() -> bool:
            log.append(label)
            return True

        await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, priority)

    async def main() -> None:
        await asyncio.gather(*(one(*send) for send in sends))
        await limiter.shutdown()

    asyncio.run(main())


def test_waiting_replies_go_before_waiting_broadcasts():
    limiter = PriorityRateLimiter(overall_rate=200, overall_burst=1)
    log: list[str] = []
    sends = [(f"reminder{n}", 100 + n, BROADCAST) for n in range(6)]
    sends += [(f"reply{n}", n, INTERACTIVE) for n in range(3)]
    run(limiter, sends, log)
    # The first reminder took the one token there was; every reply then goes before the rest.
    assert log[:4] == ["reminder0", "reply0", "reply1", "reply2"]
    assert sorted(log[4:]) == [f"reminder{n}" for n in range(1, 6)]


def test_broadcasting_marks_the_sends_of_a_block():
    limiter = PriorityRateLimiter(overall_rate=5, overall_burst=1)
    log: list[str] = []

    async def main() -> None:
        async def send(label: str, chat: int) -> None:
            async def callback() -> bool:
                log.append(label)
                return True

            await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, None)

        async def reminders() -> None:
            with broadcasting():
                await asyncio.gather(*(send(f"reminder{n}", 100 + n) for n in range(4)))

        morning = asyncio.create_task(reminders())
        await asyncio.sleep(0.01)  # the reminders are waiting, one every 200 ms
        await send("reply", 1)
        await morning
        await limiter.shutdown()

    asyncio.run(main())
    assert log[:2] == ["reminder0", "reply"]


def test_a_429_pauses_its_own_chat_only_and_calls_that_are_not_messages_never_wait():
    limiter = PriorityRateLimiter(overall_rate=200, overall_burst=5)
    log: list[str] = []
    refused = [True]

    async def main() -> None:
        async def flooded() -> bool:
            if refused.pop() if refused else False:
                log.append("429")
                raise RetryAfter(timedelta(seconds=1))
            log.append("chat1 again")
            return True

        async def other() -> bool:
            await asyncio.sleep(0.05)  # sent while chat 1 waits out its 429
            log.append("chat2")
            return True

        async def answer() -> bool:
            log.append("answered")
            return True

        first = asyncio.create_task(
            limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, None)
        )
        await asyncio.sleep(0)
        await limiter.process_request(other, (), {}, "sendMessage", {"chat_id": 2}, None)
        await limiter.process_request(
            answer, (), {}, "answerCallbackQuery", {"callback_query_id": "x"}, None
        )
        await first
        await limiter.shutdown()

    asyncio.run(main())
    assert log == ["429", "chat2", "answered", "chat1 again"]
    assert limiter.flood_waits == 1


def test_one_chat_gets_its_burst_then_one_message_a_second():
    limiter = PriorityRateLimiter(overall_rate=200, overall_burst=20, chat_rate=1, chat_burst=3)
    log: list[str] = []

    async def main() -> None:
        async def send(label: str, chat: int) -> None:
            async def callback() -> bool:
                log.append(label)
                return True

            await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, None)

        chatty = asyncio.gather(*(send(f"a{n}", 1) for n in range(4)))
        await asyncio.sleep(0.1)
        await send("b", 2)  # another chat is not held behind the chatty one
        await chatty
        await limiter.shutdown()

    asyncio.run(main())
    assert log == ["a0", "a1", "a2", "b", "a3"]


class _VirtualTime(selectors.DefaultSelector):
    """A selector that never blocks: waiting for ``timeout`` moves the clock on instead."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout:
            self.now += timeout
        return super().select(0)


def on_a_busy_loop(limiter_for: Any, sends: int, turn: float) -> list[float]:
    """``sends`` messages to different chats through the limiter, on an event loop on virtual
    time that is busy meanwhile (each pass runs ``turn`` seconds of other work, as one clerk's
    answer does in the bot); the moments they were sent."""
    clock = _VirtualTime()
    loop = asyncio.SelectorEventLoop(clock)
    loop.time = lambda: clock.now  # type: ignore[method-assign]
    sent: list[float] = []

    async def main() -> None:
        limiter = limiter_for(lambda: clock.now)

        async def callback() -> bool:
            sent.append(clock.now)
            return True

        async def answering() -> None:
            while True:
                clock.now += turn  # the work of one answer, which does not await
                await asyncio.sleep(0)

        busy = asyncio.create_task(answering() if turn else asyncio.sleep(0))
        await asyncio.gather(
            *(
                limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": n}, None)
                for n in range(sends)
            )
        )
        busy.cancel()
        await limiter.shutdown()

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return sent


def most_in_any_second(moments: list[float]) -> int:
    return max(bisect.bisect_left(moments, t + 1.0 - 1e-9) - n for n, t in enumerate(moments))


def test_a_busy_event_loop_does_not_cost_the_bot_its_sending_rate():
    def the_bots(clock: Callable[[], float]) -> PriorityRateLimiter:
        # The bot's own settings (bot.app.telegram_rate_limiter), on the virtual clock.
        limiter = telegram_rate_limiter()
        return PriorityRateLimiter(
            overall_rate=limiter.overall_rate,
            overall_burst=limiter.overall_burst,
            most_in_a_second=limiter.most_in_a_second,
            clock=clock,
        )

    for turn in (0.0, 0.004, 0.012, 0.02):
        sent = on_a_busy_loop(the_bots, 600, turn)
        assert len(sent) == 600
        # Past the first bucketful: 29 a second however late the sends are granted, and
        # Telegram's 30 in any one second kept.
        sustained = (len(sent) - 101) / (sent[-1] - sent[100])
        assert 28.8 <= sustained <= 29.05, (turn, sustained)
        assert most_in_any_second(sent) <= 30, turn


def test_a_bucket_of_one_loses_what_a_late_grant_missed():
    # Why the bot's bucket holds more than one: with one, every late grant is budget lost.
    def bucket_of_one(clock: Callable[[], float]) -> PriorityRateLimiter:
        return PriorityRateLimiter(overall_rate=29, overall_burst=1, clock=clock)

    sent = on_a_busy_loop(bucket_of_one, 300, 0.012)
    assert (len(sent) - 1) / (sent[-1] - sent[0]) < 20
