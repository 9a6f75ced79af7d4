"""``nianbao run``: the Telegram bot, by long polling or behind a reverse proxy by webhook."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from urllib.parse import urlsplit

import click
from pydantic import ValidationError
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.app import build_applications
from bot.polling import run_polling
from bot.settings import Settings, settings_problem
from bot.webhook import hooks, run_webhook
from dialogs.errors import describe
from storage import StorageError, Store

log = logging.getLogger("nianbao")


class RedactingFormatter(logging.Formatter):
    """Removes every bot token from the whole formatted record, tracebacks included (HTTP
    libraries log URLs that contain it, and python-telegram-bot names it in InvalidToken)."""

    def __init__(self, tokens: str | Sequence[str], fmt: str) -> None:
        super().__init__(fmt)
        self.tokens = [tokens] if isinstance(tokens, str) else list(tokens)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), *self.tokens)


def redact(text: str, *tokens: str) -> str:
    """``text`` without any of the bot tokens, nor their secret parts alone (a URL or an
    echoing proxy may carry either)."""
    for token in tokens:
        if not token:
            continue
        text = text.replace(token, "<token>")
        _, _, secret = token.partition(":")
        if len(secret) >= 8:
            text = text.replace(secret, "<token>")
    return text


def load_settings() -> Settings:
    """Settings from the environment, or a one-line error naming what is wrong."""
    try:
        settings = Settings()
    except ValidationError as error:
        raise click.ClickException(settings_problem(error)) from None
    problem = settings.token_problem()
    if problem:
        raise click.ClickException(problem)
    return settings


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(tokens: str | Sequence[str]) -> None:
    logging.basicConfig(format=LOG_FORMAT, level=logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(tokens, LOG_FORMAT))
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Exceptions of other threads are printed without logging: route them through it.
    threading.excepthook = _log_thread_exception
    # The webhook server would log every post Telegram makes.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    error = args.exc_value
    log.error(
        "thread %s failed",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, error, args.exc_traceback) if error else None,
    )


def run_bot(
    settings: Settings, webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443
) -> None:
    """Start the bot (every configured token's, over one database) and block until stopped."""
    tokens = settings.tokens()
    configured = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    # The webhook secrets are kept out of the log as the tokens are.
    secrets = (
        [h.secret for h in hooks(webhook_url, _bots(tokens), configured)] if webhook_url else []
    )
    configure_logging([*tokens, *secrets])
    try:
        store = Store(settings.db)
    except StorageError as error:
        raise click.ClickException(f"{settings.db}: {describe(error)}") from None
    with store:
        mode = "webhook" if webhook_url else "polling"
        log.info("nianbao starting %d bot(s) (database %s, %s)", len(tokens), settings.db, mode)
        try:
            applications = build_applications(settings, store)
            if webhook_url:
                # Not application.run_webhook(): ours answers Telegram only once an update is
                # saved, and serves every bot on one port, each on its own path (see bot.webhook).
                asyncio.run(
                    run_webhook(
                        *applications,
                        webhook_url=webhook_url,
                        listen=listen,
                        port=port,
                        secret=configured,
                    )
                )
            else:
                # Not application.run_polling(): ours confirms updates only once processed, and
                # keeps pending updates (what clerks typed while the bot was down).
                asyncio.run(run_polling(*applications))
        except Exception as error:  # every failure leaves through the redaction
            raise click.ClickException(
                redact(_stopped_because(error, webhook_url), *tokens, *secrets)
            ) from None


def _bots(tokens: Sequence[str]) -> list[tuple[int, str]]:
    """Each token with its bot's id (the digits before the colon, as ``getMe`` reports it)."""
    return [(int(token.partition(":")[0]), token) for token in tokens]


def _stopped_because(error: Exception, webhook_url: str | None) -> str:
    """One line saying why the bot stopped; unexpected errors are logged (redacted) in full."""
    if isinstance(error, InvalidToken):
        return "a bot token was rejected by Telegram (revoked or mistyped)"
    if isinstance(error, BadRequest):
        if webhook_url:
            return f"Telegram refused the webhook: {error.message}"
        return f"Telegram refused a request: {error.message}"
    if isinstance(error, NetworkError):
        return f"cannot reach the Telegram Bot API ({type(error).__name__}: {error.message})"
    if isinstance(error, TelegramError):
        return f"the Telegram Bot API answered with an error: {error.message}"
    log.error("the bot stopped after an unexpected error", exc_info=error)
    return f"the bot stopped after an unexpected error ({type(error).__name__}); see the log above"


def _https_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not (
        value.lower().startswith("https://") and urlsplit(value).hostname
    ):
        raise click.BadParameter("Telegram only posts to an https:// URL", ctx, param)
    return value


@click.command()
@click.option(
    "--webhook",
    "webhook_url",
    callback=_https_url,
    help="Public HTTPS URL Telegram posts updates to (behind a reverse proxy).",
)
@click.option(
    "--listen",
    default="127.0.0.1",
    show_default=True,
    help="Address the webhook server listens on.",
)
@click.option(
    "--port", default=8443, show_default=True, type=int, help="Port the webhook server listens on."
)
def run(webhook_url: str | None, listen: str, port: int) -> None:
    """Run the Telegram bot (long polling unless --webhook is given)."""
    run_bot(load_settings(), webhook_url, listen, port)
