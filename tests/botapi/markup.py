"""Validation of `reply_markup` as the Bot API does it.

`parse_reply_markup` returns the markup normalised to what Telegram would echo back
(one action per inline button, empty rows dropped), so an identical edit compares
equal and a callback press can be checked against the buttons really on a message.
"""

from __future__ import annotations

import json
from typing import Any

from tests.botapi.errors import ApiError, Desc
from tests.botapi.formatting import checked_link

MAX_INLINE_BUTTONS = 100
CALLBACK_DATA_MAX_BYTES = 64

# In the order the Bot API looks for them; the first one present decides the kind.
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_KEYBOARD_BUTTON_FIELDS = (
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
    "request_users",
    "request_chat",
)
_REPLY_KEYBOARD_FLAGS = ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective")


def _load(raw: Any) -> Any:
    if isinstance(raw, (str, bytes)):
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError.bad_request(Desc.REPLY_MARKUP_NOT_JSON) from None
    return raw


def _check_flag(markup: dict[str, Any], name: str, into: dict[str, Any]) -> None:
    if name in markup:
        value = markup[name]
        if not isinstance(value, bool):
            raise ApiError.bad_request(Desc.field_type(name, "Boolean"))
        if value:
            into[name] = True


def parse_reply_markup(raw: Any, *, inline_only: bool) -> dict[str, Any] | None:
    """Validate a reply_markup parameter; None when there is (effectively) no markup."""
    if raw is None or raw == "":
        return None
    markup = _load(raw)
    if not isinstance(markup, dict):
        raise ApiError.bad_request(Desc.REPLY_MARKUP_NOT_OBJECT)
    if "inline_keyboard" in markup:
        return _inline_keyboard(markup["inline_keyboard"])
    if inline_only:
        raise ApiError.bad_request(Desc.INLINE_KEYBOARD_EXPECTED)
    if "keyboard" in markup:
        return _reply_keyboard(markup)
    if "remove_keyboard" in markup or "hide_keyboard" in markup:
        result: dict[str, Any] = {"remove_keyboard": True}
        for name in ("remove_keyboard", "selective"):
            _check_flag(markup, name, result)
        result["remove_keyboard"] = True
        return result
    if "force_reply" in markup:
        result = {"force_reply": True}
        _check_flag(markup, "force_reply", result)
        _check_flag(markup, "selective", result)
        result["force_reply"] = True
        if markup.get("input_field_placeholder"):
            result["input_field_placeholder"] = str(markup["input_field_placeholder"])
        return result
    raise ApiError.bad_request(Desc.REPLY_MARKUP_NOT_JSON)


def _inline_keyboard(rows: Any) -> dict[str, Any] | None:
    if not isinstance(rows, list):
        raise ApiError.bad_request(Desc.field_type("inline_keyboard", "Array"))
    keyboard: list[list[dict[str, Any]]] = []
    total = 0
    for row in rows:
        if not isinstance(row, list):
            raise ApiError.bad_request(Desc.field_type("inline_keyboard", "Array of Arrays"))
        buttons = [button for button in map(_inline_button, row) if button is not None]
        total += len(buttons)
        if buttons:
            keyboard.append(buttons)
    if total > MAX_INLINE_BUTTONS:
        raise ApiError.bad_request(Desc.REPLY_MARKUP_TOO_LONG)
    return {"inline_keyboard": keyboard} if keyboard else None


def _inline_button(button: Any) -> dict[str, Any] | None:
    if not isinstance(button, dict):
        raise ApiError.bad_request(Desc.INLINE_BUTTON_NOT_OBJECT)
    if "text" not in button:
        raise ApiError.bad_request(Desc.INLINE_BUTTON_NO_TEXT)
    if not isinstance(button["text"], str):
        raise ApiError.bad_request(Desc.INLINE_BUTTON_TEXT_TYPE)
    for action in _INLINE_ACTIONS:
        value = button.get(action)
        if value is None or value == "":
            continue  # the Bot API treats an empty string as an absent field
        if action == "callback_data":
            if len(str(value).encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
                raise ApiError.bad_request(Desc.BUTTON_DATA_INVALID)
            value = str(value)
        elif action == "url" and not checked_link(str(value)):
            raise ApiError.bad_request(Desc.inline_button_url_invalid(str(value)))
        if not button["text"]:
            return None  # tdlib silently drops buttons without a label
        return {"text": button["text"], action: value}
    raise ApiError.bad_request(Desc.TEXT_BUTTONS_UNALLOWED)


def _reply_keyboard(markup: dict[str, Any]) -> dict[str, Any] | None:
    rows = markup["keyboard"]
    if not isinstance(rows, list):
        raise ApiError.bad_request(Desc.field_type("keyboard", "Array"))
    keyboard: list[list[dict[str, Any]]] = []
    for row in rows:
        if not isinstance(row, list):
            raise ApiError.bad_request(Desc.field_type("keyboard", "Array of Arrays"))
        buttons = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict):
                raise ApiError.bad_request(Desc.KEYBOARD_BUTTON_NOT_OBJECT)
            if not isinstance(button.get("text"), str):
                raise ApiError.bad_request(Desc.KEYBOARD_BUTTON_NO_TEXT)
            if not button["text"]:
                continue
            kept = {"text": button["text"]}
            kept.update({k: button[k] for k in _KEYBOARD_BUTTON_FIELDS if button.get(k)})
            buttons.append(kept)
        if buttons:
            keyboard.append(buttons)
    if not keyboard:
        return None
    result: dict[str, Any] = {"keyboard": keyboard}
    for name in _REPLY_KEYBOARD_FLAGS:
        _check_flag(markup, name, result)
    if markup.get("input_field_placeholder"):
        result["input_field_placeholder"] = str(markup["input_field_placeholder"])
    return result


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """All buttons of an inline keyboard markup, row by row."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]


def reply_keyboard_texts(markup: dict[str, Any] | None) -> list[str]:
    """Labels of a reply keyboard markup, row by row."""
    if not markup or "keyboard" not in markup:
        return []
    return [button["text"] for row in markup["keyboard"] for button in row]
