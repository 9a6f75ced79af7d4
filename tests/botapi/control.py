"""The control API (`/_control/...`): tests act as people and read what the bot did.

Actions a real phone could not perform are refused with HTTP 409, so a test cannot
press a button that is no longer on a message, unless it asks to forge the press.
"""

from __future__ import annotations

import mimetypes
import secrets
import time
from collections import deque
from typing import Any

from aiohttp import web

from tests.botapi.errors import too_many_requests
from tests.botapi.formatting import find_bot_commands
from tests.botapi.markup import reply_keyboard_texts
from tests.botapi.state import CallbackQuery, Chat, Fault, State, StoredMessage, User
from tests.botapi.webhook import route_view

MAX_WAIT_SECONDS = 60.0


class Refused(Exception):
    """A control request that cannot be carried out; answered with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refused(400, f"{name} must be an integer, got {value!r}") from None


class Control:
    """Handlers of the control API over one server State."""

    def __init__(self, state: State) -> None:
        self.state = state

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Answer refusals as JSON and count every control action as a change."""
        if not request.path.startswith("/_control/"):
            return await handler(request)
        try:
            response = await handler(request)
        except Refused as exc:
            return web.json_response({"error": str(exc)}, status=exc.status)
        except ValueError as exc:  # malformed JSON bodies
            return web.json_response({"error": f"bad request body: {exc}"}, status=400)
        if request.method != "GET":
            self.state.touch()
        return response

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/_control/health", self.health),
            web.post("/_control/reset", self.reset),
            web.post("/_control/users", self.add_user),
            web.post("/_control/started_chats", self.start_chats),
            web.post("/_control/message", self.send_message),
            web.post("/_control/callback", self.press_button),
            web.post("/_control/document", self.send_document),
            web.post("/_control/block", self.block),
            web.get("/_control/snapshot", self.snapshot),
            web.get("/_control/chats/{chat_id}", self.chat),
            web.get("/_control/calls", self.calls),
            web.get("/_control/progress", self.progress),
            web.get("/_control/updates", self.updates),
            web.post("/_control/faults", self.add_fault),
            web.delete("/_control/faults", self.clear_faults),
            web.get("/_control/files/{file_id}", self.file),
            web.get("/_control/wait", self.wait),
            web.post("/_control/webhook_route", self.route_webhook),
            web.get("/_control/webhook", self.webhook),
        ]

    # -- people ---------------------------------------------------------------------

    def _user(self, body: dict[str, Any]) -> User:
        if "user_id" not in body:
            raise Refused(400, "user_id is required")
        profile = {
            name: body.get(name)
            for name in ("first_name", "last_name", "username", "language_code")
        }
        return self.state.user(_int(body["user_id"], "user_id"), **profile)

    def _open_chat(self, user: User) -> Chat:
        """The user's private chat, as it is once they have written to the bot."""
        chat = self.state.private_chat(user)
        chat.started = True
        if chat.blocked:  # writing to a bot one has blocked means unblocking it
            self._set_blocked(user, chat, blocked=False)
        return chat

    def _set_blocked(self, user: User, chat: Chat, *, blocked: bool) -> None:
        """Block or unblock the bot, with the ``my_chat_member`` update Telegram sends then."""
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        statuses = ("member", "kicked") if blocked else ("kicked", "member")
        # A "kicked" member always carries until_date (0: for ever), old or new.
        old, new = (
            {"status": status, "user": self.state.bot.to_api()}
            | ({"until_date": 0} if status == "kicked" else {})
            for status in statuses
        )
        self._deliver(
            "my_chat_member",
            {
                "chat": self.state.chat_api(chat),
                "from": user.to_api(),
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": new,
            },
        )

    def _deliver(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = self.state.enqueue(kind, payload)
        return {"update_id": update.update_id if update else None, "delivered": update is not None}

    async def add_user(self, request: web.Request) -> web.Response:
        user = self._user(await request.json())
        return web.json_response(vars(user))

    async def start_chats(self, request: web.Request) -> web.Response:
        """Many users at once, each with a private chat as it is once they wrote to the bot
        (for load tests: a broadcast to 20,000 people who started the bot)."""
        body = await request.json()
        users = body.get("users") if isinstance(body, dict) else None
        if not isinstance(users, list):
            raise Refused(400, "users (a list) is required")
        for entry in users:
            if not isinstance(entry, dict):
                raise Refused(400, "each user is an object with user_id")
            self._open_chat(self._user(entry))
        return web.json_response({"started": len(users)})

    async def send_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        text = body.get("text")
        if not isinstance(text, str) or not text:
            raise Refused(400, "text must be a non-empty string")
        user = self._user(body)
        chat = self._open_chat(user)
        if body.get("keyboard_button"):
            labels = reply_keyboard_texts(chat.reply_keyboard)
            if text not in labels:
                raise Refused(409, f"no reply keyboard button {text!r} is shown; shown: {labels}")
            if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
        reply_to = body.get("reply_to_message_id")
        if reply_to is not None:
            target = chat.messages.get(_int(reply_to, "reply_to_message_id"))
            if target is None or target.deleted:
                raise Refused(409, f"message {reply_to} is not in chat {chat.id}")
        message = self.state.add_message(
            chat,
            from_bot=False,
            sender_id=user.id,
            text=text,
            entities=find_bot_commands(text),
            reply_to_message_id=reply_to,
        )
        result = self._deliver("message", self.state.message_api(message))
        return web.json_response({**result, "message_id": message.message_id})

    async def send_document(self, request: web.Request) -> web.Response:
        query = request.query
        file_name = query.get("file_name") or "document"
        content = await request.read()
        if not content:
            raise Refused(400, "a document needs at least one byte")
        user = self._user(dict(query))
        chat = self._open_chat(user)
        mime_type = query.get("mime_type") or mimetypes.guess_type(file_name)[0]
        stored = self.state.add_file(content, file_name, mime_type)
        message = self.state.add_message(
            chat,
            from_bot=False,
            sender_id=user.id,
            document=stored,
            caption=query.get("caption") or None,
        )
        result = self._deliver("message", self.state.message_api(message))
        return web.json_response(
            {**result, "message_id": message.message_id, "file_id": stored.file_id}
        )

    async def press_button(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self._user(body)
        chat = self.state.chats.get(user.id)
        if chat is None or not chat.started:
            raise Refused(409, f"user {user.id} has no chat with the bot")
        message_id = _int(body.get("message_id"), "message_id")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise Refused(409, f"message {message_id} is not in chat {chat.id}")
        data = self._pressed_data(message, body)
        query = CallbackQuery(
            id=str(secrets.randbelow(9 * 10**18) + 10**18),
            user_id=user.id,
            chat_id=chat.id,
            message_id=message.message_id,
            data=data,
            forged=bool(body.get("forge")),
            created=time.monotonic(),
        )
        self.state.callback_queries[query.id] = query
        payload = {
            "id": query.id,
            "from": user.to_api(),
            "message": self.state.message_api(message),
            "chat_instance": str(chat.id * 7919 + 17),
            "data": data,
        }
        result = self._deliver("callback_query", payload)
        return web.json_response({**result, "callback_query_id": query.id})

    def _pressed_data(self, message: StoredMessage, body: dict[str, Any]) -> str:
        buttons = message.callback_buttons()
        if body.get("forge"):
            if body.get("data") is None:
                raise Refused(400, "a forged press needs data")
            return str(body["data"])
        if not message.from_bot:
            raise Refused(409, f"message {message.message_id} was not sent by the bot")
        shown = [(b["text"], b["callback_data"]) for b in buttons]
        if body.get("button_text") is not None:
            matches = [b for b in buttons if b["text"] == body["button_text"]]
            if not matches:
                raise Refused(
                    409,
                    f"no button {body['button_text']!r} on message "
                    f"{message.message_id}; shown: {shown}",
                )
            return matches[0]["callback_data"]
        data = body.get("data")
        if not any(b["callback_data"] == data for b in buttons):
            raise Refused(
                409,
                f"no button with callback_data {data!r} on message "
                f"{message.message_id}; shown: {shown}",
            )
        return str(data)

    async def block(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self._user(body)
        chat = self.state.private_chat(user)
        self._set_blocked(user, chat, blocked=bool(body.get("blocked", True)))
        self.state.touch()
        return web.json_response({"blocked": chat.blocked})

    # -- reading ----------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": True, "bot": self.state.bot.to_api(), "version": self.state.version}
        )

    async def reset(self, request: web.Request) -> web.Response:
        self.state.reset()
        return web.json_response({"ok": True})

    async def snapshot(self, request: web.Request) -> web.Response:
        with_content = request.query.get("content", "1") != "0"
        return web.json_response(self.state.snapshot(with_content=with_content))

    async def chat(self, request: web.Request) -> web.Response:
        chat = self.state.chats.get(_int(request.match_info["chat_id"], "chat_id"))
        if chat is None:
            raise Refused(404, f"no chat {request.match_info['chat_id']}")
        return web.json_response(self.state.chat_view(chat))

    async def progress(self, request: web.Request) -> web.Response:
        """Per chat, in a few numbers (for load tests, where snapshots are too big): how many
        messages the bot sent, its last message with callback buttons and that one's first
        button's data; and the calls refused with 429 by flood control. ``?chats=1,2`` limits
        the view to those chats (a broadcast's thousands of chats make it slow)."""
        wanted = {_int(c, "chats") for c in request.query.get("chats", "").split(",") if c.strip()}
        chats: dict[str, Any] = {}
        for chat in self.state.chats.values():
            if wanted and chat.id not in wanted:
                continue
            sent = [m for m in chat.messages.values() if m.from_bot]
            question = next((m for m in reversed(sent) if m.callback_buttons()), None)
            chats[str(chat.id)] = {
                "bot_messages": len(sent),
                "question_id": question.message_id if question else None,
                "button": question.callback_buttons()[0]["callback_data"] if question else None,
            }
        return web.json_response(
            {
                "version": self.state.version,
                "chats": chats,
                "flood_refused": self.state.flood.refused,
            }
        )

    async def calls(self, request: web.Request) -> web.Response:
        method = request.query.get("method", "").lower()
        calls = [c.to_json() for c in self.state.calls if not method or c.method.lower() == method]
        return web.json_response(calls)

    async def updates(self, request: web.Request) -> web.Response:
        return web.json_response(self.state.updates_view())

    # -- the reverse proxy in front of a webhook ----------------------------------------

    async def route_webhook(self, request: web.Request) -> web.Response:
        """Forward webhook posts for `host` to the local `target` (http://127.0.0.1:PORT)."""
        body = await request.json()
        host, target = str(body.get("host") or ""), str(body.get("target") or "")
        if not host or not target.startswith("http://"):
            raise Refused(400, "host and an http:// target are required")
        self.state.webhook_routes[host.lower()] = target
        return web.json_response(route_view(self.state))

    async def webhook(self, request: web.Request) -> web.Response:
        return web.json_response(route_view(self.state))

    async def file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise Refused(404, "no such file")
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def wait(self, request: web.Request) -> web.Response:
        since = _int(request.query.get("since", self.state.version), "since")
        timeout = min(float(request.query.get("timeout", 10)), MAX_WAIT_SECONDS)
        await self.state.wait_for_change(since, timeout)
        return web.json_response({"version": self.state.version})

    # -- faults -----------------------------------------------------------------------

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await request.json()
        method = str(body.get("method") or "").lower()
        if not method:
            raise Refused(400, "method is required")
        count = _int(body.get("count", 1), "count")
        error_code = _int(body.get("error_code", 429), "error_code")
        if error_code == 429:
            error = too_many_requests(_int(body.get("retry_after", 1), "retry_after"))
            fault = Fault(429, error.description, error.retry_after)
        else:
            description = body.get("description")
            if not description:
                raise Refused(400, "a non-429 fault needs a description")
            fault = Fault(error_code, str(description), None)
        delay = body.get("delay")
        if delay is not None:
            fault = Fault(fault.error_code, fault.description, fault.retry_after, float(delay))
        self.state.faults.setdefault(method, deque()).extend([fault] * count)
        return web.json_response({"method": method, "pending": len(self.state.faults[method])})

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.state.faults.clear()
        return web.json_response({"ok": True})
