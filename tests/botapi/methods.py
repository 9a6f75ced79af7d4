"""The Bot API methods the test server answers, with Telegram's checks and errors."""

from __future__ import annotations

import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tests.botapi.errors import ApiError, Desc
from tests.botapi.formatting import CAPTION_MAX_LENGTH, MESSAGE_MAX_LENGTH, format_text
from tests.botapi.markup import parse_reply_markup
from tests.botapi.state import (
    DEFAULT_ALLOWED_UPDATES,
    Chat,
    State,
    StoredFile,
    StoredMessage,
)

WEBHOOK_PORTS = (443, 80, 88, 8443)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass
class Upload:
    """A file part of a multipart request."""

    file_name: str | None
    content_type: str | None
    data: bytes
    size: int

    def too_large(self, limit: int) -> bool:
        return self.size > limit


class Params:
    """Request parameters from a query string, form, JSON body or multipart form.

    Form values are strings and structured values arrive JSON-serialised (that is how
    python-telegram-bot sends them); a JSON body gives them as objects.
    """

    def __init__(self, fields: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.fields = fields
        self.uploads = uploads

    def raw(self, name: str) -> Any:
        return self.fields.get(name)

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, (dict, list)) else str(value)

    def int(self, name: str) -> int | None:
        value = self.fields.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            return 0  # the Bot API reads a malformed number as 0

    def bool(self, name: str) -> bool:
        value = self.fields.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str, *, error: str) -> Any:
        value = self.fields.get(name)
        if isinstance(value, (str, bytes)):
            if value in ("", b""):
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError.bad_request(error) from None
        return value

    def summary(self) -> dict[str, Any]:
        """JSON-safe view for the call log."""
        view: dict[str, Any] = dict(self.fields)
        for name, upload in self.uploads.items():
            view[name] = {
                "file_name": upload.file_name,
                "content_type": upload.content_type,
                "size": upload.size,
            }
        return view


Handler = Callable[[Params], Awaitable[Any]]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Real Bot API methods this server does not implement: answered with 501 so a test sees
# at once that the bot needs more of the server, instead of a misleading 404.
NOT_IMPLEMENTED = frozenset(
    name.lower()
    for name in (
        "forwardMessage",
        "forwardMessages",
        "copyMessage",
        "copyMessages",
        "sendPhoto",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendPaidMedia",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "editMessageMedia",
        "editMessageLiveLocation",
        "stopMessageLiveLocation",
        "stopPoll",
        "getChat",
        "getChatMember",
        "getChatAdministrators",
        "getChatMemberCount",
        "leaveChat",
        "pinChatMessage",
        "unpinChatMessage",
        "unpinAllChatMessages",
        "getUserProfilePhotos",
        "answerInlineQuery",
        "setMessageReaction",
        "banChatMember",
        "unbanChatMember",
        "restrictChatMember",
        "promoteChatMember",
        "exportChatInviteLink",
        "createChatInviteLink",
        "setChatTitle",
        "setChatDescription",
        "setChatPhoto",
        "deleteChatPhoto",
        "sendInvoice",
        "getStarTransactions",
    )
)


class BotApiMethods:
    """Handlers keyed by lower-case method name (Telegram matches names case-insensitively)."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.handlers: dict[str, Handler] = {
            "getme": self.get_me,
            "logout": self.harmless,
            "close": self.harmless,
            "getupdates": self.get_updates,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "sendmessage": self.send_message,
            "senddocument": self.send_document,
            "editmessagetext": self.edit_message_text,
            "editmessagecaption": self.edit_message_caption,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "deletemessages": self.delete_messages,
            "answercallbackquery": self.answer_callback_query,
            "sendchataction": self.send_chat_action,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "getfile": self.get_file,
            "setmydescription": self._setting("description", 512),
            "getmydescription": self._getting("description"),
            "setmyshortdescription": self._setting("short_description", 120),
            "getmyshortdescription": self._getting("short_description"),
            "setmyname": self._setting("name", 64),
            "getmyname": self._getting("name"),
            "setchatmenubutton": self.set_chat_menu_button,
            "getchatmenubutton": self.get_chat_menu_button,
        }

    # -- identity and lifecycle ---------------------------------------------------------

    async def get_me(self, p: Params) -> dict[str, Any]:
        return {
            **self.state.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def harmless(self, p: Params) -> bool:
        return True

    # -- updates ------------------------------------------------------------------------

    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        state = self.state
        if state.webhook_url:
            raise ApiError(409, Desc.WEBHOOK_ACTIVE)
        allowed = p.json("allowed_updates", error=Desc.field_type("allowed_updates", "Array"))
        if isinstance(allowed, list):
            state.allowed_updates = frozenset(map(str, allowed)) or DEFAULT_ALLOWED_UPDATES
        state.poll_generation += 1
        generation = state.poll_generation
        state.touch()  # wakes an older long poll, which then fails with 409 Conflict
        state.confirm(p.int("offset"))
        state.drop_expired()
        limit = p.int("limit") or 100
        limit = min(max(limit, 1), 100)
        deadline = time.monotonic() + max(p.int("timeout") or 0, 0)
        while True:
            if generation != state.poll_generation:
                raise ApiError(409, Desc.TERMINATED_BY_OTHER_GET_UPDATES)
            if state.updates or state.closing:
                return [u.payload for u in state.updates[:limit]]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await state.wait_for_change(state.version, remaining)

    async def set_webhook(self, p: Params) -> bool:
        state = self.state
        url = p.text("url") or ""
        if not url:
            return await self.delete_webhook(p)
        parsed = urlsplit(url)
        if parsed.scheme.lower() != "https" or not parsed.hostname:
            raise ApiError.bad_request(Desc.WEBHOOK_NEEDS_HTTPS)
        if (parsed.port or 443) not in WEBHOOK_PORTS:
            raise ApiError.bad_request(Desc.WEBHOOK_BAD_PORT)
        secret = p.text("secret_token") or ""
        if not _SECRET_TOKEN.fullmatch(secret or "x"):
            raise ApiError.bad_request(Desc.WEBHOOK_SECRET_INVALID)
        allowed = p.json("allowed_updates", error=Desc.field_type("allowed_updates", "Array"))
        if isinstance(allowed, list):
            state.allowed_updates = frozenset(map(str, allowed)) or DEFAULT_ALLOWED_UPDATES
        if p.bool("drop_pending_updates"):
            state.updates.clear()
        state.webhook_url = url
        state.webhook_secret = secret
        state.webhook_max_connections = min(max(p.int("max_connections") or 40, 1), 100)
        state.webhook_last_error = None
        state.touch()  # wakes the delivery task
        return True

    async def delete_webhook(self, p: Params) -> bool:
        if p.bool("drop_pending_updates"):
            self.state.updates.clear()
        self.state.webhook_url = ""
        self.state.webhook_secret = ""
        self.state.webhook_last_error = None
        return True

    async def get_webhook_info(self, p: Params) -> dict[str, Any]:
        state = self.state
        info: dict[str, Any] = {
            "url": state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(state.updates),
        }
        if state.webhook_url:
            info["max_connections"] = state.webhook_max_connections
            info["allowed_updates"] = sorted(state.allowed_updates)
        if state.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = state.webhook_last_error
        return info

    # -- chats and messages -------------------------------------------------------------

    def _chat(self, p: Params) -> Chat:
        raw = p.raw("chat_id")
        if raw is None or raw == "":
            raise ApiError.bad_request(Desc.CHAT_ID_EMPTY)
        try:
            chat_id = int(str(raw).strip())
        except ValueError:
            raise ApiError.bad_request(Desc.CHAT_NOT_FOUND) from None
        chat = self.state.chats.get(chat_id)
        if chat is None or not chat.started:
            if chat_id in self.state.users:
                raise ApiError(403, Desc.CANT_INITIATE)
            raise ApiError.bad_request(Desc.CHAT_NOT_FOUND)
        if chat.blocked:
            raise ApiError(403, Desc.BOT_BLOCKED)
        return chat

    def _existing_message(self, p: Params, not_found: str) -> tuple[Chat, StoredMessage]:
        if p.raw("inline_message_id"):
            raise ApiError.bad_request("Bad Request: MESSAGE_ID_INVALID")
        if p.raw("chat_id") in (None, ""):
            raise ApiError.bad_request(Desc.CHAT_ID_EMPTY)
        message_id = p.int("message_id")
        if not message_id:
            raise ApiError.bad_request(Desc.MESSAGE_ID_NOT_SPECIFIED)
        chat = self._chat(p)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise ApiError.bad_request(not_found)
        return chat, message

    def _message_text(self, p: Params) -> tuple[str, list[dict[str, Any]], str | None]:
        source = p.text("text")
        if not source:
            raise ApiError.bad_request(Desc.MESSAGE_TEXT_EMPTY)
        parse_mode = p.text("parse_mode") or None
        entities = p.json("entities", error=Desc.ENTITIES_NOT_ARRAY)
        text, parsed = format_text(source, parse_mode, entities, max_length=MESSAGE_MAX_LENGTH)
        if not text:
            raise ApiError.bad_request(Desc.TEXT_MUST_BE_NON_EMPTY)
        return text, parsed, parse_mode

    def _caption(self, p: Params) -> tuple[str | None, list[dict[str, Any]], str | None]:
        source = p.text("caption")
        if not source:
            return None, [], None
        parse_mode = p.text("parse_mode") or None
        entities = p.json("caption_entities", error=Desc.ENTITIES_NOT_ARRAY)
        caption, parsed = format_text(source, parse_mode, entities, max_length=CAPTION_MAX_LENGTH)
        return caption or None, parsed, parse_mode

    def _reply_to(self, chat: Chat, p: Params) -> int | None:
        parameters = p.json("reply_parameters", error=Desc.field_type("reply_parameters", "Object"))
        if isinstance(parameters, dict):
            target = parameters.get("message_id")
            allow = bool(parameters.get("allow_sending_without_reply"))
        else:
            target = p.int("reply_to_message_id")
            allow = p.bool("allow_sending_without_reply")
        if not target:
            return None
        message = chat.messages.get(int(target))
        if message is None or message.deleted:
            if allow:
                return None
            raise ApiError.bad_request(Desc.MESSAGE_TO_REPLY_NOT_FOUND)
        return message.message_id

    def _keep_keyboard(self, chat: Chat, markup: dict[str, Any] | None) -> None:
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and "remove_keyboard" in markup:
            chat.reply_keyboard = None

    async def send_message(self, p: Params) -> dict[str, Any]:
        if p.raw("chat_id") in (None, ""):
            raise ApiError.bad_request(Desc.CHAT_ID_EMPTY)
        text, entities, parse_mode = self._message_text(p)
        markup = parse_reply_markup(p.raw("reply_markup"), inline_only=False)
        chat = self._chat(p)
        message = self.state.add_message(
            chat,
            from_bot=True,
            sender_id=self.state.bot.id,
            text=text,
            entities=entities,
            parse_mode=parse_mode,
            source_text=p.text("text"),
            reply_markup=markup,
            reply_to_message_id=self._reply_to(chat, p),
        )
        self._keep_keyboard(chat, markup)
        return self.state.message_api(message)

    async def send_document(self, p: Params) -> dict[str, Any]:
        if p.raw("chat_id") in (None, ""):
            raise ApiError.bad_request(Desc.CHAT_ID_EMPTY)
        caption, caption_entities, parse_mode = self._caption(p)
        markup = parse_reply_markup(p.raw("reply_markup"), inline_only=False)
        chat = self._chat(p)
        document = self._document(p)
        message = self.state.add_message(
            chat,
            from_bot=True,
            sender_id=self.state.bot.id,
            document=document,
            caption=caption,
            caption_entities=caption_entities,
            parse_mode=parse_mode,
            source_text=p.text("caption"),
            reply_markup=markup,
            reply_to_message_id=self._reply_to(chat, p),
        )
        self._keep_keyboard(chat, markup)
        return self.state.message_api(message)

    def _document(self, p: Params) -> StoredFile:
        upload = p.uploads.get("document")
        reference = p.text("document")
        if upload is None and reference and reference.startswith("attach://"):
            upload = p.uploads.get(reference[len("attach://") :])
        if upload is not None:
            if upload.size == 0:
                raise ApiError.bad_request(Desc.FILE_EMPTY)
            mime_type = upload.content_type
            if not mime_type or mime_type == "application/octet-stream":
                mime_type = mimetypes.guess_type(upload.file_name or "")[0] or mime_type
            return self.state.add_file(upload.data, upload.file_name or "document", mime_type)
        if not reference:
            raise ApiError.bad_request(Desc.NO_DOCUMENT)
        if reference in self.state.files:
            return self.state.files[reference]
        if reference.lower().startswith(("http://", "https://")):
            raise ApiError.bad_request(Desc.URL_CONTENT_FAILED)  # no network here
        raise ApiError.bad_request(Desc.WRONG_FILE_ID)

    async def edit_message_text(self, p: Params) -> dict[str, Any]:
        text, entities, parse_mode = self._message_text(p)
        markup = parse_reply_markup(p.raw("reply_markup"), inline_only=True)
        _, message = self._existing_message(p, Desc.MESSAGE_TO_EDIT_NOT_FOUND)
        if not message.from_bot:
            raise ApiError.bad_request(Desc.MESSAGE_CANT_BE_EDITED)
        if message.text is None:
            raise ApiError.bad_request(Desc.NO_TEXT_TO_EDIT)
        if (text, entities, markup) == (message.text, message.entities, message.inline_markup()):
            raise ApiError.bad_request(Desc.MESSAGE_NOT_MODIFIED)
        message.remember_version()
        message.text, message.entities, message.parse_mode = text, entities, parse_mode
        message.source_text, message.reply_markup = p.text("text"), markup
        message.edit_date = int(time.time())
        return self.state.message_api(message)

    async def edit_message_caption(self, p: Params) -> dict[str, Any]:
        caption, entities, parse_mode = self._caption(p)
        markup = parse_reply_markup(p.raw("reply_markup"), inline_only=True)
        _, message = self._existing_message(p, Desc.MESSAGE_TO_EDIT_NOT_FOUND)
        if not message.from_bot:
            raise ApiError.bad_request(Desc.MESSAGE_CANT_BE_EDITED)
        if message.document is None:
            raise ApiError.bad_request("Bad Request: there is no caption in the message to edit")
        if (caption, entities, markup) == (
            message.caption,
            message.caption_entities,
            message.inline_markup(),
        ):
            raise ApiError.bad_request(Desc.MESSAGE_NOT_MODIFIED)
        message.remember_version()
        message.caption, message.caption_entities = caption, entities
        message.parse_mode, message.source_text = parse_mode, p.text("caption")
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self.state.message_api(message)

    async def edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        markup = parse_reply_markup(p.raw("reply_markup"), inline_only=True)
        _, message = self._existing_message(p, Desc.MESSAGE_TO_EDIT_NOT_FOUND)
        if not message.from_bot:
            raise ApiError.bad_request(Desc.MESSAGE_CANT_BE_EDITED)
        if markup == message.inline_markup():
            raise ApiError.bad_request(Desc.MESSAGE_NOT_MODIFIED)
        message.remember_version()
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self.state.message_api(message)

    async def delete_message(self, p: Params) -> bool:
        _, message = self._existing_message(p, Desc.MESSAGE_TO_DELETE_NOT_FOUND)
        message.deleted = True
        return True

    async def delete_messages(self, p: Params) -> bool:
        chat = self._chat(p)
        ids = p.json("message_ids", error=Desc.field_type("message_ids", "Array"))
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError.bad_request(Desc.MESSAGE_ID_NOT_SPECIFIED)
        for message_id in ids:
            message = chat.messages.get(int(message_id))
            if message is not None:
                message.deleted = True
        return True

    # -- callback queries, actions, commands --------------------------------------------

    async def answer_callback_query(self, p: Params) -> bool:
        query = self.state.callback_queries.get(p.text("callback_query_id") or "")
        too_old = query is not None and (
            time.monotonic() - query.created > self.state.config.callback_query_timeout
        )
        if query is None or query.answered or too_old:
            raise ApiError.bad_request(Desc.QUERY_TOO_OLD)
        query.answered = True
        query.answer = {
            "text": p.text("text"),
            "show_alert": p.bool("show_alert"),
            "url": p.text("url"),
            "cache_time": p.int("cache_time"),
        }
        return True

    async def send_chat_action(self, p: Params) -> bool:
        if p.raw("chat_id") in (None, ""):
            raise ApiError.bad_request(Desc.CHAT_ID_EMPTY)
        action = p.text("action")
        if action not in CHAT_ACTIONS:
            raise ApiError.bad_request(Desc.WRONG_CHAT_ACTION)
        chat = self._chat(p)
        chat.actions.append({"action": action, "at": time.time()})
        return True

    def _commands_key(self, p: Params) -> str:
        scope = p.json("scope", error=Desc.SCOPE_INVALID) or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise ApiError.bad_request(Desc.SCOPE_INVALID)
        return json.dumps(
            {"scope": scope, "language_code": p.text("language_code") or ""},
            sort_keys=True,
            ensure_ascii=False,
        )

    async def set_my_commands(self, p: Params) -> bool:
        raw = p.json("commands", error=Desc.COMMANDS_NOT_ARRAY)
        if not isinstance(raw, list):
            raise ApiError.bad_request(Desc.COMMANDS_NOT_ARRAY)
        commands = [_checked_command(item) for item in raw]
        if len(commands) > 100:
            raise ApiError.bad_request(Desc.BOT_COMMANDS_TOO_MUCH)
        key = self._commands_key(p)
        if commands:
            self.state.commands[key] = commands
        else:
            self.state.commands.pop(key, None)
        return True

    async def get_my_commands(self, p: Params) -> list[dict[str, str]]:
        return self.state.commands.get(self._commands_key(p), [])

    async def delete_my_commands(self, p: Params) -> bool:
        self.state.commands.pop(self._commands_key(p), None)
        return True

    def _setting(self, name: str, max_length: int) -> Handler:
        async def handler(p: Params) -> bool:
            value = p.text(name) or ""
            if len(value) > max_length:
                raise ApiError.bad_request(f"Bad Request: {name.upper()}_INVALID")
            self.state.settings[f"{name}:{p.text('language_code') or ''}"] = value
            return True

        return handler

    def _getting(self, name: str) -> Handler:
        async def handler(p: Params) -> dict[str, str]:
            return {name: self.state.settings.get(f"{name}:{p.text('language_code') or ''}", "")}

        return handler

    async def set_chat_menu_button(self, p: Params) -> bool:
        button = p.json("menu_button", error=Desc.field_type("menu_button", "Object"))
        self.state.settings[f"menu_button:{p.text('chat_id') or ''}"] = button or {
            "type": "default"
        }
        return True

    async def get_chat_menu_button(self, p: Params) -> dict[str, Any]:
        return self.state.settings.get(
            f"menu_button:{p.text('chat_id') or ''}", {"type": "commands"}
        )

    # -- files --------------------------------------------------------------------------

    async def get_file(self, p: Params) -> dict[str, Any]:
        stored = self.state.files.get(p.text("file_id") or "")
        if stored is None:
            raise ApiError.bad_request(Desc.INVALID_FILE_ID)
        if len(stored.content) > self.state.config.download_limit:
            raise ApiError.bad_request(Desc.FILE_TOO_BIG)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": self.state.file_path_for(stored),
        }


def _checked_command(item: Any) -> dict[str, str]:
    """One BotCommand, checked as tdlib and Telegram's servers check it."""
    if not isinstance(item, dict):
        raise ApiError.bad_request(Desc.COMMAND_NOT_OBJECT)
    command = str(item.get("command") or "").strip().removeprefix("/")
    description = str(item.get("description") or "").strip()
    if not command:
        raise ApiError.bad_request(Desc.COMMAND_EMPTY)
    if len(command) > 32:
        raise ApiError.bad_request(Desc.COMMAND_TOO_LONG)
    if not description:
        raise ApiError.bad_request(Desc.COMMAND_DESCRIPTION_EMPTY)
    if len(description) > 256:
        raise ApiError.bad_request(Desc.COMMAND_DESCRIPTION_TOO_LONG)
    if not all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in command):
        raise ApiError.bad_request(Desc.BOT_COMMAND_INVALID)
    return {"command": command, "description": description}
