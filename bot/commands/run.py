"""``nianbao run``: the Telegram bot, by long polling or behind a reverse proxy by webhook."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import click
from pydantic import ValidationError
from telegram.error import BadRequest, InvalidToken

from bot.app import build_application
from bot.polling import run_polling
from bot.settings import Settings
from bot.webhook import run_webhook
from storage import StorageError, Store

log = logging.getLogger("nianbao")


class RedactingFormatter(logging.Formatter):
    """Removes the bot token from the whole formatted record, tracebacks included (HTTP libraries
    log URLs that contain it, and python-telegram-bot names it in InvalidToken)."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(fmt)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self.token, "<token>") if self.token else text


def load_settings() -> Settings:
    """Settings from the environment, or a one-line error naming what is wrong."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise click.ClickException(f"{where}: {first.get('msg')}") from None
    problem = settings.token_problem()
    if problem:
        raise click.ClickException(problem)
    return settings


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(token: str) -> None:
    logging.basicConfig(format=LOG_FORMAT, level=logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(token, LOG_FORMAT))
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The webhook server would log every post Telegram makes.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)


def run_bot(
    settings: Settings, webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443
) -> None:
    """Start the bot and block until it is stopped."""
    secret = settings.telegram_bot_token
    configure_logging(secret.get_secret_value().strip() if secret else "")
    try:
        store = Store(settings.db)
    except StorageError as error:
        raise click.ClickException(f"{settings.db}: {error}") from None
    with store:
        application = build_application(settings, store)
        mode = "webhook" if webhook_url else "polling"
        log.info("nianbao bot starting (database %s, %s)", settings.db, mode)
        try:
            if webhook_url:
                # Not application.run_webhook(): ours answers Telegram only once an update has
                # been processed (see bot.webhook).
                asyncio.run(
                    run_webhook(application, webhook_url=webhook_url, listen=listen, port=port)
                )
            else:
                # Not application.run_polling(): ours confirms updates only once processed, and
                # keeps pending updates (what clerks typed while the bot was down).
                asyncio.run(run_polling(application))
        except InvalidToken:
            raise click.ClickException(
                "TELEGRAM_BOT_TOKEN was rejected by Telegram (revoked or mistyped)"
            ) from None
        except BadRequest as error:  # setWebhook refused the URL
            raise click.ClickException(f"Telegram refused the webhook: {error.message}") from None


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
