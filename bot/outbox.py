"""Sending: every Bot API call the conversation makes, behind one small interface.

``Outbox`` is what handlers and reminders send through; ``TelegramOutbox`` is it on a
python-telegram-bot ``Bot`` (shaping from ``bot.shaping``: HTML, split pieces, captions,
inline keyboards). ``deliver`` sends a dialog's answer: plain messages folded into the next,
messages for other people (a supervisor's nudge) sent to them, and those who could not be
reached named to the sender.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden

from bot.reminders import unreachable
from bot.shaping import caption, join_plain, markup, split_html
from dialogs import texts
from dialogs.model import OutMessage
from storage import Store

log = logging.getLogger(__name__)


class Outbox(Protocol):
    """The Bot API calls of the conversation."""

    async def send(self, chat_id: int, message: OutMessage) -> None:
        """One dialog message: its text (in pieces if long) or its file, with its buttons."""

    async def send_plain(self, chat_id: int, text: str) -> None:
        """A text without markup (a failure notice)."""

    async def answer_press(self, query_id: str) -> None:
        """Answer a button press (stops the spinner on the phone)."""

    async def show_action(self, chat_id: int, action: ChatAction) -> None:
        """A "typing…" or "sending a file…" status in the chat."""

    async def set_menu(
        self, commands: Sequence[tuple[str, str]], chat_id: int | None = None
    ) -> None:
        """The command menu: the bot's default, or one chat's."""


class TelegramOutbox:
    """``Outbox`` on a python-telegram-bot ``Bot`` (its rate limiter applies)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: OutMessage) -> None:
        """One dialog message: its text (in pieces if long) or its file, with its buttons."""
        keyboard = markup(message)
        if message.document is not None:
            await self.bot.send_document(
                chat_id,
                document=message.document.data,
                filename=message.document.filename,
                caption=caption(message.text),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            return
        chunks = split_html(message.text)
        for number, chunk in enumerate(chunks, start=1):
            await self.bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard if number == len(chunks) else None,
            )

    async def send_plain(self, chat_id: int, text: str) -> None:
        """A text without markup (a failure notice)."""
        await self.bot.send_message(chat_id, text)

    async def answer_press(self, query_id: str) -> None:
        """Answer a button press (stops the spinner on the phone)."""
        await self.bot.answer_callback_query(query_id)

    async def show_action(self, chat_id: int, action: ChatAction) -> None:
        """A "typing…" or "sending a file…" status in the chat."""
        await self.bot.send_chat_action(chat_id, action)

    async def set_menu(
        self, commands: Sequence[tuple[str, str]], chat_id: int | None = None
    ) -> None:
        """The command menu: the bot's default, or one chat's."""
        await self.bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            scope=BotCommandScopeChat(chat_id) if chat_id is not None else None,
        )


async def deliver(
    outbox: Outbox,
    store: Store,
    chat_id: int,
    messages: list[OutMessage],
    outbox_for: Callable[[int], Outbox] | None = None,
) -> None:
    """Send a dialog's answer to ``chat_id``; a message for somebody else goes to them (through
    ``outbox_for(person)`` when given: with several bots, the one serving them), and those who
    could not be reached are named to the sender afterwards."""
    delivered, undelivered = 0, []
    for out in join_plain(messages):
        if out.to is not None and out.to != chat_id:
            other = outbox_for(out.to) if outbox_for is not None else outbox
            if await _send_to_other(other, store, out):
                delivered += 1
            else:
                undelivered.append(out.to)
            continue
        await outbox.send(chat_id, out)
    if undelivered:
        await deliver(outbox, store, chat_id, [_undelivered(store, delivered, undelivered)])


def _undelivered(store: Store, delivered: int, people: list[int]) -> OutMessage:
    """Tells the sender (a supervisor) who could not be reached after all."""
    names = [(p.display_name if (p := store.person(i)) else str(i)) for i in people]
    return OutMessage(
        text=texts.NUDGE_UNDELIVERED.format(
            count=len(people), reached=delivered, names=html.escape("、".join(names))
        )
    )


async def _send_to_other(outbox: Outbox, store: Store, out: OutMessage) -> bool:
    """A message for somebody else (a supervisor's reminder): a refusal does not stop the rest."""
    assert out.to is not None
    try:
        await deliver(outbox, store, out.to, [out.model_copy(update={"to": None})])
    except (Forbidden, BadRequest) as error:
        log.info("message to %s not delivered: %s", out.to, error.message)
        if unreachable(error):
            store.mark_unreachable(out.to, error.message)
        return False
    return True
