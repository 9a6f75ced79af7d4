"""Webhook mode that answers Telegram only after an update has been processed.

python-telegram-bot's own webhook server answers 200 as soon as it has queued an update, so a
process killed in that moment loses it: Telegram has been told it was delivered. Here the
request is answered once the update has been handled (the answer committed, the reply sent),
so after a crash Telegram posts the update again, and the engine's ``claim_update`` makes sure
nothing is applied twice. The counterpart of ``bot.polling``.

The server is meant to sit behind a reverse proxy that terminates HTTPS and forwards
``https://<host>/<path>`` to ``http://<listen>:<port>/<path>``; it serves the path of the
webhook URL. Posts without the secret token given to ``setWebhook`` are refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import weakref
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.lifecycle import running

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kilobytes; anything near this is not one
DRAIN_SECONDS = 10.0  # well inside systemd's default 90 s between SIGTERM and SIGKILL
MAX_CONNECTIONS = 40  # Telegram's default: parallel deliveries, serialised per person below

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class WebhookReceiver:
    """Checks, decodes and processes one posted update; answers with an HTTP status."""

    def __init__(self, application: AnyApplication, secret: str) -> None:
        self.application = application
        self.secret = secret
        self.closing = False
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Refuse new posts and wait (at most ``timeout`` s) for those being processed to end;
        False if some were still running."""
        self.closing = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def receive(self, secret: str, body: bytes) -> HTTPStatus:
        """Process the update in ``body`` if ``secret`` is right; the status to answer with.

        An update is processed before 200 is answered. Updates of one person are processed one
        at a time, in the order they arrive, as they would be by polling.
        """
        if not hmac.compare_digest(secret.encode(), self.secret.encode()):
            return HTTPStatus.FORBIDDEN
        if self.closing:  # Telegram posts it again, to the restarted bot
            return HTTPStatus.SERVICE_UNAVAILABLE
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("ignored a webhook post that is not an update (%s)", type(error).__name__)
            return HTTPStatus.BAD_REQUEST
        user = update.effective_user
        self._in_flight += 1
        self._idle.clear()
        try:
            async with self._lock(user.id if user else 0):
                # Handler errors go to the application's error handler; this only raises if that
                # machinery itself fails, and then Telegram is asked to post the update again.
                try:
                    await self.application.process_update(update)
                except Exception:
                    log.exception("update %s could not be processed", update.update_id)
                    return HTTPStatus.INTERNAL_SERVER_ERROR
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()
        return HTTPStatus.OK

    def _lock(self, key: int) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock


class _UpdateEndpoint(tornado.web.RequestHandler):
    receiver: WebhookReceiver

    def initialize(self, receiver: WebhookReceiver) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        status = await self.receiver.receive(
            self.request.headers.get(SECRET_HEADER, ""), self.request.body
        )
        self.set_status(status)
        await self.finish()


def local_path(webhook_url: str) -> str:
    """The path the local server answers on: exactly the webhook URL's (``/`` if it has none),
    since the reverse proxy forwards the path unchanged."""
    return urlsplit(webhook_url).path or "/"


async def serve_webhook(
    application: AnyApplication,
    stop: asyncio.Event,
    *,
    webhook_url: str,
    listen: str,
    port: int,
    secret: str | None = None,
) -> None:
    """Register the webhook, serve it on ``listen:port`` until ``stop`` is set.

    The secret Telegram must send is ``secret`` if given, else derived from the token, so it is
    the same at every start and for every instance of the bot (none locks the others out).

    The webhook stays registered after a stop, so Telegram keeps what people send while the
    bot is down and posts it once the bot is back.
    """
    receiver = WebhookReceiver(application, secret or webhook_secret(application.bot.token))
    routes = [(re.escape(local_path(webhook_url)), _UpdateEndpoint, {"receiver": receiver})]
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application(routes), max_body_size=MAX_UPDATE_BYTES
    )
    server.listen(port, address=listen)
    try:
        await application.bot.set_webhook(
            webhook_url,
            secret_token=receiver.secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=MAX_CONNECTIONS,
        )
        log.info("webhook set; listening on %s:%s%s", listen, port, local_path(webhook_url))
        await stop.wait()
    finally:
        server.stop()  # no new connections
        if not await receiver.drain(DRAIN_SECONDS):
            log.warning("stopping with updates still being processed; Telegram will resend them")
        await server.close_all_connections()


async def run_webhook(
    application: AnyApplication,
    *,
    webhook_url: str,
    listen: str,
    port: int,
    secret: str | None = None,
) -> None:
    """Run the application behind a webhook until SIGINT or SIGTERM."""
    async with running(application) as stop:
        await serve_webhook(
            application, stop, webhook_url=webhook_url, listen=listen, port=port, secret=secret
        )


def webhook_secret(token: str) -> str:
    """The webhook secret derived from the bot token (HMAC-SHA256, hex: characters Telegram
    allows): stable across restarts, and revealing nothing of the token."""
    return hmac.new(token.encode(), b"nianbao webhook secret", hashlib.sha256).hexdigest()
