"""HTTP front of the test server: Bot API routes, file downloads, control API, runners.

`BotApiServer` runs the server in a background thread with its own event loop, so a
test (and a bot under test in the same process) can talk to it over real HTTP;
`python -m tests.botapi` runs the same server as a process for crash tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Self

from aiohttp import BodyPartReader, web

from tests.botapi.client import AsyncBotApiClient, BotApiClient
from tests.botapi.control import Control
from tests.botapi.errors import ApiError, Desc, too_many_requests
from tests.botapi.methods import NOT_IMPLEMENTED, BotApiMethods, Params, Upload
from tests.botapi.state import ServerConfig, State
from tests.botapi.webhook import WebhookDelivery

API_PATH = re.compile(r"^/bot(?P<token>[^/]*)/(?P<method>[^/]*)$")
FILE_PATH = re.compile(r"^/file/bot(?P<token>[^/]*)/(?P<path>.+)$")
_WELL_FORMED_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,64}$")
_MULTIPART_OVERHEAD = 4 * 1024 * 1024
_CHUNK = 256 * 1024
_LOG = logging.getLogger(__name__)


def _json(payload: Any, status: int = 200) -> web.Response:
    """A JSON answer with UTF-8 text left as is, as Telegram sends it."""
    return web.json_response(payload, status=status, dumps=_dumps)


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _json_error(error: ApiError) -> web.Response:
    return _json(error.payload(), status=error.error_code)


def _chat_key(raw: Any) -> int | None:
    """The chat a call is about, for the per-chat flood limit (None: not a chat id)."""
    try:
        return int(str(raw).strip()) if raw not in (None, "") else None
    except ValueError:
        return None


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


class ServerCore:
    """The aiohttp application and its lifecycle inside one event loop."""

    def __init__(self, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self.state: State | None = None
        self._runner: web.AppRunner | None = None
        self._delivery: asyncio.Task[None] | None = None
        self.port = 0
        self.host = ""

    def world(self) -> Control:
        """A fresh state with its Bot API methods; returns the control API over it."""
        self.state = State(self.config)
        self.methods = BotApiMethods(self.state)
        return Control(self.state)

    def _application(self) -> web.Application:
        control = self.world()
        app = web.Application(
            client_max_size=self.config.upload_limit + _MULTIPART_OVERHEAD,
            middlewares=[control.middleware],
        )
        app.add_routes(control.routes())
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port; see `.port`)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.host, self.port = sock.getsockname()[:2]
        self._runner = web.AppRunner(
            self._application(),
            shutdown_timeout=1.0,
            handler_cancellation=True,
            access_log=None,
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        assert self.state is not None
        self._delivery = asyncio.create_task(WebhookDelivery(self.state).run())

    async def stop(self) -> None:
        """Answer pending long polls and close every connection."""
        if self.state is not None:
            self.state.closing = True
            self.state.touch()
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- request handling ---------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        api = API_PATH.match(request.path)
        if api:
            return await self._api_call(request, api["token"], api["method"])
        download = FILE_PATH.match(request.path)
        if download and request.method in ("GET", "HEAD"):
            return self._download(download["token"], download["path"])
        return _json_error(ApiError(404, Desc.NOT_FOUND))

    async def _api_call(self, request: web.Request, token: str, method: str) -> web.Response:
        status, payload = await self.api_call(
            token, method, lambda: self._read_params(request), lambda: _client_gone(request)
        )
        return _json(payload, status=status)

    async def api_call(
        self,
        token: str,
        method: str,
        read: Callable[[], Awaitable[Params]],
        gone: Callable[[], bool],
    ) -> tuple[int, Any]:
        """One Bot API call answered as Telegram would: (HTTP status, JSON payload), logged.

        ``read`` gives the call's parameters; ``gone`` says whether the caller stopped waiting
        (the call then counts as unanswered in the log). Used over HTTP and in-process alike.
        """
        state = self.state
        assert state is not None
        record = state.new_call(method, {})
        try:
            try:
                params = await read()
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, Desc.ENTITY_TOO_LARGE) from None
            except ValueError:
                raise ApiError.bad_request(Desc.REQUEST_NOT_JSON) from None
            record.params = params.summary()
            try:
                result = await self._run_method(token, method, params, record)
            except (ApiError, asyncio.CancelledError):
                raise
            except Exception as exc:  # a bug of this server: say so instead of a bare 500
                _LOG.exception("test server failed on %s", method)
                raise ApiError(500, f"Internal Server Error: test server bug: {exc!r}") from exc
        except ApiError as error:
            record.error_code, record.description = error.error_code, error.description
            record.ok = None if gone() else False
            return error.error_code, error.payload()
        except asyncio.CancelledError:
            record.description = "the client closed the connection before an answer"
            raise
        finally:
            state.touch()
        record.ok = None if gone() else True
        return 200, {"ok": True, "result": result}

    async def _run_method(self, token: str, method: str, params: Params, record: Any) -> Any:
        state = self.state
        assert state is not None
        if not _WELL_FORMED_TOKEN.match(token):
            raise ApiError(404, Desc.NOT_FOUND)
        if token != self.config.token:
            raise ApiError(401, Desc.UNAUTHORIZED)
        handler = self.methods.handlers.get(method.lower())
        if handler is None:
            if method.lower() in NOT_IMPLEMENTED:
                raise ApiError(501, f"Not Implemented: the test server has no {method}")
            raise ApiError(404, Desc.NOT_FOUND)
        if any(u.too_large(self.config.upload_limit) for u in params.uploads.values()):
            raise ApiError(413, Desc.ENTITY_TOO_LARGE)
        fault = state.take_fault(method)
        if fault is not None:
            record.injected = True
            if fault.delay:
                await asyncio.sleep(fault.delay)
            raise ApiError(fault.error_code, fault.description, fault.retry_after)
        retry_after = state.flood.check(method, _chat_key(params.raw("chat_id")))
        if retry_after is not None:
            raise too_many_requests(retry_after)
        return await handler(params)

    async def _read_params(self, request: web.Request) -> Params:
        fields: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        content_type = request.content_type
        if content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                fields.update(body)
        elif content_type == "application/x-www-form-urlencoded":
            fields.update(await request.post())
        elif content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or not part.name:
                    continue
                if part.filename is None:
                    fields[part.name] = await part.text()
                    continue
                uploads[part.name] = await self._read_upload(part)
        return Params(fields, uploads)

    async def _read_upload(self, part: Any) -> Upload:
        """Read a file part, keeping at most the upload limit (the rest is drained)."""
        limit = self.config.upload_limit
        data = bytearray()
        size = 0
        while chunk := await part.read_chunk(_CHUNK):
            size += len(chunk)
            if size <= limit:
                data += chunk
        content_type = part.headers.get("Content-Type")
        return Upload(part.filename, content_type, bytes(data) if size <= limit else b"", size)

    def _download(self, token: str, path: str) -> web.Response:
        state = self.state
        assert state is not None
        stored = state.file_by_path(path) if token == self.config.token else None
        if stored is None:
            return _json_error(ApiError(404, Desc.NOT_FOUND))
        return web.Response(body=stored.content, content_type="application/octet-stream")


class BotApiFront:
    """What a bot under test and the tests see of the server, over HTTP or in-process: the
    bot's token and id, the server's state (the call log), and the URLs for
    `Application.builder()` below the front's root `url`."""

    core: ServerCore

    @property
    def config(self) -> ServerConfig:
        return self.core.config

    @property
    def state(self) -> State:
        assert self.core.state is not None, "the server has not been started"
        return self.core.state

    @property
    def token(self) -> str:
        return self.config.token

    @property
    def bot_id(self) -> int:
        return self.config.bot_id

    @property
    def url(self) -> str:
        """The root URL (the control API lives under /_control)."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """For `Application.builder().base_url(...)`: the token is appended to it."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For `Application.builder().base_file_url(...)`."""
        return f"{self.url}/file/bot"


class BotApiServer(BotApiFront):
    """The test server in a background thread: `start()`, use `.base_url`, `stop()`."""

    def __init__(
        self, config: ServerConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.core = ServerCore(config)
        self._host, self._port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._client: BotApiClient | None = None

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:PORT (the control API lives under /_control)."""
        return self.core.url

    @property
    def client(self) -> BotApiClient:
        """A synchronous control client (closed by `stop()`)."""
        if self._client is None:
            self._client = BotApiClient(self.url)
        return self._client

    def async_client(self) -> AsyncBotApiClient:
        """A new asynchronous control client; use it as `async with server.async_client()`."""
        return AsyncBotApiClient(self.url)

    def start(self) -> BotApiServer:
        started = threading.Event()
        failure: list[Exception] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._stopped = asyncio.Event()
                loop.run_until_complete(self.core.start(self._host, self._port))
            except Exception as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_until_complete(self._stopped.wait())
                loop.run_until_complete(self.core.stop())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="botapi-server", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the Bot API test server did not start within 10 s")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._loop is not None and self._stopped is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(10)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
