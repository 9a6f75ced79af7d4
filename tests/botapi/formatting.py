"""Telegram's text formatting rules: parse_mode parsing, entity checks, lengths.

The HTML parser follows tdlib's `parse_html` (td/telegram/MessageEntity.cpp), which is what
the Bot API server runs, so the same input fails here with the same message ("Unsupported
start tag ... at byte offset N"). The bot sends HTML only; the Markdown modes are refused.
They walk the UTF-8 bytes because Telegram reports byte offsets in its errors, and
count entity offsets in UTF-16 code units as the Bot API does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.botapi.errors import ApiError, Desc

Entity = dict[str, Any]

MESSAGE_MAX_LENGTH = 4096
CAPTION_MAX_LENGTH = 1024


class ParseError(Exception):
    """tdlib's parse error; the Bot API prefixes it with "can't parse entities: "."""


def utf16_length(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def _is_space(c: int) -> bool:
    # td::is_space also treats NUL as space, which ends scans at the end of the text.
    return c in (0x20, 0x09, 0x0D, 0x0A, 0x00, 0x0B, 0x0C)


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _is_hex(c: int) -> bool:
    return _is_digit(c) or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def _utf16_units_of_lead_byte(c: int) -> int:
    """UTF-16 units contributed by a UTF-8 byte: 0 for continuation bytes."""
    if (c & 0xC0) == 0x80:
        return 0
    return 2 if c >= 0xF0 else 1


class _Bytes:
    """UTF-8 bytes with C-string reads: past the end reads as NUL, as in tdlib."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8", "surrogatepass")
        self.size = len(self.data)

    def at(self, i: int) -> int:
        return self.data[i] if 0 <= i < self.size else 0


_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]\S*)?$", re.UNICODE)
_HTTP_URL = re.compile(r"^(https?)://([^/?#\s]+)([^\s]*)$", re.IGNORECASE)


def checked_link(url: str) -> str:
    """A usable link for a text_link entity or URL button, or "" (tdlib's get_checked_link).

    Like Telegram, a bare domain gets "http://" and an empty path becomes "/".
    """
    lowered = url.lower()
    if lowered.startswith(("tg://", "ton://")):
        return url if len(url.split("://", 1)[1]) > 0 else ""
    if "://" not in url:
        if not _DOMAIN.match(url):
            return ""
        url = "http://" + url
    match = _HTTP_URL.match(url)
    if not match:
        return ""
    scheme, host, rest = match.groups()
    if not rest.startswith("/"):
        rest = "/" + rest
    return f"{scheme.lower()}://{host}{rest}"


def _decode_html_entity(b: _Bytes, pos: int) -> tuple[int, int]:
    """(code point, position after the entity) or (0, pos) when it is no entity."""
    end = pos + 1
    code = 0
    if b.at(pos + 1) == ord("#"):
        end += 1
        if b.at(pos + 2) == ord("x"):
            end += 1
            while _is_hex(b.at(end)):
                code = code * 16 + int(chr(b.at(end)), 16)
                end += 1
        else:
            while _is_digit(b.at(end)):
                code = code * 10 + b.at(end) - 0x30
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(b.at(end)):
            end += 1
        name = b.data[pos + 1 : end]
        code = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(name, 0)
        if code == 0:
            return 0, pos
    if b.at(end) == ord(";"):
        end += 1
    return code, end


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_pos: int


# tdlib orders entities by offset, then longer first, then by type priority.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}


def _sort_entities(entities: list[Entity]) -> list[Entity]:
    def key(entity: Entity) -> tuple[int, int, int]:
        priority = _PRIORITY.get(entity["type"], 50)
        if entity["type"] == "pre" and entity.get("language"):
            priority = 10
        return entity["offset"], -entity["length"], priority

    return sorted(entities, key=key)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into (text, entities); raise ParseError as Telegram would."""
    b = _Bytes(source)
    out = bytearray()
    entities: list[Entity] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    i = 0
    while i < b.size:
        c = b.data[i]
        if c == ord("&"):
            code, end = _decode_html_entity(b, i)
            if code:
                i = end
                utf16 += 2 if code > 0xFFFF else 1
                out += chr(code).encode("utf-8", "surrogatepass")
                continue
        if c != ord("<"):
            utf16 += _utf16_units_of_lead_byte(c)
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if b.at(i) != ord("/"):
            while not _is_space(b.at(i)) and b.at(i) != ord(">"):
                i += 1
            if b.at(i) == 0:
                raise ParseError(f"Unclosed start tag at byte offset {begin}")
            tag = b.data[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _HTML_TAGS:
                raise ParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while b.at(i) != ord(">"):
                while b.at(i) != 0 and _is_space(b.at(i)):
                    i += 1
                if b.at(i) == ord(">"):
                    break
                attr_begin = i
                while not _is_space(b.at(i)) and b.at(i) not in (ord("="), ord(">")):
                    i += 1
                attr = b.data[attr_begin:i].decode("utf-8", "replace")
                if not attr:
                    raise ParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while b.at(i) != 0 and _is_space(b.at(i)):
                    i += 1
                if b.at(i) != ord("="):
                    if tag == "blockquote" and attr == "expandable":
                        argument = "expandable"
                        continue
                    raise ParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while b.at(i) != 0 and _is_space(b.at(i)):
                    i += 1
                if b.at(i) == 0:
                    raise ParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if b.at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while (
                        _is_alpha(b.at(i)) or _is_digit(b.at(i)) or b.at(i) in (ord("."), ord("-"))
                    ):
                        i += 1
                    value = b.data[token_begin:i].decode("utf-8", "replace").lower()
                    if not _is_space(b.at(i)) and b.at(i) != ord(">"):
                        raise ParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = b.at(i)
                    i += 1
                    raw = bytearray()
                    while b.at(i) != quote and b.at(i) != 0:
                        if b.at(i) == ord("&"):
                            code, end = _decode_html_entity(b, i)
                            if code:
                                raw += chr(code).encode("utf-8", "surrogatepass")
                                i = end
                                continue
                        raw.append(b.at(i))
                        i += 1
                    if b.at(i) == quote:
                        i += 1
                    value = raw.decode("utf-8", "replace")
                if b.at(i) == 0:
                    raise ParseError(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attr == "href":
                    argument = value
                elif tag == "code" and attr == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            stack.append(_OpenTag(tag, argument, utf16, len(out)))
            i += 1
            continue

        # an end tag
        if not stack:
            raise ParseError(f"Unexpected end tag at byte offset {begin}")
        while not _is_space(b.at(i)) and b.at(i) != ord(">"):
            i += 1
        end_tag = b.data[begin + 2 : i].decode("utf-8", "replace").lower()
        while _is_space(b.at(i)) and b.at(i) != 0:
            i += 1
        if b.at(i) != ord(">"):
            raise ParseError(f"Unclosed end tag at byte offset {begin}")
        top = stack[-1]
        if end_tag and end_tag != top.name:
            raise ParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                f'found "</{end_tag}>"'
            )
        if utf16 > top.utf16_offset:
            _close_html_entity(top, utf16, out, entities)
        stack.pop()
        i += 1

    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    try:
        text = bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from None
    return text, _sort_entities(entities)


def _close_html_entity(top: _OpenTag, utf16: int, out: bytearray, entities: list[Entity]) -> None:
    offset, length = top.utf16_offset, utf16 - top.utf16_offset
    tag = top.name
    if tag in _HTML_SIMPLE or (tag == "span" and top.argument == "spoiler"):
        entities.append(
            {"type": _HTML_SIMPLE.get(tag, "spoiler"), "offset": offset, "length": length}
        )
    elif tag == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0 or int(top.argument) >= 2**63:
            raise ParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": top.argument,
            }
        )
    elif tag == "a":
        url = top.argument or bytes(out[top.out_pos :]).decode("utf-8", "replace")
        url = checked_link(url)
        if url:
            entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("language")
        ):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last
            and last["type"] == "pre"
            and last["offset"] == offset
            and last["length"] == length
            and top.argument
        ):
            last["language"] = top.argument
        else:
            entity: Entity = {"type": "code", "offset": offset, "length": length}
            if top.argument:
                entity["language"] = top.argument
            entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if top.argument == "expandable" else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


#: The parse modes emulated: the bot sends HTML only. Telegram's MarkdownV2 and legacy
#: Markdown are refused (``Desc.PARSE_MODE_NOT_EMULATED``), so a bot that starts sending them
#: fails its tests instead of passing against a parser nobody checks.
_PARSERS = {"html": parse_html}
_NOT_EMULATED = frozenset({"markdownv2", "markdown"})

ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)


def check_entities(text: str, raw: Any) -> list[Entity]:
    """Validate an explicit `entities` list against `text` as the Bot API does."""
    if not isinstance(raw, list):
        raise ApiError.bad_request(Desc.ENTITIES_NOT_ARRAY)
    size = utf16_length(text)
    entities: list[Entity] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ApiError.bad_request(Desc.ENTITY_NOT_OBJECT)
        kind = item.get("type")
        if kind not in ENTITY_TYPES:
            raise ApiError.bad_request(Desc.ENTITY_TYPE_UNSUPPORTED)
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise ApiError.bad_request(Desc.ENTITY_FIELDS)
        if offset < 0:
            raise ApiError.bad_request(Desc.entity_incorrect_offset(offset))
        if offset > size:
            raise ApiError.bad_request(Desc.entity_begins_after_end(offset))
        if offset + length > size:
            raise ApiError.bad_request(Desc.entity_ends_after_end(offset, offset + length))
        entity: Entity = {"type": kind, "offset": offset, "length": length}
        if kind == "text_link":
            if "url" not in item:
                raise ApiError.bad_request(Desc.ENTITY_NO_URL)
            url = str(item["url"])
            checked = checked_link(url)
            if not checked:
                raise ApiError.bad_request(Desc.entity_url_invalid(url))
            entity["url"] = checked
        elif kind == "pre" and item.get("language"):
            entity["language"] = str(item["language"])
        elif kind == "custom_emoji":
            if "custom_emoji_id" not in item:
                raise ApiError.bad_request(Desc.ENTITY_NO_CUSTOM_EMOJI)
            entity["custom_emoji_id"] = str(item["custom_emoji_id"])
        elif kind == "text_mention":
            if "user" not in item:
                raise ApiError.bad_request(Desc.ENTITY_NO_USER)
            entity["user"] = item["user"]
        if length > 0:
            entities.append(entity)
    return _sort_entities(entities)


_TRIM = (
    " \t\n\r\x0b\x0c\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u3000"
)


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does, keeping entities on their characters."""
    stripped_left = text.lstrip(_TRIM)
    cut = utf16_length(text) - utf16_length(stripped_left)
    result = stripped_left.rstrip(_TRIM)
    size = utf16_length(result)
    trimmed: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - cut, 0)
        end = min(entity["offset"] + entity["length"] - cut, size)
        if end > start:
            trimmed.append({**entity, "offset": start, "length": end - start})
    return result, trimmed


def format_text(
    text: str, parse_mode: str | None, entities: Any, *, max_length: int
) -> tuple[str, list[Entity]]:
    """Turn a text parameter into what Telegram stores, or raise its error.

    Explicit `entities` win over `parse_mode`, as in the Bot API. The caller checks
    emptiness rules, which differ for message texts and captions.
    """
    if entities not in (None, [], ""):
        result = (text, check_entities(text, entities))
    elif parse_mode:
        parser = _PARSERS.get(parse_mode.lower())
        if parse_mode.lower() in _NOT_EMULATED:
            raise ApiError.bad_request(Desc.PARSE_MODE_NOT_EMULATED)
        if parser is None:
            raise ApiError.bad_request(Desc.UNSUPPORTED_PARSE_MODE)
        try:
            result = parser(text)
        except ParseError as exc:
            raise ApiError.bad_request(Desc.cant_parse_entities(str(exc))) from None
    else:
        result = (text, [])
    result = _trim(*result)
    if utf16_length(result[0]) > max_length:
        raise ApiError.bad_request(
            Desc.MESSAGE_TOO_LONG if max_length == MESSAGE_MAX_LENGTH else Desc.CAPTION_TOO_LONG
        )
    return result


_BOT_COMMAND = re.compile(r"(?<![\w/<>])/([A-Za-z0-9_]{1,64})(@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")


def find_bot_commands(text: str) -> list[Entity]:
    """bot_command entities Telegram attaches to a user's text (tdlib's match_bot_commands)."""
    entities = []
    for match in _BOT_COMMAND.finditer(text):
        offset = utf16_length(text[: match.start()])
        entities.append(
            {"type": "bot_command", "offset": offset, "length": utf16_length(match.group(0))}
        )
    return entities
