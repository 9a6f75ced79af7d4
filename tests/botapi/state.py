"""The server's world: users, chats and their messages, files, the update queue, calls.

Everything here is owned by the server's event loop; nothing is shared across threads.
`touch()` bumps a version and wakes every waiter (long polls and control-API waits).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.botapi.flood import FloodControl
from tests.botapi.markup import inline_buttons

# getUpdates' default when allowed_updates was never given (Bot API documentation).
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)

DEFAULT_TOKEN = "7000000001:AAHnianbaoTestTokenForBotApiServer0"


@dataclass
class ServerConfig:
    """What the test server pretends to be and which limits it enforces."""

    token: str = DEFAULT_TOKEN
    bot_first_name: str = "年报助手"
    bot_username: str = "nianbao_test_bot"
    upload_limit: int = 50 * 1024 * 1024
    download_limit: int = 20 * 1024 * 1024
    callback_query_timeout: float = 15.0
    first_update_id: int = 700_000_001
    # Telegram's flood control (0 turns a limit off): messages a second overall and per chat,
    # and the burst each bucket lets through before the sustained rate applies.
    flood_overall_rate: float = 30.0
    flood_overall_burst: float = 30.0
    flood_chat_rate: float = 1.0
    flood_chat_burst: float = 20.0
    # Telegram keeps an update that nobody fetched for 24 hours, then drops it.
    pending_update_ttl: float = 24 * 3600.0

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        data["file_size"] = len(self.content)
        return data


@dataclass
class Version:
    """One past state of a message, kept when the bot edits it."""

    text: str | None
    entities: list[dict[str, Any]]
    parse_mode: str | None
    source_text: str | None
    caption: str | None
    caption_entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    date: int


@dataclass
class StoredMessage:
    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    source_text: str | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[Version] = field(default_factory=list)
    deleted: bool = False

    def inline_markup(self) -> dict[str, Any] | None:
        """The markup Telegram shows on the message itself (inline keyboards only)."""
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup
        return None

    def remember_version(self) -> None:
        self.history.append(
            Version(
                self.text,
                self.entities,
                self.parse_mode,
                self.source_text,
                self.caption,
                self.caption_entities,
                self.reply_markup,
                self.edit_date or self.date,
            )
        )

    def callback_buttons(self) -> list[dict[str, Any]]:
        return [b for b in inline_buttons(self.inline_markup()) if "callback_data" in b]


@dataclass
class Chat:
    id: int
    user_id: int
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    started: bool = False
    blocked: bool = False
    reply_keyboard: dict[str, Any] | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Update:
    update_id: int
    kind: str
    payload: dict[str, Any]
    created: float = field(default_factory=time.monotonic)


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    forged: bool
    created: float
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class CallRecord:
    """One request the bot made, as the server judged it."""

    seq: int
    method: str
    params: dict[str, Any]
    at: float
    ok: bool | None = None  # None: the client went away before an answer
    error_code: int | None = None
    description: str | None = None
    injected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "params": self.params,
            "at": self.at,
            "ok": self.ok,
            "error_code": self.error_code,
            "description": self.description,
            "injected": self.injected,
        }


@dataclass
class Fault:
    """An error to answer instead of running the method (e.g. flood control)."""

    error_code: int
    description: str
    retry_after: int | None
    #: Seconds to wait before answering with the error (a client gives up first: a time-out).
    delay: float = 0.0


class State:
    """All mutable server state."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.bot = User(
            config.bot_id, config.bot_first_name, username=config.bot_username, is_bot=True
        )
        self.version = 0
        self.closing = False
        self._changed = asyncio.Event()
        # Update ids only grow and pollers keep their place, even across reset().
        self.next_update_id = config.first_update_id
        self.poll_generation = 0
        self.reset()

    def reset(self) -> None:
        """Forget everything but the bot's identity."""
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.updates: list[Update] = []
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self.dropped_updates = 0
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.calls: list[CallRecord] = []
        self._call_seq = itertools.count(1)
        self.faults: dict[str, deque[Fault]] = {}
        self.flood = FloodControl(
            self.config.flood_overall_rate,
            self.config.flood_overall_burst,
            self.config.flood_chat_rate,
            self.config.flood_chat_burst,
        )
        self.expired_updates = 0
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.settings: dict[str, Any] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_max_connections = 40
        self.webhook_last_error: tuple[int, str] | None = None  # (unix time, message)
        self.webhook_routes: dict[str, str] = {}
        self.webhook_peak_in_flight = 0  # the most posts ever in flight at once
        self._file_seq = itertools.count(1)
        self.touch()

    # -- change notification -------------------------------------------------------------

    def touch(self) -> None:
        """Record a change and wake everyone waiting for one."""
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_change(self, since: int, timeout: float) -> None:
        """Return once the version moved past `since`, or after `timeout` seconds."""
        if self.version > since or timeout <= 0:
            return
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    # -- users, chats, messages -------------------------------------------------------

    def user(self, user_id: int, **profile: Any) -> User:
        """The test user with this id, created (or updated) from `profile`."""
        user = self.users.get(user_id)
        if user is None:
            user = User(user_id, profile.pop("first_name", None) or f"用户{user_id}")
            self.users[user_id] = user
        for name, value in profile.items():
            if value is not None:
                setattr(user, name, value)
        return user

    def private_chat(self, user: User) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user.id, user.id)
        return chat

    def add_message(
        self, chat: Chat, *, from_bot: bool, sender_id: int, **fields: Any
    ) -> StoredMessage:
        message = StoredMessage(
            chat.next_message_id, chat.id, sender_id, from_bot, int(time.time()), **fields
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def chat_api(self, chat: Chat) -> dict[str, Any]:
        user = self.users[chat.user_id]
        data: dict[str, Any] = {"id": chat.id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            data["last_name"] = user.last_name
        if user.username:
            data["username"] = user.username
        return data

    def message_api(self, message: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API `Message` object for a stored message."""
        chat = self.chats[message.chat_id]
        sender = self.bot if message.from_bot else self.users[message.sender_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": sender.to_api(),
            "chat": self.chat_api(chat),
            "date": message.date,
        }
        if message.edit_date:
            data["edit_date"] = message.edit_date
        if with_reply and message.reply_to_message_id in chat.messages:
            target = chat.messages[message.reply_to_message_id]
            data["reply_to_message"] = self.message_api(target, with_reply=False)
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.document is not None:
            data["document"] = message.document.to_api()
        if message.caption:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = message.caption_entities
        if message.inline_markup():
            data["reply_markup"] = message.inline_markup()
        return data

    # -- files --------------------------------------------------------------------------

    def add_file(self, content: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        number = next(self._file_seq)
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:04d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{number:04d}{secrets.token_urlsafe(6)}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_path_for(self, stored: StoredFile) -> str:
        if stored.file_path is None:
            suffix = ""
            if stored.file_name and "." in stored.file_name:
                suffix = "." + stored.file_name.rsplit(".", 1)[1]
            stored.file_path = f"documents/file_{len(self.files)}_{secrets.token_hex(4)}{suffix}"
        return stored.file_path

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # -- updates ------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue an update for getUpdates; None when allowed_updates filters it out."""
        if kind not in self.allowed_updates:
            self.dropped_updates += 1
            return None
        update = Update(
            self.next_update_id, kind, {"update_id": self.next_update_id, kind: payload}
        )
        self.next_update_id += 1
        self.updates.append(update)
        return update

    def drop_expired(self) -> None:
        """Forget updates nobody fetched within ``pending_update_ttl`` (Telegram: 24 hours)."""
        oldest = time.monotonic() - self.config.pending_update_ttl
        kept = [u for u in self.updates if u.created >= oldest]
        self.expired_updates += len(self.updates) - len(kept)
        self.updates = kept

    def deliver_confirmed(self, update_id: int) -> None:
        """Forget one update the webhook answered with a 2xx status."""
        self.updates = [u for u in self.updates if u.update_id != update_id]

    def confirm(self, offset: int | None) -> None:
        """Forget updates a getUpdates offset confirms (Bot API semantics)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u.update_id >= offset]

    # -- faults and the call log --------------------------------------------------------

    def take_fault(self, method: str) -> Fault | None:
        queue = self.faults.get(method.lower())
        if not queue:
            return None
        fault = queue.popleft()
        if not queue:
            del self.faults[method.lower()]
        return fault

    def new_call(self, method: str, params: dict[str, Any]) -> CallRecord:
        record = CallRecord(next(self._call_seq), method, params, time.time())
        self.calls.append(record)
        return record

    # -- snapshots for the control API --------------------------------------------------

    def message_view(self, message: StoredMessage, *, with_content: bool) -> dict[str, Any]:
        view: dict[str, Any] = {
            "message_id": message.message_id,
            "chat_id": message.chat_id,
            "from_bot": message.from_bot,
            "sender_id": message.sender_id,
            "date": message.date,
            "edit_date": message.edit_date,
            "text": message.text,
            "entities": message.entities,
            "parse_mode": message.parse_mode,
            "source_text": message.source_text,
            "caption": message.caption,
            "caption_entities": message.caption_entities,
            "reply_markup": message.reply_markup,
            "reply_to_message_id": message.reply_to_message_id,
            "deleted": message.deleted,
            "document": None,
            "history": [vars(version) for version in message.history],
        }
        if message.document is not None:
            document = message.document.to_api()
            if with_content:
                document["content_b64"] = base64.b64encode(message.document.content).decode()
            view["document"] = document
        return view

    def chat_view(self, chat: Chat, *, with_content: bool = True) -> dict[str, Any]:
        return {
            "id": chat.id,
            "user_id": chat.user_id,
            "started": chat.started,
            "blocked": chat.blocked,
            "reply_keyboard": chat.reply_keyboard,
            "actions": chat.actions,
            "messages": [
                self.message_view(m, with_content=with_content) for m in chat.messages.values()
            ],
        }

    def snapshot(self, *, with_content: bool = True) -> dict[str, Any]:
        return {
            "version": self.version,
            "bot": self.bot.to_api(),
            "users": [vars(user) for user in self.users.values()],
            "chats": [self.chat_view(c, with_content=with_content) for c in self.chats.values()],
            "callback_queries": [vars(q) for q in self.callback_queries.values()],
            "calls": [call.to_json() for call in self.calls],
            "updates": self.updates_view(),
            "commands": [
                {"key": json.loads(key), "commands": value} for key, value in self.commands.items()
            ],
            "settings": self.settings,
            "webhook_url": self.webhook_url,
        }

    def updates_view(self) -> dict[str, Any]:
        return {
            "pending": [u.payload for u in self.updates],
            "next_update_id": self.next_update_id,
            "allowed_updates": sorted(self.allowed_updates),
            "dropped": self.dropped_updates,
            "expired": self.expired_updates,
        }
