"""The bot's network layer over real HTTP: bounded in flight, button answers in their own lane.

The server here stands in for Telegram (it answers every call ``ok`` after a short pause and
records what it saw); the client is the bot's own ``LanedRequest`` with PTB and httpx."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.http import POOL_SIZE, LanedRequest


class _SlowTelegram:
    """Answers each call after ``pause`` seconds; counts calls in flight, logs arrivals."""

    def __init__(self, pause: float = 0.01) -> None:
        self.pause = pause
        self.in_flight = 0
        self.most_in_flight = 0
        self.arrived: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.arrived.append(request.match_info["method"])
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.pause)
        finally:
            self.in_flight -= 1
        return web.json_response({"ok": True, "result": True})


async def _flood_of_presses_then_a_message() -> _SlowTelegram:
    telegram = _SlowTelegram()
    app = web.Application()
    app.router.add_post("/bot123:abc/{method}", telegram.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}/bot123:abc"
    request = LanedRequest()
    await request.initialize()
    try:
        presses = [
            asyncio.create_task(request.post(f"{base}/answerCallbackQuery")) for _ in range(400)
        ]
        await asyncio.sleep(0.05)  # the presses are queued; the rate limiter lets a message go
        message = asyncio.create_task(request.post(f"{base}/sendMessage"))
        assert await message is True
        assert all(answer is True for answer in await asyncio.gather(*presses))
    finally:
        await request.shutdown()
        await runner.cleanup()
    return telegram


def test_requests_in_flight_stay_within_the_pool_and_a_message_never_waits_for_presses():
    telegram = asyncio.run(_flood_of_presses_then_a_message())
    assert len(telegram.arrived) == 401
    # Never more presses at once than their pool (httpcore's own queue stays empty), and the
    # message beside them.
    assert POOL_SIZE <= telegram.most_in_flight <= POOL_SIZE + 1
    # The message went out at once, not behind the 400 answers queued before it.
    assert telegram.arrived.index("sendMessage") < 200
