"""The strict Bot API test server without sockets: the same methods, state and control API,
called in-process on the test's event loop.

``InProcessBotApi`` gives python-telegram-bot a ``BaseRequest`` (``requests()``) that hands each
Bot API call to the server's ``api_call``, the very code that answers over HTTP, so Telegram's
limits, flood control, injected faults and the call log all apply; and it gives tests an
``AsyncBotApiClient`` whose control requests go to the same handlers through an in-process
httpx transport. No thread, no port, no serialisation beyond the JSON PTB itself reads.

Not here (use ``BotApiServer``): webhooks (nothing is posted), the synchronous client, a bot in
another process, and downloads by the bot's own HTTP client (``bot.uploads`` streams a file
from its URL, which only the HTTP server answers).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from aiohttp import web
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from tests.botapi.client import AsyncBotApiClient
from tests.botapi.control import Control
from tests.botapi.errors import ApiError, Desc
from tests.botapi.methods import Params, Upload
from tests.botapi.server import API_PATH, FILE_PATH, BotApiFront, ServerCore
from tests.botapi.state import ServerConfig

#: What ``HTTPXRequest`` waits for an answer when a call names no read timeout.
DEFAULT_READ_TIMEOUT = 5.0
_NOT_FOUND = ApiError(404, Desc.NOT_FOUND).payload()
#: Any URL will do (nothing is resolved); this one says where the calls go.
URL = "http://botapi.inprocess"


class InProcessBotApi(BotApiFront):
    """The test server's world for a bot on the test's own event loop."""

    def __init__(self, config: ServerConfig | None = None) -> None:
        self.core = ServerCore(config)
        self.control = self.core.world()
        self._routes = _routes(self.control)

    @property
    def url(self) -> str:
        """Never resolved: the calls go to ``requests()``, the control API to the client."""
        return URL

    def requests(self) -> tuple[InProcessRequest, InProcessRequest]:
        """For ``.request(...)`` and ``.get_updates_request(...)`` of an ApplicationBuilder."""
        return InProcessRequest(self.core), InProcessRequest(self.core)

    def async_client(self) -> AsyncBotApiClient:
        """A control client (act as people, read what the bot did), used as ``async with``."""
        return AsyncBotApiClient(URL, transport=_ControlTransport(self.control, self._routes))


class InProcessRequest(BaseRequest):
    """python-telegram-bot's network layer replaced by a call into the test server's methods."""

    def __init__(self, core: ServerCore) -> None:
        self.core = core

    @property
    def read_timeout(self) -> float | None:
        return DEFAULT_READ_TIMEOUT

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer as the HTTP server would; a read time-out is PTB's ``TimedOut``, as with httpx."""
        path = unquote(urlsplit(url).path)  # as aiohttp gives request.path
        download = FILE_PATH.match(path)
        if download and method in ("GET", "HEAD"):
            return self._download(download["token"], download["path"])
        api = API_PATH.match(path)
        if api is None:
            return _encoded(404, _NOT_FOUND)
        if read_timeout is BaseRequest.DEFAULT_NONE:
            read_timeout = self.read_timeout
        call = self.core.api_call(api["token"], api["method"], _reader(request_data), lambda: False)
        try:
            async with asyncio.timeout(read_timeout):
                status, payload = await call
        except TimeoutError as error:
            raise TimedOut from error
        return _encoded(status, payload)

    def _download(self, token: str, path: str) -> tuple[int, bytes]:
        state = self.core.state
        assert state is not None
        stored = state.file_by_path(path) if token == self.core.config.token else None
        if stored is None:
            return _encoded(404, _NOT_FOUND)
        return 200, stored.content


def _encoded(status: int, payload: Any) -> tuple[int, bytes]:
    return status, json.dumps(payload, ensure_ascii=False).encode()


def _reader(request_data: RequestData | None) -> Callable[[], Awaitable[Params]]:
    """The call's parameters as the HTTP server reads them from PTB's form or multipart body:
    JSON-encoded values, and files as uploads."""

    async def read() -> Params:
        if request_data is None:
            return Params({}, {})
        fields: dict[str, Any] = dict(request_data.json_parameters)
        uploads: dict[str, Upload] = {}
        for name, part in request_data.multipart_data.items():
            file_name, content, *rest = part
            data = content if isinstance(content, bytes) else content.read()
            content_type = rest[0] if rest else None
            uploads[name] = Upload(file_name, content_type, bytes(data), len(data))
        return Params(fields, uploads)

    return read


# -- the control API in-process ------------------------------------------------------------

_Route = tuple[str, re.Pattern[str], Callable[[Any], Awaitable[web.StreamResponse]]]


def _routes(control: Control) -> list[_Route]:
    routes: list[_Route] = []
    for route in control.routes():
        assert isinstance(route, web.RouteDef)
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.path)
        routes.append((route.method, re.compile(f"^{pattern}$"), route.handler))
    return routes


class _ControlRequest:
    """What the control handlers read of an aiohttp request."""

    def __init__(self, request: httpx.Request, body: bytes, match_info: dict[str, str]) -> None:
        self.method = request.method
        self.path = request.url.path
        self.query = dict(request.url.params)
        self.match_info = match_info
        self._body = body

    async def json(self) -> Any:
        return json.loads(self._body)

    async def read(self) -> bytes:
        return self._body


class _ControlTransport(httpx.AsyncBaseTransport):
    """httpx to the control handlers, through the same middleware as over HTTP."""

    def __init__(self, control: Control, routes: list[_Route]) -> None:
        self.control = control
        self.routes = routes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        for method, pattern, handler in self.routes:
            match = pattern.match(request.url.path)
            if match and method == request.method:
                local = _ControlRequest(request, body, match.groupdict())
                response = await self.control.middleware(local, handler)  # type: ignore[arg-type]
                assert isinstance(response, web.Response)
                return httpx.Response(
                    response.status,
                    content=response.body if isinstance(response.body, bytes) else b"",
                    headers={"Content-Type": response.content_type},
                )
        return httpx.Response(404, json={"error": f"no control route {request.url.path}"})
