"""The Telegram adapter: python-telegram-bot in, ``dialogs`` out. Nothing else lives here.

Every update becomes one dialog event for one person; the engine commits the answer and the
new state before it returns the messages, which are then sent: one Bot API call per answer.
The buttons of an answered question are left on the phone; a press on one is refused by its
question number.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
    User,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.polling import ANSWERED_QUERIES
from bot.reminders import schedule_reminders, unreachable
from bot.sending import PriorityRateLimiter
from bot.settings import Settings
from bot.turns import TakingTurns
from bot.uploads import MAX_UPLOAD_BYTES, DownloadFailed, ReadAhead, download_capped
from bot.wiring import make_engine, read_ledger_upload, read_report_docx
from dialogs import onboarding, texts
from dialogs.model import (
    ButtonPress,
    Command,
    Event,
    FileInput,
    OutMessage,
    TextInput,
    builds_document,
)
from exports.sandbox import warm_up
from report.cleaning import clean_text
from storage import DatabaseFault, Store

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4096
MAX_CAPTION_CHARS = 1024
DIALOG_COMMANDS = (
    "fill",
    "switch",
    "review",
    "export",
    "cancel",
    "help",
    "last",
    "ledger",
    "deadline",
    "progress",
    "summary",
)


class NianbaoBot:
    """Holds the store and the engine, and turns updates into dialog events."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        # Uploads (reports and ledgers) are read off the event loop.
        self.uploads = ReadAhead(read_report_docx, read_ledger_upload)
        self.turns = TakingTurns()  # one clerk's processing at a time between loop passes
        self.engine = make_engine(
            store,
            today=lambda: datetime.now(settings.zone).date(),
            zone=settings.zone,
            read_docx=self.uploads,
            read_ledger=self.uploads.ledger,
        )
        self.bot_username = settings.bot_username or "nianbao_bot"

    # --- handlers ---------------------------------------------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, and /start <invite> from a deep link."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        code = context.args[0] if context.args else ""
        if code:
            messages = self.engine.once(
                update.update_id,
                lambda: onboarding.join(
                    self.store, user.id, user.full_name, code, self.engine.today()
                ),
            )
            await self.send(context, chat.id, messages)
            await self._set_menu(context, chat.id, user.id)
            return
        if not self._may_use(user.id):
            await self.send(context, chat.id, [OutMessage(text=texts.STRANGER)])
            return
        await self.dispatch(update, context, Command(name="help"), welcome=True)

    async def on_new_organisation(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/neworg <全称>: an administrator creates an organisation and gets an invite link."""
        username = await self._username(context)
        await self._once(
            update,
            context,
            lambda user: onboarding.create_organisation(
                self.store,
                user.id,
                user.full_name,
                " ".join(context.args or ()),
                is_admin=user.id in self.settings.admin_ids,
                bot_username=username,
            ),
        )

    async def on_invite(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/invite <单位>: a fresh invite link (administrators and the organisation's admins)."""
        username = await self._username(context)
        await self._once(
            update,
            context,
            lambda user: onboarding.invite(
                self.store,
                user.id,
                " ".join(context.args or ()),
                is_admin=user.id in self.settings.admin_ids,
                bot_username=username,
            ),
        )

    async def _once(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        action: Callable[[User], list[OutMessage]],
    ) -> None:
        """Run an onboarding action once per update (a redelivered update is ignored), then reply.

        Nothing is awaited inside the transaction: the store's one connection is shared by all
        handlers of the event loop.
        """
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        messages = self.engine.once(update.update_id, lambda: action(user))
        await self.send(context, chat.id, messages)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        name = message.text.split()[0].lstrip("/").split("@")[0].lower()
        args = clean_text(" ".join(context.args or ()))
        await self.dispatch(update, context, Command(name=name, args=args))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        await self.dispatch(
            update,
            context,
            TextInput(text=clean_text(message.text), message_id=message.message_id),
        )

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.document is None or update.effective_chat is None:
            return
        if update.effective_user is None or not self._may_use(update.effective_user.id):
            await self.send(context, update.effective_chat.id, [OutMessage(text=texts.STRANGER)])
            return
        document = message.document
        if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
            await self.send(
                context, update.effective_chat.id, [OutMessage(text=texts.FILE_TOO_BIG)]
            )
            return
        try:
            await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        except TelegramError as error:  # only a courtesy: the upload is read all the same
            log.info("chat action not sent: %s", type(error).__name__)
        try:
            data = await download_capped(await document.get_file(), MAX_UPLOAD_BYTES)
        except (DownloadFailed, NetworkError) as failure:  # getFile timed out, too
            why = failure if isinstance(failure, DownloadFailed) else type(failure).__name__
            log.warning("upload not downloaded: %s", why)
            data = None
            text = texts.FILE_NOT_DOWNLOADED
        else:
            text = texts.FILE_TOO_BIG
        if data is None:
            await self.send(context, update.effective_chat.id, [OutMessage(text=text)])
            return
        event = FileInput(name=document.file_name or "file", data=data)
        # Read in the sandbox off the event loop, outside any transaction.
        async with self.uploads.reading(data, event.name):
            await self.dispatch(update, context, event)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        answered = context.bot_data.get(ANSWERED_QUERIES, set())
        if query.id in answered:
            answered.discard(query.id)  # answered when it was fetched (bot.polling)
        else:
            try:
                await query.answer()
            except BadRequest as error:
                # Redelivered after a crash (already answered, or too old): the press counts.
                log.debug("callback query not answered: %s", error.message)
        # The buttons of answered questions stay on the phone: a press on one is refused by its
        # question number, which costs no extra Bot API call per answer.
        await self.dispatch(update, context, ButtonPress(data=query.data or ""))

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message goes to the dialog as an edit of that message: it corrects the
        row it last answered, never whatever question is current."""
        message = update.edited_message
        if message is None or message.text is None or message.text.startswith("/"):
            chat, user = update.effective_chat, update.effective_user
            if chat is not None and user is not None and self._may_use(user.id):
                await self.send(context, chat.id, [OutMessage(text=texts.EDITED_OTHER)])
            return
        edit = TextInput(text=clean_text(message.text), message_id=message.message_id, edited=True)
        await self.dispatch(update, context, edit)

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, voice message, sticker…: one line saying what the bot reads."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and user is not None and self._may_use(user.id):
            await self.send(context, chat.id, [OutMessage(text=texts.UNSUPPORTED_KIND)])

    def _may_use(self, person_id: int) -> bool:
        """The one access check: a member of some organisation, or an administrator."""
        return bool(self.store.memberships(person_id)) or person_id in self.settings.admin_ids

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure and tell the person briefly that nothing they entered was lost."""
        log.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            error = context.error
            text = (
                texts.DATABASE_FAULTS[error.kind]
                if isinstance(error, DatabaseFault)
                else texts.SOMETHING_WENT_WRONG
            )
            try:
                await context.bot.send_message(update.effective_chat.id, text)
            except TelegramError:
                log.warning("could not tell the user about the failure")

    # --- plumbing ---------------------------------------------------------------------------

    async def dispatch(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        event: Event,
        *,
        welcome: bool = False,
    ) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        if not self._may_use(user.id):
            await self.send(context, chat.id, [OutMessage(text=texts.STRANGER)])
            return
        self.store.upsert_person(user.id, user.full_name)
        self.store.mark_reachable(user.id)
        if builds_document(event):
            await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
        messages = await self.turns.run(
            self.engine.handle, user.id, event, update_id=update.update_id
        )
        if welcome:
            # The welcome replaces the plain menu, but not an organisation chooser.
            if messages and messages[0].text == texts.MENU:
                messages = [OutMessage(text=texts.WELCOME), *messages[1:]]
            else:
                messages = [OutMessage(text=texts.WELCOME_INTRO), *messages]
            await self._set_menu(context, chat.id, user.id)
        await self.send(context, chat.id, messages, person_id=user.id)

    async def _set_menu(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, person_id: int
    ) -> None:
        """This chat's command menu by the person's roles (a supervisor's differs)."""
        commands = self.engine.office.commands_for(person_id)
        if commands != list(texts.COMMANDS):
            await context.bot.set_my_commands(
                [BotCommand(name, description) for name, description in commands],
                scope=BotCommandScopeChat(chat_id),
            )

    async def send(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        messages: list[OutMessage],
        person_id: int | None = None,
    ) -> None:
        delivered, undelivered = 0, []
        for out in join_plain(messages):
            if out.to is not None and out.to != chat_id:
                if await self._send_to_other(context, out):
                    delivered += 1
                else:
                    undelivered.append(out.to)
                continue
            markup = _markup(out)
            if out.document is not None:
                await context.bot.send_document(
                    chat_id,
                    document=out.document.data,
                    filename=out.document.filename,
                    caption=out.text
                    if len(out.text) <= MAX_CAPTION_CHARS
                    else _plain_cut(out.text, MAX_CAPTION_CHARS),
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                continue
            chunks = split_html(out.text)
            for number, chunk in enumerate(chunks, start=1):
                await context.bot.send_message(
                    chat_id,
                    chunk,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if number == len(chunks) else None,
                )
        if undelivered:
            await self.send(context, chat_id, [self._undelivered(delivered, undelivered)])

    def _undelivered(self, delivered: int, people: list[int]) -> OutMessage:
        """Tells the sender (a supervisor) who could not be reached after all."""
        names = [(p.display_name if (p := self.store.person(i)) else str(i)) for i in people]
        return OutMessage(
            text=texts.NUDGE_UNDELIVERED.format(
                count=len(people), reached=delivered, names=html.escape("、".join(names))
            )
        )

    async def _send_to_other(self, context: ContextTypes.DEFAULT_TYPE, out: OutMessage) -> bool:
        """A message for somebody else (a supervisor's reminder): a refusal does not stop the rest."""
        assert out.to is not None
        try:
            await self.send(context, out.to, [out.model_copy(update={"to": None})])
        except (Forbidden, BadRequest) as error:
            log.info("message to %s not delivered: %s", out.to, error.message)
            if unreachable(error):
                self.store.mark_unreachable(out.to, error.message)
            return False
        return True

    async def _username(self, context: ContextTypes.DEFAULT_TYPE) -> str:
        return self.settings.bot_username or context.bot.username or self.bot_username


def _markup(message: OutMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in message.buttons
        ]
    )


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


async def _register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS]
    )


async def _on_start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.bot_data["nianbao"].store.prune_updates()
    await _register_commands(application)
    schedule_reminders(application)
    # The first upload should not wait for the sandbox's fork server to start.
    asyncio.get_running_loop().run_in_executor(None, warm_up)


def telegram_rate_limiter() -> PriorityRateLimiter:
    """Telegram's limits without bursts: at most 30 messages in any one second overall (a
    bucket of one that refills 29 times a second), about one a second per chat; replies go
    before reminders, and a 429 pauses only its chat (see ``bot.sending``)."""
    return PriorityRateLimiter(overall_rate=29, overall_burst=1, max_retries=5)


def build_application(
    settings: Settings,
    store: Store,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The configured python-telegram-bot Application (not started)."""
    token = (
        settings.telegram_bot_token.get_secret_value().strip()
        if settings.telegram_bot_token
        else ""
    )
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token)
        .rate_limiter(telegram_rate_limiter())
        .post_init(_on_start)
    )
    api = base_url or settings.api_base_url
    if api:
        api = api.rstrip("/")
        builder = builder.base_url(api if api.endswith("/bot") else f"{api}/bot")
        builder = builder.base_file_url(base_file_url or (api.removesuffix("/bot")) + "/file/bot")
    application = builder.build()
    handler = NianbaoBot(settings, store)
    application.bot_data["nianbao"] = handler
    # Only new messages in private chats: figures and documents must never be posted to a group,
    # and an edited message must never be applied to whatever question is current.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", handler.on_start, filters=private))
    application.add_handler(CommandHandler("neworg", handler.on_new_organisation, filters=private))
    application.add_handler(CommandHandler("invite", handler.on_invite, filters=private))
    application.add_handler(
        CommandHandler(list(DIALOG_COMMANDS), handler.on_command, filters=private)
    )
    application.add_handler(MessageHandler(private & filters.COMMAND, handler.on_command))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, handler.on_text)
    )
    application.add_handler(MessageHandler(private & filters.Document.ALL, handler.on_document))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE, handler.on_edited
        )
    )
    application.add_handler(
        MessageHandler(
            private & ~filters.TEXT & ~filters.COMMAND & ~filters.Document.ALL,
            handler.on_unsupported,
        )
    )
    application.add_handler(CallbackQueryHandler(handler.on_button))
    application.add_error_handler(handler.on_error)
    return application
