"""Typed clients of the control API, for tests acting as people and checking the bot.

`BotApiClient` is synchronous; `AsyncBotApiClient` has the same methods as coroutines
and is the one to use in an async test whose bot runs on the same event loop (a
blocking wait there would stop the bot it waits for).
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

import httpx

T = TypeVar("T")

_WAIT_SLICE = 10.0  # seconds one server-side wait may take, well under the HTTP timeout


class ControlError(Exception):
    """The server refused a control action (e.g. pressing a button that is gone)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class WaitTimeout(AssertionError):
    """A wait ran out of time; the message describes what the server saw."""


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Document:
    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int
    content: bytes | None  # None only in snapshots taken without content


@dataclass(frozen=True)
class MessageVersion:
    """A message as it was before an edit."""

    text: str | None
    entities: list[dict[str, Any]]
    parse_mode: str | None
    source_text: str | None
    caption: str | None
    reply_markup: dict[str, Any] | None
    date: int


@dataclass(frozen=True)
class ChatMessage:
    """A message in a chat, as it stands now, with its edit history."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: int
    edit_date: int | None
    text: str | None
    entities: list[dict[str, Any]]
    parse_mode: str | None
    source_text: str | None  # what the bot sent before Telegram parsed parse_mode
    caption: str | None
    caption_entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None  # as sent: inline keyboard, reply keyboard, ...
    document: Document | None
    reply_to_message_id: int | None
    deleted: bool
    history: list[MessageVersion]

    @property
    def inline_keyboard(self) -> list[list[Button]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            [Button(b["text"], b.get("callback_data"), b.get("url"), b) for b in row]
            for row in rows
        ]

    @property
    def buttons(self) -> list[Button]:
        """Inline buttons, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    def button(self, text: str) -> Button:
        """The inline button labelled `text`."""
        for button in self.buttons:
            if button.text == text:
                return button
        raise KeyError(f"no button {text!r}; buttons: {[b.text for b in self.buttons]}")

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of the reply keyboard this message carried, if any."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return None
        return [[b["text"] for b in row] for row in self.reply_markup["keyboard"]]

    @property
    def edited(self) -> bool:
        return bool(self.history)


@dataclass(frozen=True)
class ChatState:
    id: int
    user_id: int
    started: bool
    blocked: bool
    reply_keyboard: dict[str, Any] | None
    actions: list[str]
    messages: list[ChatMessage]


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the bot made."""

    seq: int
    method: str
    params: dict[str, Any]
    at: float
    ok: bool | None  # None: the bot went away before the answer
    error_code: int | None
    description: str | None
    injected: bool  # failed by a fault the test injected

    @property
    def rejected(self) -> bool:
        return self.ok is False


@dataclass(frozen=True)
class CallbackQueryState:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    forged: bool
    answered: bool
    answer: dict[str, Any] | None


@dataclass(frozen=True)
class Sent:
    """What a person's action produced."""

    update_id: int | None  # None when allowed_updates filtered the update out
    delivered: bool
    message_id: int | None = None
    callback_query_id: str | None = None
    file_id: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything the server holds at one moment."""

    version: int
    chats: dict[int, ChatState]
    calls: list[ApiCall]
    callback_queries: dict[str, CallbackQueryState]
    pending_updates: list[dict[str, Any]]
    commands: list[dict[str, Any]]
    webhook_url: str

    def messages(self, chat_id: int) -> list[ChatMessage]:
        chat = self.chats.get(chat_id)
        return list(chat.messages) if chat else []

    def bot_messages(self, chat_id: int, *, include_deleted: bool = True) -> list[ChatMessage]:
        return [
            m for m in self.messages(chat_id) if m.from_bot and (include_deleted or not m.deleted)
        ]

    def rejected_calls(self, *, include_injected: bool = False) -> list[ApiCall]:
        return [c for c in self.calls if c.rejected and (include_injected or not c.injected)]

    def describe(self) -> str:
        """A readable summary for failure messages."""
        lines = [f"server state v{self.version}:"]
        for chat in self.chats.values():
            lines.append(f"  chat {chat.id}:")
            for m in chat.messages:
                who = "bot " if m.from_bot else "user"
                body = (
                    m.text
                    if m.text is not None
                    else f"[document {m.document and m.document.file_name}] {m.caption or ''}"
                )
                flags = " (deleted)" if m.deleted else (" (edited)" if m.edited else "")
                lines.append(
                    f"    #{m.message_id} {who}: {body!r}{flags} buttons={[b.text for b in m.buttons]}"
                )
        for call in self.calls:
            if call.rejected:
                lines.append(f"  rejected {call.method}: {call.error_code} {call.description}")
        return "\n".join(lines)


def _message(data: dict[str, Any]) -> ChatMessage:
    document = None
    if data.get("document"):
        d = data["document"]
        content = base64.b64decode(d["content_b64"]) if "content_b64" in d else None
        document = Document(
            d["file_id"],
            d["file_unique_id"],
            d.get("file_name"),
            d.get("mime_type"),
            d["file_size"],
            content,
        )
    history = [
        MessageVersion(
            v["text"],
            v["entities"],
            v["parse_mode"],
            v["source_text"],
            v["caption"],
            v["reply_markup"],
            v["date"],
        )
        for v in data["history"]
    ]
    return ChatMessage(
        data["message_id"],
        data["chat_id"],
        data["from_bot"],
        data["sender_id"],
        data["date"],
        data["edit_date"],
        data["text"],
        data["entities"],
        data["parse_mode"],
        data["source_text"],
        data["caption"],
        data["caption_entities"],
        data["reply_markup"],
        document,
        data["reply_to_message_id"],
        data["deleted"],
        history,
    )


def _chat(data: dict[str, Any]) -> ChatState:
    return ChatState(
        data["id"],
        data["user_id"],
        data["started"],
        data["blocked"],
        data["reply_keyboard"],
        [a["action"] for a in data["actions"]],
        [_message(m) for m in data["messages"]],
    )


def _call(data: dict[str, Any]) -> ApiCall:
    return ApiCall(**data)


def _snapshot(data: dict[str, Any]) -> Snapshot:
    return Snapshot(
        version=data["version"],
        chats={c["id"]: _chat(c) for c in data["chats"]},
        calls=[_call(c) for c in data["calls"]],
        callback_queries={
            q["id"]: CallbackQueryState(
                q["id"],
                q["user_id"],
                q["chat_id"],
                q["message_id"],
                q["data"],
                q["forged"],
                q["answered"],
                q["answer"],
            )
            for q in data["callback_queries"]
        },
        pending_updates=data["updates"]["pending"],
        commands=data["commands"],
        webhook_url=data["webhook_url"],
    )


def _sent(data: dict[str, Any]) -> Sent:
    return Sent(
        data["update_id"],
        data["delivered"],
        data.get("message_id"),
        data.get("callback_query_id"),
        data.get("file_id"),
    )


def _checked(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        try:
            message = response.json().get("error", response.text)
        except ValueError:
            message = response.text
        raise ControlError(response.status_code, message)
    return response


@dataclass
class _Request:
    """One control request and how to read its answer (shared by both clients)."""

    method: str
    path: str
    parse: Callable[[httpx.Response], Any]
    json: Any = None
    params: dict[str, Any] | None = None
    content: bytes | None = None


def _profile(
    user_id: int,
    first_name: str | None,
    username: str | None,
    last_name: str | None,
    language_code: str | None,
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "first_name": first_name,
        "username": username,
        "last_name": last_name,
        "language_code": language_code,
    }


class _Requests:
    """Builders of every control request; the clients only send them."""

    @staticmethod
    def add_user(
        user_id: int,
        first_name: str,
        username: str | None,
        last_name: str | None,
        language_code: str | None,
    ) -> _Request:
        body = _profile(user_id, first_name, username, last_name, language_code)
        return _Request("POST", "/_control/users", lambda r: r.json(), json=body)

    @staticmethod
    def send_text(
        user_id: int, text: str, reply_to_message_id: int | None, keyboard_button: bool = False
    ) -> _Request:
        body = {
            "user_id": user_id,
            "text": text,
            "reply_to_message_id": reply_to_message_id,
            "keyboard_button": keyboard_button,
        }
        return _Request("POST", "/_control/message", lambda r: _sent(r.json()), json=body)

    @staticmethod
    def press_button(
        user_id: int, message_id: int, data: str | None, text: str | None, forge: bool
    ) -> _Request:
        body = {
            "user_id": user_id,
            "message_id": message_id,
            "data": data,
            "button_text": text,
            "forge": forge,
        }
        return _Request("POST", "/_control/callback", lambda r: _sent(r.json()), json=body)

    @staticmethod
    def send_document(
        user_id: int, content: bytes, file_name: str, mime_type: str | None, caption: str | None
    ) -> _Request:
        params = {"user_id": user_id, "file_name": file_name}
        if mime_type:
            params["mime_type"] = mime_type
        if caption:
            params["caption"] = caption
        return _Request(
            "POST", "/_control/document", lambda r: _sent(r.json()), params=params, content=content
        )

    @staticmethod
    def block(user_id: int, blocked: bool) -> _Request:
        return _Request(
            "POST",
            "/_control/block",
            lambda r: r.json()["blocked"],
            json={"user_id": user_id, "blocked": blocked},
        )

    @staticmethod
    def snapshot(with_content: bool = True) -> _Request:
        return _Request(
            "GET",
            "/_control/snapshot",
            lambda r: _snapshot(r.json()),
            params={"content": "1" if with_content else "0"},
        )

    @staticmethod
    def calls(method: str | None) -> _Request:
        params = {"method": method} if method else {}
        return _Request(
            "GET", "/_control/calls", lambda r: [_call(c) for c in r.json()], params=params
        )

    @staticmethod
    def updates() -> _Request:
        return _Request("GET", "/_control/updates", lambda r: r.json())

    @staticmethod
    def progress(chats: Iterable[int] = ()) -> _Request:
        wanted = ",".join(map(str, chats))
        query = f"?chats={wanted}" if wanted else ""
        return _Request("GET", f"/_control/progress{query}", lambda r: r.json())

    @staticmethod
    def start_chats(users: Iterable[tuple[int, str]]) -> _Request:
        body = {"users": [{"user_id": u, "first_name": name} for u, name in users]}
        return _Request("POST", "/_control/started_chats", lambda r: r.json(), json=body)

    @staticmethod
    def file_bytes(file_id: str) -> _Request:
        return _Request("GET", f"/_control/files/{file_id}", lambda r: r.content)

    @staticmethod
    def fail_next(
        method: str,
        count: int,
        error_code: int,
        retry_after: int | None,
        description: str | None,
        delay: float | None = None,
    ) -> _Request:
        body = {
            "method": method,
            "count": count,
            "error_code": error_code,
            "retry_after": retry_after,
            "description": description,
            "delay": delay,
        }
        return _Request("POST", "/_control/faults", lambda r: r.json(), json=body)

    @staticmethod
    def clear_faults() -> _Request:
        return _Request("DELETE", "/_control/faults", lambda r: None)

    @staticmethod
    def route_webhook(host: str, target: str) -> _Request:
        body = {"host": host, "target": target}
        return _Request("POST", "/_control/webhook_route", lambda r: r.json(), json=body)

    @staticmethod
    def webhook() -> _Request:
        return _Request("GET", "/_control/webhook", lambda r: r.json())

    @staticmethod
    def reset() -> _Request:
        return _Request("POST", "/_control/reset", lambda r: None)

    @staticmethod
    def wait(since: int, timeout: float) -> _Request:
        return _Request(
            "GET",
            "/_control/wait",
            lambda r: r.json()["version"],
            params={"since": since, "timeout": timeout},
        )


def _bot_messages_at_least(
    chat_id: int, count: int
) -> Callable[[Snapshot], list[ChatMessage] | None]:
    def check(snapshot: Snapshot) -> list[ChatMessage] | None:
        messages = snapshot.bot_messages(chat_id)
        return messages if len(messages) >= count else None

    return check


def _answered(callback_query_id: str) -> Callable[[Snapshot], CallbackQueryState | None]:
    def check(snapshot: Snapshot) -> CallbackQueryState | None:
        query = snapshot.callback_queries.get(callback_query_id)
        return query if query and query.answered else None

    return check


def _calls_at_least(method: str, count: int) -> Callable[[Snapshot], list[ApiCall] | None]:
    def check(snapshot: Snapshot) -> list[ApiCall] | None:
        calls = [
            c for c in snapshot.calls if c.method.lower() == method.lower() and c.ok is not None
        ]
        return calls if len(calls) >= count else None

    return check


def _timeout_message(what: str, timeout: float, snapshot: Snapshot | None) -> str:
    summary = snapshot.describe() if snapshot else "(no snapshot)"
    return f"waited {timeout} s for {what}\n{summary}"


def _refuse_blocking_inside_event_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "BotApiClient.wait_* blocks the event loop, so a bot running on it could never "
        "answer; use AsyncBotApiClient (server.async_client()) in async tests"
    )


class BotApiClient:
    """Synchronous control client; `url` is the server root (http://127.0.0.1:PORT)."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url
        self._http = httpx.Client(base_url=url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, request: _Request) -> Any:
        response = self._http.request(
            request.method,
            request.path,
            json=request.json,
            params=request.params,
            content=request.content,
        )
        return request.parse(_checked(response))

    # acting as people

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """Register (or update) a test user; actions register unknown users by themselves."""
        return self._send(
            _Requests.add_user(user_id, first_name, username, last_name, language_code)
        )

    def start_chats(self, users: Iterable[tuple[int, str]]) -> int:
        """Register many ``(user_id, first_name)`` users at once, each having started a chat
        with the bot (so it may write to them); how many."""
        return int(self._send(_Requests.start_chats(users))["started"])

    def send_text(self, user_id: int, text: str, *, reply_to_message_id: int | None = None) -> Sent:
        """The user writes `text` in their private chat with the bot."""
        return self._send(_Requests.send_text(user_id, text, reply_to_message_id))

    def send_command(self, user_id: int, command: str, args: str = "") -> Sent:
        """The user sends `/command args` (with a bot_command entity, as Telegram adds)."""
        text = f"/{command.removeprefix('/')}" + (f" {args}" if args else "")
        return self.send_text(user_id, text)

    def send_start(self, user_id: int, payload: str | None = None) -> Sent:
        """The user opens the bot, optionally through a t.me/bot?start=payload deep link."""
        return self.send_command(user_id, "start", payload or "")

    def press_reply_button(self, user_id: int, text: str) -> Sent:
        """The user taps a button of the reply keyboard currently shown in the chat."""
        return self._send(_Requests.send_text(user_id, text, None, keyboard_button=True))

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str | None = None,
        *,
        text: str | None = None,
        forge: bool = False,
    ) -> Sent:
        """The user taps an inline button (by callback `data` or by label `text`).

        Refused with ControlError unless the button is on the message now; `forge=True`
        sends `data` regardless, as a tampered client could.
        """
        return self._send(_Requests.press_button(user_id, message_id, data, text, forge))

    def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
    ) -> Sent:
        """The user sends a file."""
        return self._send(_Requests.send_document(user_id, content, file_name, mime_type, caption))

    def block_bot(self, user_id: int, blocked: bool = True) -> bool:
        """The user blocks (or unblocks) the bot: sends to them then fail with 403."""
        return self._send(_Requests.block(user_id, blocked))

    # reading

    def snapshot(self, *, with_content: bool = True) -> Snapshot:
        return self._send(_Requests.snapshot(with_content))

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """Every message of the chat, both sides, in order."""
        return self.snapshot().messages(chat_id)

    def bot_messages(self, chat_id: int, *, include_deleted: bool = True) -> list[ChatMessage]:
        return self.snapshot().bot_messages(chat_id, include_deleted=include_deleted)

    def last_bot_message(self, chat_id: int) -> ChatMessage:
        messages = self.bot_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot has sent nothing to chat {chat_id}")
        return messages[-1]

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every Bot API request the bot made (optionally of one method), rejected ones too."""
        return self._send(_Requests.calls(method))

    def rejected_calls(self, *, include_injected: bool = False) -> list[ApiCall]:
        return [c for c in self.calls() if c.rejected and (include_injected or not c.injected)]

    def assert_no_rejected_calls(self) -> None:
        """Fail if Telegram would have rejected any call (injected faults aside)."""
        rejected = self.rejected_calls()
        assert not rejected, "rejected Bot API calls:\n" + "\n".join(
            f"  {c.method} {c.params}: {c.error_code} {c.description}" for c in rejected
        )

    def updates(self) -> dict[str, Any]:
        """The update queue: pending (unconfirmed) updates, next id, allowed_updates."""
        return self._send(_Requests.updates())

    def file_bytes(self, file_id: str) -> bytes:
        return self._send(_Requests.file_bytes(file_id))

    # faults

    def fail_next(self, method: str, count: int = 1, *, retry_after: int = 1) -> None:
        """Answer the next `count` calls of `method` with 429 Too Many Requests."""
        self._send(_Requests.fail_next(method, count, 429, retry_after, None))

    def fail_next_with(self, method: str, count: int, error_code: int, description: str) -> None:
        """Answer the next `count` calls of `method` with any error."""
        self._send(_Requests.fail_next(method, count, error_code, None, description))

    def stall_next(self, method: str, count: int, seconds: float) -> None:
        """Answer the next `count` calls of `method` only after `seconds` (then with 504): a
        client with a shorter read timeout sees a time-out."""
        self._send(_Requests.fail_next(method, count, 504, None, "Gateway Timeout", seconds))

    def clear_faults(self) -> None:
        self._send(_Requests.clear_faults())

    # webhooks

    def route_webhook(self, host: str, target: str) -> dict[str, Any]:
        """Play the reverse proxy: webhook posts to https://`host`/... go to `target`/...."""
        return self._send(_Requests.route_webhook(host, target))

    def webhook(self) -> dict[str, Any]:
        """The webhook URL, routes, pending count and the last delivery error."""
        return self._send(_Requests.webhook())

    def reset(self) -> None:
        """Forget users, chats, files, updates, calls and faults."""
        self._send(_Requests.reset())

    # waiting

    def wait_until(
        self,
        predicate: Callable[[Snapshot], T | None],
        timeout: float = 5.0,
        *,
        what: str = "the condition",
    ) -> T:
        """Wait until `predicate(snapshot)` is truthy and return its value."""
        _refuse_blocking_inside_event_loop()
        deadline = time.monotonic() + timeout
        snapshot = None
        while True:
            snapshot = self.snapshot()
            result = predicate(snapshot)
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WaitTimeout(_timeout_message(what, timeout, snapshot))
            self._send(_Requests.wait(snapshot.version, min(remaining, _WAIT_SLICE)))

    def wait_for_bot_messages(
        self, chat_id: int, count: int, timeout: float = 5.0
    ) -> list[ChatMessage]:
        """Wait until the bot has sent at least `count` messages to the chat; return them all."""
        return self.wait_until(
            _bot_messages_at_least(chat_id, count),
            timeout,
            what=f"{count} bot message(s) in chat {chat_id}",
        )

    def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 5.0
    ) -> CallbackQueryState:
        return self.wait_until(
            _answered(callback_query_id),
            timeout,
            what=f"an answer to callback query {callback_query_id}",
        )

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until the bot has made `count` answered calls of `method`."""
        return self.wait_until(
            _calls_at_least(method, count), timeout, what=f"{count} {method} call(s)"
        )


#: Requests an ``AsyncBotApiClient`` has in flight at once (its connection pool's size). Small:
#: httpcore checks every pooled connection, and counts the idle ones once per connection, on
#: every request; with 100 the driver of a 1,000-press flood took 12 s to deliver the presses.
IN_FLIGHT = 16


class AsyncBotApiClient:
    """Asynchronous control client with the same methods as BotApiClient.

    Load tests start hundreds of requests at once (500 clerks typing, 1,000 pressing): they
    wait for a turn here, not in httpcore's connection pool, whose queue is scanned whole
    whenever a connection frees (with 500 waiting, the benchmark driver spent seconds of CPU
    in it and its clerks' messages reached the server late)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        # Every connection kept alive: a load test's requests reuse them, not reconnect.
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
        self._http = httpx.AsyncClient(
            base_url=url, timeout=timeout, transport=transport, limits=limits
        )
        self._turns = asyncio.Semaphore(IN_FLIGHT)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _send(self, request: _Request) -> Any:
        async with self._turns:
            response = await self._http.request(
                request.method,
                request.path,
                json=request.json,
                params=request.params,
                content=request.content,
            )
        return request.parse(_checked(response))

    async def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        return await self._send(
            _Requests.add_user(user_id, first_name, username, last_name, language_code)
        )

    async def start_chats(self, users: Iterable[tuple[int, str]]) -> int:
        return int((await self._send(_Requests.start_chats(users)))["started"])

    async def send_text(
        self, user_id: int, text: str, *, reply_to_message_id: int | None = None
    ) -> Sent:
        return await self._send(_Requests.send_text(user_id, text, reply_to_message_id))

    async def send_command(self, user_id: int, command: str, args: str = "") -> Sent:
        text = f"/{command.removeprefix('/')}" + (f" {args}" if args else "")
        return await self.send_text(user_id, text)

    async def send_start(self, user_id: int, payload: str | None = None) -> Sent:
        return await self.send_command(user_id, "start", payload or "")

    async def press_reply_button(self, user_id: int, text: str) -> Sent:
        return await self._send(_Requests.send_text(user_id, text, None, keyboard_button=True))

    async def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str | None = None,
        *,
        text: str | None = None,
        forge: bool = False,
    ) -> Sent:
        return await self._send(_Requests.press_button(user_id, message_id, data, text, forge))

    async def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
    ) -> Sent:
        return await self._send(
            _Requests.send_document(user_id, content, file_name, mime_type, caption)
        )

    async def block_bot(self, user_id: int, blocked: bool = True) -> bool:
        return await self._send(_Requests.block(user_id, blocked))

    async def snapshot(self, *, with_content: bool = True) -> Snapshot:
        return await self._send(_Requests.snapshot(with_content))

    async def messages(self, chat_id: int) -> list[ChatMessage]:
        return (await self.snapshot()).messages(chat_id)

    async def bot_messages(
        self, chat_id: int, *, include_deleted: bool = True
    ) -> list[ChatMessage]:
        return (await self.snapshot()).bot_messages(chat_id, include_deleted=include_deleted)

    async def last_bot_message(self, chat_id: int) -> ChatMessage:
        messages = await self.bot_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot has sent nothing to chat {chat_id}")
        return messages[-1]

    async def calls(self, method: str | None = None) -> list[ApiCall]:
        return await self._send(_Requests.calls(method))

    async def rejected_calls(self, *, include_injected: bool = False) -> list[ApiCall]:
        return [
            c for c in await self.calls() if c.rejected and (include_injected or not c.injected)
        ]

    async def assert_no_rejected_calls(self) -> None:
        rejected = await self.rejected_calls()
        assert not rejected, "rejected Bot API calls:\n" + "\n".join(
            f"  {c.method} {c.params}: {c.error_code} {c.description}" for c in rejected
        )

    async def updates(self) -> dict[str, Any]:
        return await self._send(_Requests.updates())

    async def progress(self, chats: Iterable[int] = ()) -> dict[str, Any]:
        """Per chat (of ``chats`` only, if given): bot messages sent, the last question with
        buttons (see the control API)."""
        return await self._send(_Requests.progress(chats))

    async def wait_for_change(self, version: int, timeout: float) -> None:
        """Return once the server's state moved past ``version`` (or after ``timeout`` s)."""
        await self._send(_Requests.wait(version, timeout))

    async def file_bytes(self, file_id: str) -> bytes:
        return await self._send(_Requests.file_bytes(file_id))

    async def fail_next(self, method: str, count: int = 1, *, retry_after: int = 1) -> None:
        await self._send(_Requests.fail_next(method, count, 429, retry_after, None))

    async def fail_next_with(
        self, method: str, count: int, error_code: int, description: str
    ) -> None:
        await self._send(_Requests.fail_next(method, count, error_code, None, description))

    async def stall_next(self, method: str, count: int, seconds: float) -> None:
        """Answer the next `count` calls of `method` only after `seconds` (then with 504)."""
        await self._send(_Requests.fail_next(method, count, 504, None, "Gateway Timeout", seconds))

    async def clear_faults(self) -> None:
        await self._send(_Requests.clear_faults())

    async def route_webhook(self, host: str, target: str) -> dict[str, Any]:
        return await self._send(_Requests.route_webhook(host, target))

    async def webhook(self) -> dict[str, Any]:
        return await self._send(_Requests.webhook())

    async def reset(self) -> None:
        await self._send(_Requests.reset())

    async def wait_until(
        self,
        predicate: Callable[[Snapshot], T | None],
        timeout: float = 5.0,
        *,
        what: str = "the condition",
    ) -> T:
        deadline = time.monotonic() + timeout
        while True:
            snapshot = await self.snapshot()
            result = predicate(snapshot)
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WaitTimeout(_timeout_message(what, timeout, snapshot))
            await self._send(_Requests.wait(snapshot.version, min(remaining, _WAIT_SLICE)))

    async def wait_for_bot_messages(
        self, chat_id: int, count: int, timeout: float = 5.0
    ) -> list[ChatMessage]:
        return await self.wait_until(
            _bot_messages_at_least(chat_id, count),
            timeout,
            what=f"{count} bot message(s) in chat {chat_id}",
        )

    async def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 5.0
    ) -> CallbackQueryState:
        return await self.wait_until(
            _answered(callback_query_id),
            timeout,
            what=f"an answer to callback query {callback_query_id}",
        )

    async def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[ApiCall]:
        return await self.wait_until(
            _calls_at_least(method, count), timeout, what=f"{count} {method} call(s)"
        )
