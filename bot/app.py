"""The Telegram adapter: python-telegram-bot's handlers in, ``dialogs`` out, and the builder.

Every update becomes one dialog event for one person; the engine commits the answer and the
new state before it returns the messages, which are then sent through ``bot.outbox`` (shaped by
``bot.shaping``): one Bot API call per answer.
The buttons of an answered question are left on the phone; a press on one is refused by its
question number.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import Bot, Update, User
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.http import LanedRequest
from bot.outbox import Outbox, TelegramOutbox, deliver
from bot.polling import ANSWERED_QUERIES
from bot.reminders import schedule_reminders
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

POSITION = "bot_position"  # bot_data key: the bot's place among the tokens (0: the first)
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
        #: The running bots by id (one per token), and the first token's: see ``bot_for``.
        self.bots: dict[int, Bot] = {}
        self.first_bot_id: int | None = None

    # --- several bots -----------------------------------------------------------------------

    def serve(self, bot: Bot, position: int) -> None:
        """Register a started bot (``position``: its place among the tokens, 0 the first).

        The first bot adopts what was stored before bots were told apart: processed updates
        and the offices that had people."""
        self.bots[bot.id] = bot
        self.store.record_bot(bot.id, bot.username, position)
        if position == 0:
            self.first_bot_id = bot.id
            self.store.adopt_updates(bot.id)
            self.store.adopt_offices(bot.id)

    def bot_for(self, person_id: int, fallback: Bot) -> Bot:
        """The bot to write to a person through: the one serving their office (the one they
        joined through), since Telegram refuses a bot the person never started. ``fallback``
        when that bot is not running here (and always with one bot: it reaches everybody who
        can be reached)."""
        if len(self.bots) <= 1:
            return fallback
        wanted = self.store.person_bot(person_id)
        if wanted is None:
            wanted = self.first_bot_id
        return self.bots.get(wanted, fallback) if wanted is not None else fallback

    def _serves(self, person_id: int, bot_id: int) -> bool:
        """Whether this bot serves one of the person's offices (with one bot: whether they
        belong to any)."""
        if len(self.bots) <= 1:
            return bool(self.store.memberships(person_id))
        served = self.store.person_bots(person_id)
        if None in served:
            served = (served - {None}) | {self.first_bot_id or bot_id}
        return bot_id in served

    # --- handlers ---------------------------------------------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, and /start <invite> from a deep link."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        code = context.args[0] if context.args else ""
        if code:
            bot_id = context.bot.id
            messages = self.engine.once(
                update.update_id,
                lambda: onboarding.join(
                    self.store, user.id, user.full_name, code, self.engine.today(), bot_id
                ),
                bot_id=bot_id,
            )
            await self.send(context, chat.id, messages)
            await self._set_menu(context, chat.id, user.id)
            return
        if not self._may_use(user.id, context.bot.id):
            await self.send(context, chat.id, [self._stranger(user.id)])
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
                bot_id=context.bot.id,
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
                bot_id=context.bot.id,
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
        messages = self.engine.once(update.update_id, lambda: action(user), bot_id=context.bot.id)
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
        user = update.effective_user
        if user is None or not self._may_use(user.id, context.bot.id):
            if user is not None:
                await self.send(context, update.effective_chat.id, [self._stranger(user.id)])
            return
        document = message.document
        if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
            await self.send(
                context, update.effective_chat.id, [OutMessage(text=texts.FILE_TOO_BIG)]
            )
            return
        try:
            await self.outbox(context).show_action(update.effective_chat.id, ChatAction.TYPING)
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
                await self.outbox(context).answer_press(query.id)
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
            if chat is not None and user is not None and self._may_use(user.id, context.bot.id):
                await self.send(context, chat.id, [OutMessage(text=texts.EDITED_OTHER)])
            return
        edit = TextInput(text=clean_text(message.text), message_id=message.message_id, edited=True)
        await self.dispatch(update, context, edit)

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, voice message, sticker…: one line saying what the bot reads."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and user is not None and self._may_use(user.id, context.bot.id):
            await self.send(context, chat.id, [OutMessage(text=texts.UNSUPPORTED_KIND)])

    def _may_use(self, person_id: int, bot_id: int) -> bool:
        """The one access check: a member of an organisation this bot serves, or an
        administrator."""
        return person_id in self.settings.admin_ids or self._serves(person_id, bot_id)

    def _stranger(self, person_id: int) -> OutMessage:
        """What somebody this bot does not serve is told: the bot serving their office, if
        they have one, else that the assistant is for invited clerks."""
        if self.store.memberships(person_id):
            wanted = self.store.person_bot(person_id)
            bot_id = wanted if wanted is not None else self.first_bot_id
            known = self.store.find_bot(str(bot_id)) if bot_id is not None else None
            if known is not None and known.username:
                return OutMessage(text=texts.WRONG_BOT.format(bot=known.username))
        return OutMessage(text=texts.STRANGER)

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
                await self.outbox(context).send_plain(update.effective_chat.id, text)
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
        if not self._may_use(user.id, context.bot.id):
            await self.send(context, chat.id, [self._stranger(user.id)])
            return
        self.store.upsert_person(user.id, user.full_name)
        self.store.mark_reachable(user.id)
        if builds_document(event):
            await self.outbox(context).show_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
        messages = await self.turns.run(
            self.engine.handle, user.id, event, update_id=update.update_id, bot_id=context.bot.id
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
            await self.outbox(context).set_menu(commands, chat_id)

    async def send(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        messages: list[OutMessage],
        person_id: int | None = None,
        via: Bot | None = None,
    ) -> None:
        """Send a dialog's answer through ``via`` (by default the bot of the update); a message
        for somebody else goes through the bot serving their office (``bot_for``)."""
        await deliver(
            TelegramOutbox(via or context.bot),
            self.store,
            chat_id,
            messages,
            outbox_for=lambda person: TelegramOutbox(self.bot_for(person, fallback=context.bot)),
        )

    @staticmethod
    def outbox(context: ContextTypes.DEFAULT_TYPE) -> Outbox:
        """Where this update's answers go: the bot the update came to."""
        return TelegramOutbox(context.bot)

    async def _username(self, context: ContextTypes.DEFAULT_TYPE) -> str:
        # NIANBAO_BOT_USERNAME names the one bot; with several, each bot knows its own name.
        configured = self.settings.bot_username if len(self.settings.tokens()) <= 1 else None
        return configured or context.bot.username or self.bot_username


async def _register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await TelegramOutbox(application.bot).set_menu(texts.COMMANDS)


async def _on_start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    handler: NianbaoBot = application.bot_data["nianbao"]
    position: int = application.bot_data.get(POSITION, 0)
    handler.serve(application.bot, position)
    await _register_commands(application)
    if position:
        return
    # Once per process, by the first bot: reminders go out through each person's own bot.
    handler.store.prune_updates()
    schedule_reminders(application)
    # The first upload should not wait for the sandbox's fork server to start.
    asyncio.get_running_loop().run_in_executor(None, warm_up)


def telegram_rate_limiter() -> PriorityRateLimiter:
    """Telegram's limits: 29 messages a second overall and never more than 30 in any one
    second, about one a second per chat; replies go before reminders, and a 429 pauses only
    its chat (see ``bot.sending``). The bucket holds 3 so that a send granted late (the event
    loop busy with answers when the token came, up to ~100 ms) does not lose its share: with a
    bucket of one, every late grant was budget lost, and a busy bot sent 17 a second instead of
    29. Not more: a send reaches Telegram some time after its grant (the loop runs other
    clerks' answers meanwhile, the network queues), and the fuller the bucket, the shorter the
    delay that lets a bunch of them exceed Telegram's own bucket (10: ~0.7 s; 3: ~0.9 s)."""
    return PriorityRateLimiter(overall_rate=29, overall_burst=3, most_in_a_second=30, max_retries=5)


def build_applications(
    settings: Settings, store: Store, *, base_urls: Sequence[str | None] = ()
) -> list[Application[Any, Any, Any, Any, Any, Any]]:
    """One configured Application (not started) per bot token, the first token's first, all
    over one store and one handler; ``base_urls``: a Bot API server per token (tests)."""
    handler = NianbaoBot(settings, store)
    tokens = settings.tokens() or [""]
    return [
        _build(settings, handler, token, position, base_urls[position] if base_urls else None)
        for position, token in enumerate(tokens)
    ]


def build_application(
    settings: Settings,
    store: Store,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    requests: tuple[BaseRequest, BaseRequest] | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The first bot token's configured Application (not started).

    ``requests`` replaces PTB's network layer (for calls, for getUpdates): tests pass the Bot
    API test server's in-process requests."""
    tokens = settings.tokens() or [""]
    return _build(
        settings, NianbaoBot(settings, store), tokens[0], 0, base_url, base_file_url, requests
    )


def _build(
    settings: Settings,
    handler: NianbaoBot,
    token: str,
    position: int,
    base_url: str | None = None,
    base_file_url: str | None = None,
    requests: tuple[BaseRequest, BaseRequest] | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
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
    if requests is not None:
        builder = builder.request(requests[0]).get_updates_request(requests[1])
    else:
        builder = builder.request(LanedRequest())
    application = builder.build()
    application.bot_data["nianbao"] = handler
    application.bot_data[POSITION] = position
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
