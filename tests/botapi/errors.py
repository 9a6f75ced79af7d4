"""Telegram's error shape and the exact descriptions the real Bot API returns.

Descriptions come from the Bot API server and tdlib sources and from errors observed
against api.telegram.org, so tests can match on them as a bot would in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class ApiError(Exception):
    """A Bot API failure: becomes `{"ok": false, "error_code", "description"}`."""

    error_code: int
    description: str
    retry_after: int | None = None

    def __str__(self) -> str:
        return f"{self.error_code} {self.description}"

    @classmethod
    def bad_request(cls, description: str) -> ApiError:
        """A 400 error; `description` already carries the "Bad Request: " prefix."""
        return cls(400, description)

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's flood-control answer."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


class Desc:
    """Telegram's error descriptions, in one place."""

    UNAUTHORIZED = "Unauthorized"
    NOT_FOUND = "Not Found"
    ENTITY_TOO_LARGE = "Request Entity Too Large"

    REQUEST_NOT_JSON = "Bad Request: can't parse JSON encoded request"
    CHAT_ID_EMPTY = "Bad Request: chat_id is empty"
    CHAT_NOT_FOUND = "Bad Request: chat not found"
    BOT_BLOCKED = "Forbidden: bot was blocked by the user"
    CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"

    MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"
    TEXT_MUST_BE_NON_EMPTY = "Bad Request: text must be non-empty"
    MESSAGE_TOO_LONG = "Bad Request: message is too long"
    CAPTION_TOO_LONG = "Bad Request: message caption is too long"
    UNSUPPORTED_PARSE_MODE = "Bad Request: unsupported parse_mode"
    #: Not Telegram's: the test server emulates HTML only (the one parse mode the bot sends).
    PARSE_MODE_NOT_EMULATED = (
        "Bad Request: test server: only parse_mode HTML is emulated (the bot sends no Markdown)"
    )

    ENTITIES_NOT_ARRAY = 'Bad Request: field "entities" must be of type Array'
    ENTITY_NOT_OBJECT = "Bad Request: can't parse MessageEntity: expected an Object"
    ENTITY_TYPE_UNSUPPORTED = "Bad Request: can't parse MessageEntity: Unsupported type specified"
    ENTITY_FIELDS = 'Bad Request: can\'t parse MessageEntity: Field "offset" must be a valid Number'
    ENTITY_NO_URL = "Bad Request: can't parse MessageEntity: Can't find field \"url\""
    ENTITY_NO_USER = "Bad Request: can't parse MessageEntity: Can't find field \"user\""
    ENTITY_NO_CUSTOM_EMOJI = (
        "Bad Request: can't parse MessageEntity: Can't find field \"custom_emoji_id\""
    )

    REPLY_MARKUP_NOT_JSON = "Bad Request: can't parse reply keyboard markup JSON object"
    REPLY_MARKUP_NOT_OBJECT = "Bad Request: object expected as reply markup"
    REPLY_MARKUP_TOO_LONG = "Bad Request: reply markup is too long"
    INLINE_KEYBOARD_EXPECTED = "Bad Request: inline keyboard expected"
    BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
    BUTTON_URL_INVALID = "Bad Request: BUTTON_URL_INVALID"
    TEXT_BUTTONS_UNALLOWED = (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )
    INLINE_BUTTON_NO_TEXT = (
        "Bad Request: can't parse inline keyboard button: Can't find field \"text\""
    )
    INLINE_BUTTON_TEXT_TYPE = (
        'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String'
    )
    INLINE_BUTTON_NOT_OBJECT = (
        "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object"
    )
    KEYBOARD_BUTTON_NOT_OBJECT = (
        "Bad Request: can't parse keyboard button: KeyboardButton must be a String or an Object"
    )
    KEYBOARD_BUTTON_NO_TEXT = "Bad Request: can't parse keyboard button: Can't find field \"text\""

    MESSAGE_ID_NOT_SPECIFIED = "Bad Request: message identifier is not specified"
    MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
    MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
    MESSAGE_TO_REPLY_NOT_FOUND = "Bad Request: message to be replied not found"
    MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"
    NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
    MESSAGE_NOT_MODIFIED = (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )

    QUERY_TOO_OLD = (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    WRONG_CHAT_ACTION = "Bad Request: wrong parameter action in request"

    COMMANDS_NOT_ARRAY = 'Bad Request: field "commands" must be of type Array'
    COMMAND_NOT_OBJECT = "Bad Request: can't parse BotCommand: expected an Object"
    COMMAND_EMPTY = "Bad Request: command must be non-empty"
    COMMAND_TOO_LONG = "Bad Request: command length must not exceed 32"
    COMMAND_DESCRIPTION_EMPTY = "Bad Request: command description must be non-empty"
    COMMAND_DESCRIPTION_TOO_LONG = "Bad Request: command description length must not exceed 256"
    BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
    BOT_COMMANDS_TOO_MUCH = "Bad Request: BOT_COMMANDS_TOO_MUCH"
    SCOPE_INVALID = "Bad Request: can't parse BotCommandScope: Unsupported type specified"

    WEBHOOK_ACTIVE = (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    TERMINATED_BY_OTHER_GET_UPDATES = (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )
    WEBHOOK_NEEDS_HTTPS = "Bad Request: bad webhook: HTTPS url must be provided for webhook"
    WEBHOOK_BAD_PORT = (
        "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
    )
    WEBHOOK_SECRET_INVALID = "Bad Request: secret token contains unallowed characters"

    NO_DOCUMENT = "Bad Request: there is no document in the request"
    FILE_EMPTY = "Bad Request: file must be non-empty"
    WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
    URL_CONTENT_FAILED = "Bad Request: failed to get HTTP URL content"
    INVALID_FILE_ID = "Bad Request: invalid file_id"
    FILE_TOO_BIG = "Bad Request: file is too big"

    @staticmethod
    def cant_parse_entities(reason: str) -> str:
        return f"Bad Request: can't parse entities: {reason}"

    @staticmethod
    def entity_incorrect_offset(offset: int) -> str:
        return f"Bad Request: receive an entity with incorrect offset {offset}"

    @staticmethod
    def entity_begins_after_end(offset: int) -> str:
        return f"Bad Request: entity begins after the end of the text at UTF-16 offset {offset}"

    @staticmethod
    def entity_ends_after_end(offset: int, end: int) -> str:
        return (
            f"Bad Request: entity beginning at UTF-16 offset {offset} ends after the end "
            f"of the text at UTF-16 offset {end}"
        )

    @staticmethod
    def entity_url_invalid(url: str) -> str:
        reason = "URL host is empty" if not url else "Wrong HTTP URL"
        return f"Bad Request: entity URL '{url}' is invalid: {reason}"

    @staticmethod
    def inline_button_url_invalid(url: str) -> str:
        return f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"

    @staticmethod
    def field_type(name: str, kind: str) -> str:
        return f'Bad Request: field "{name}" must be of type {kind}'
