"""Message shaping: the dialog's ``OutMessage`` made into what Telegram accepts.

Pure functions: plain messages folded into the next one, long HTML split at line breaks,
captions cut to Telegram's limit, buttons made into an inline keyboard.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.model import OutMessage

MAX_TEXT_CHARS = 4096
MAX_CAPTION_CHARS = 1024


def markup(message: OutMessage) -> InlineKeyboardMarkup | None:
    """The message's buttons as an inline keyboard (None without buttons)."""
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in message.buttons
        ]
    )


def caption(text: str) -> str:
    """A document's caption within Telegram's limit."""
    return text if len(text) <= MAX_CAPTION_CHARS else _plain_cut(text, MAX_CAPTION_CHARS)


def join_plain(messages: list[OutMessage], limit: int = 3500) -> list[OutMessage]:
    """Fold a message without buttons or file into the one after it ("已记录…" into the next
    question): one Bot API call instead of two, which is what rate limits count."""
    joined: list[OutMessage] = []
    for message in messages:
        before = joined[-1] if joined else None
        if (
            before is not None
            and not before.buttons
            and before.document is None
            and message.document is None
            and before.to == message.to
            and len(before.text) + len(message.text) + 2 <= limit
        ):
            joined[-1] = message.model_copy(update={"text": f"{before.text}\n\n{message.text}"})
        else:
            joined.append(message)
    return joined


def split_html(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Split a long message at line breaks into pieces Telegram accepts.

    Pieces never cut through a ``<pre>`` block (the renderer keeps those short).
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    inside_pre = False
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current and not inside_pre:
            pieces.append(current)
            candidate = line
        current = candidate[: limit * 4]
        inside_pre = (inside_pre or "<pre>" in line) and "</pre>" not in line
    pieces.append(current)
    return [p if len(p) <= limit else _plain_cut(p, limit) for p in pieces]


def _plain_cut(text: str, limit: int) -> str:
    """A single line too long to send: without markup, cut on characters, escaped again."""
    plain = html.unescape(re.sub(r"</?[a-z]+[^>]*>", "", text))
    out: list[str] = []
    used = 1  # the ellipsis
    for char in plain:
        escaped = html.escape(char)
        if used + len(escaped) > limit:
            break
        out.append(escaped)
        used += len(escaped)
    return "".join(out) + "…"
