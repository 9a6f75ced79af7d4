"""``nianbao run``: the Telegram bot, by long polling or behind a reverse proxy by webhook."""

from __future__ import annotations

import asyncio
import logging
import secrets

import click
from pydantic import ValidationError
from telegram import Update

from bot.app import build_application
from bot.polling import run_polling
from bot.settings import Settings
from storage import StorageError, Store

log = logging.getLogger("nianbao")


class RedactToken(logging.Filter):
    """Removes the bot token from every log record (HTTP libraries log URLs that contain it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg = record.getMessage().replace(self.token, "<token>")
            record.args = None
        return True


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


def configure_logging(token: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run_bot(
    settings: Settings, webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443
) -> None:
    """Start the bot and block until it is stopped."""
    token = (
        settings.telegram_bot_token.get_secret_value().strip()
        if settings.telegram_bot_token
        else ""
    )
    configure_logging(token)
    try:
        store = Store(settings.db)
    except StorageError as error:
        raise click.ClickException(f"{settings.db}: {error}") from None
    with store:
        application = build_application(settings, store)
        log.info(
            "nianbao bot starting (database %s, %s)",
            settings.db,
            "webhook" if webhook_url else "polling",
        )
        if webhook_url:
            application.run_webhook(
                listen=listen,
                port=port,
                url_path="telegram",
                webhook_url=webhook_url,
                secret_token=secrets.token_urlsafe(32),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            # Not application.run_polling(): ours confirms updates only once processed.
            asyncio.run(run_polling(application))


@click.command()
@click.option(
    "--webhook",
    "webhook_url",
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
