"""Webhook mode through the durable inbox, as in polling: a posted update is saved, then 200.

python-telegram-bot's own webhook server answers 200 as soon as it has queued an update, so a
process killed in that moment loses it: Telegram has been told it was delivered. Answering only
once the update has been processed is safe but slow: Telegram posts at most
``MAX_CONNECTIONS`` updates at a time and waits for each answer, so replies waiting for the
send budget hold up every new post (button presses expire). Here, as in ``bot.polling``, a post
is saved to the store's inbox and answered 200 once a durable commit covers it (the answer's
own, usually); button presses are answered at once, and updates are processed from the inbox:
different people's concurrently, one person's in order. What the inbox holds at a stop is
processed at the next start; the engine's ``claim_update`` makes sure nothing is applied twice.

The server is meant to sit behind a reverse proxy that terminates HTTPS and forwards
``https://<host>/<path>`` to ``http://<listen>:<port>/<path>``; it serves the path of the
webhook URL. Posts without the secret token given to ``setWebhook`` are refused.

Several bots (one per token, over one store) share the one server: each has its own path (the
URL's, then the bot's id) and its own secret (``hooks``), its own receiver and inbox rows, and
its updates are processed by its own application, so replies leave through the bot they came
to (``bot.app`` sends what concerns somebody else through that person's bot).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.lifecycle import running
from bot.polling import ANSWERED_QUERIES, DURABLE_WAIT, _Work, made_durable, resume
from storage import StorageError, Store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kilobytes; anything near this is not one
DRAIN_SECONDS = 10.0  # well inside systemd's default 90 s between SIGTERM and SIGKILL
MAX_CONNECTIONS = 40  # Telegram's default: parallel deliveries, serialised per person below

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class WebhookReceiver:
    """Checks, decodes and saves one posted update to the inbox; answers with an HTTP status.
    The updates saved are processed from the inbox as in polling."""

    def __init__(
        self,
        application: AnyApplication,
        secret: str,
        store: Store,
        *,
        durable_wait: float = DURABLE_WAIT,
    ) -> None:
        self.application = application
        self.secret = secret
        self.store = store
        self.durable_wait = durable_wait
        self.closing = False
        self.work = _Work(application)
        self._answered: set[str] = application.bot_data.setdefault(ANSWERED_QUERIES, set())
        self._closed = asyncio.Event()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def resume(self) -> None:
        """Start processing what the inbox kept from the previous run (before taking posts)."""
        self._answered = resume(self.application, self.store, self.work)

    async def drain(self, timeout: float) -> bool:
        """Refuse new posts, let the updates being processed end (at most ``timeout`` s); False
        if some were still running (they stay in the inbox for the next start)."""
        self.closing = True
        self._closed.set()
        await self._idle.wait()  # posts being saved: a moment at most
        ended = await self.work.finish(timeout)
        self.store.save_inbox(self.application.bot.id, [], self.work.take_done(), None)
        return ended

    async def receive(self, secret: str, body: bytes) -> HTTPStatus:
        """Save the update in ``body`` to the inbox if ``secret`` is right, start processing
        it; the status to answer with: 200 once the update is on disk.

        Updates of one person are processed one at a time, in the order they arrive.
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
        self._in_flight += 1
        self._idle.clear()
        try:
            await self.work.room(self._closed)
            if self.closing:
                return HTTPStatus.SERVICE_UNAVAILABLE
            return await self._save(update)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _save(self, update: Update) -> HTTPStatus:
        bot_id, uid = self.application.bot.id, update.update_id
        try:
            kept = self.store.save_inbox(
                bot_id, [(uid, update.to_json())], self.work.take_done(), None, durable=False
            )
            mark = self.store.durable_commits
            if uid in kept:  # not a post repeated while the first is still kept
                query = update.callback_query
                if query is not None and query.id not in self._answered:
                    self.work.answer(query.id, self._answered)
                self.work.start([update])
            await made_durable(
                self.store,
                mark,
                lambda: self.store.sync_inbox(bot_id, self.work.take_done(), None, [uid]),
                self.durable_wait,
            )
        except StorageError:
            # Not saved (the database is locked or the disk full): Telegram posts it again.
            log.exception("update %s could not be saved", uid)
            return HTTPStatus.INTERNAL_SERVER_ERROR
        return HTTPStatus.OK


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


@dataclass(frozen=True)
class Hook:
    """One bot's webhook: the URL Telegram posts its updates to, and the secret it sends."""

    url: str
    secret: str = field(repr=False)


def bot_url(webhook_url: str, bot_id: int) -> str:
    """A bot's own webhook URL when several share one server: ``webhook_url``'s path followed
    by the bot's id (public: it names the bot, and reveals nothing of the token's secret)."""
    parts = urlsplit(webhook_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{bot_id}"))


def hooks(
    webhook_url: str, bots: Sequence[tuple[int, str]], configured: str | None = None
) -> list[Hook]:
    """The webhook of each bot (``bots``: id and token, the first token's first).

    One bot keeps ``webhook_url`` as it is and ``configured`` (else the token's derived
    secret). With several, each gets its own path (``bot_url``) and its own secret: derived
    from its token, or from ``configured`` and the bot's id, so that one bot's secret opens
    no other bot's path.
    """
    if len(bots) == 1:
        ((_, token),) = bots
        return [Hook(webhook_url, configured or webhook_secret(token))]
    return [
        Hook(
            bot_url(webhook_url, bot_id),
            _derived(configured, f"{bot_id}") if configured else webhook_secret(token),
        )
        for bot_id, token in bots
    ]


async def serve_webhook(
    applications: AnyApplication | Sequence[AnyApplication],
    stop: asyncio.Event,
    *,
    webhook_url: str,
    listen: str,
    port: int,
    store: Store,
    secret: str | None = None,
) -> None:
    """Register each bot's webhook, serve them all on ``listen:port`` until ``stop`` is set;
    what is posted goes through ``store``'s inbox, keyed by the bot it came to (what the inbox
    still holds is processed first).

    Each bot has its own path and secret (see ``hooks``): a post to one bot's path with
    another's secret is refused (403), a post to no bot's path too (404). The secrets are the
    same at every start and for every instance of the bots (none locks the others out).

    The webhooks stay registered after a stop, so Telegram keeps what people send while the
    bots are down and posts it once they are back.
    """
    apps = [applications] if isinstance(applications, Application) else list(applications)
    wanted = hooks(webhook_url, [(a.bot.id, a.bot.token) for a in apps], secret)
    receivers = [
        WebhookReceiver(app, hook.secret, store) for app, hook in zip(apps, wanted, strict=True)
    ]
    for receiver in receivers:
        receiver.resume()
    routes = [
        (re.escape(local_path(hook.url)), _UpdateEndpoint, {"receiver": receiver})
        for hook, receiver in zip(wanted, receivers, strict=True)
    ]
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application(routes), max_body_size=MAX_UPDATE_BYTES
    )
    server.listen(port, address=listen)
    try:
        for app, hook in zip(apps, wanted, strict=True):
            await app.bot.set_webhook(
                hook.url,
                secret_token=hook.secret,
                allowed_updates=Update.ALL_TYPES,
                max_connections=MAX_CONNECTIONS,
            )
            log.info(
                "webhook of @%s set; listening on %s:%s%s",
                app.bot.username,
                listen,
                port,
                local_path(hook.url),
            )
        await stop.wait()
    finally:
        server.stop()  # no new connections
        drained = await asyncio.gather(*(r.drain(DRAIN_SECONDS) for r in receivers))
        if not all(drained):
            log.warning("stopping with updates still being processed; they stay in the inbox")
        await server.close_all_connections()


async def run_webhook(
    *applications: AnyApplication,
    webhook_url: str,
    listen: str,
    port: int,
    secret: str | None = None,
) -> None:
    """Run the applications (one per bot token, over one store) behind one webhook server
    until SIGINT or SIGTERM."""
    async with running(*applications) as stop:
        await serve_webhook(
            applications,
            stop,
            webhook_url=webhook_url,
            listen=listen,
            port=port,
            store=applications[0].bot_data["nianbao"].store,
            secret=secret,
        )


def webhook_secret(token: str) -> str:
    """The webhook secret derived from the bot token (HMAC-SHA256, hex: characters Telegram
    allows): stable across restarts, and revealing nothing of the token."""
    return _derived(token, "")


def _derived(key: str, bot: str) -> str:
    label = b"nianbao webhook secret" + (f" {bot}".encode() if bot else b"")
    return hmac.new(key.encode(), label, hashlib.sha256).hexdigest()
