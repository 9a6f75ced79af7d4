"""Webhook delivery: while a webhook is set, pending updates are POSTed to it, oldest first.

As Telegram does, an update is forgotten only once the webhook answered it with a 2xx status;
a refused connection, a timeout or any other status leaves it pending, records the error for
``getWebhookInfo`` and retries after a pause. Updates of different chats are posted in
parallel, up to setWebhook's ``max_connections``; those of one chat one at a time, in order.

Telegram only posts to HTTPS. A bot behind a reverse proxy receives plain HTTP from the proxy,
so the test server plays the proxy too: ``State.webhook_routes`` maps the webhook URL's host
to the local ``http://host:port`` the proxy forwards to, keeping the path. A host without a
route fails as an unknown name would.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from tests.botapi.state import State, Update

FIRST_RETRY = 0.05
LAST_RETRY = 1.0
RESPONSE_TIMEOUT = 60.0  # Telegram waits about a minute for a webhook's answer


class WebhookDelivery:
    """The task that delivers updates while ``state.webhook_url`` is set.

    Up to ``max_connections`` posts are in flight at once, but never two of one chat: a chat's
    updates arrive one after the other, oldest first.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self._pause = FIRST_RETRY
        self._retry_at = 0.0
        self._in_flight: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=RESPONSE_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while not self.state.closing:
                    seen = self.state.version
                    self._start_ready(session)
                    # Until something changes, or a retry pause ends (at least 1 ms: always yield).
                    wait = 1.0
                    if self._retry_at > time.monotonic():
                        wait = max(min(wait, self._retry_at - time.monotonic()), 0.001)
                    await self.state.wait_for_change(seen, wait)
            finally:
                for task in self._in_flight.values():
                    task.cancel()

    def _start_ready(self, session: aiohttp.ClientSession) -> None:
        state = self.state
        if not state.webhook_url or time.monotonic() < self._retry_at:
            return
        state.drop_expired()
        busy_chats: set[object] = set()
        for update in list(state.updates):
            if len(self._in_flight) >= state.webhook_max_connections:
                return
            chat = _chat_of(update)
            if chat in busy_chats:
                continue
            busy_chats.add(chat)
            if update.update_id not in self._in_flight:
                self._in_flight[update.update_id] = asyncio.create_task(
                    self._deliver(session, update)
                )
                state.webhook_peak_in_flight = max(
                    state.webhook_peak_in_flight, len(self._in_flight)
                )

    async def _deliver(self, session: aiohttp.ClientSession, update: Update) -> None:
        try:
            error = await self._post(session, update)
            if error is None:
                self._pause = FIRST_RETRY
                self.state.deliver_confirmed(update.update_id)
            else:
                self.state.webhook_last_error = (int(time.time()), error)
                self._retry_at = time.monotonic() + self._pause
                self._pause = min(self._pause * 2, LAST_RETRY)
        finally:
            self._in_flight.pop(update.update_id, None)
            self.state.touch()

    async def _post(self, session: aiohttp.ClientSession, update: Update) -> str | None:
        """Deliver one update; the error Telegram would report, or None when accepted."""
        url = self.state.webhook_url
        parts = urlsplit(url)
        target = self.state.webhook_routes.get(parts.hostname or "")
        if target is None:
            return "Failed to resolve host: Name or service not known"
        local = (
            target.rstrip("/") + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        )
        headers = {"Content-Type": "application/json"}
        if self.state.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.state.webhook_secret
        body = json.dumps(update.payload, ensure_ascii=False).encode()
        try:
            async with session.post(local, data=body, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as error:
            return f"Connection error: {type(error).__name__}"


def _chat_of(update: Update) -> object:
    """The chat an update belongs to (its own id when it has none)."""
    body = update.payload.get(update.kind) or {}
    chat = body.get("chat") or (body.get("message") or {}).get("chat") or {}
    if "id" in chat:
        return chat["id"]
    sender = body.get("from") or {}
    return sender.get("id", ("update", update.update_id))


def route_view(state: State) -> dict[str, Any]:
    """What the control API shows of the webhook."""
    return {
        "url": state.webhook_url,
        "routes": dict(state.webhook_routes),
        "pending": len(state.updates),
        "peak_in_flight": state.webhook_peak_in_flight,
        "last_error": state.webhook_last_error[1] if state.webhook_last_error else None,
    }
