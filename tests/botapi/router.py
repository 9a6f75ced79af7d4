"""One Bot API URL for several test servers, as Telegram has one for every bot.

Each test server plays one bot (its token). A bot process given several tokens and one
``TELEGRAM_API_BASE_URL`` reaches them all through this router: ``/bot<token>/<method>`` and
``/file/bot<token>/<path>`` are forwarded unchanged to the server of that token; a token no
server has gets Telegram's 401.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Self

import aiohttp
from aiohttp import web

from tests.botapi.server import API_PATH, FILE_PATH, BotApiServer

_KEPT_HEADERS = ("Content-Type",)


class TokenRouter:
    """Forwards each Bot API request to the test server of its token (in a background thread)."""

    def __init__(self, servers: Sequence[BotApiServer]) -> None:
        self.targets = {server.token: server.url for server in servers}
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """For ``TELEGRAM_API_BASE_URL``: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        match = API_PATH.match(request.path) or FILE_PATH.match(request.path)
        target = self.targets.get(match["token"]) if match else None
        if target is None:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        headers = {k: v for k, v in request.headers.items() if k in _KEPT_HEADERS}
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session,
            session.request(
                request.method,
                target + request.path_qs,
                data=await request.read(),
                headers=headers,
            ) as answer,
        ):
            body = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k in _KEPT_HEADERS}
            return web.Response(status=answer.status, body=body, headers=kept)

    def start(self) -> Self:
        started = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._stopped = asyncio.Event()
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._forward)
            runner = web.AppRunner(app)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = runner.addresses[0][1]
            started.set()
            try:
                loop.run_until_complete(self._stopped.wait())
                loop.run_until_complete(runner.cleanup())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="botapi-router", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the token router did not start within 10 s")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(10)
        self._thread = None
