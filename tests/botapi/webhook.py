"""Webhook delivery: while a webhook is set, pending updates are POSTed to it, oldest first.

As Telegram does, an update is forgotten only once the webhook answered it with a 2xx status;
a refused connection, a timeout or any other status leaves it pending, records the error for
``getWebhookInfo`` and retries after a pause. Updates go out one at a time, in order (Telegram
may use several connections; one keeps the tests deterministic).

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
    """The task that delivers updates while ``state.webhook_url`` is set."""

    def __init__(self, state: State) -> None:
        self.state = state
        self._pause = FIRST_RETRY

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=RESPONSE_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self.state.closing:
                seen = self.state.version
                update = self._next()
                if update is None:
                    await self.state.wait_for_change(seen, 1.0)
                    continue
                error = await self._post(session, update)
                if error is None:
                    self._pause = FIRST_RETRY
                    self.state.deliver_confirmed(update.update_id)
                else:
                    self.state.webhook_last_error = (int(time.time()), error)
                    await asyncio.sleep(self._pause)
                    self._pause = min(self._pause * 2, LAST_RETRY)
                self.state.touch()

    def _next(self) -> Update | None:
        if not self.state.webhook_url or not self.state.updates:
            return None
        return self.state.updates[0]

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


def route_view(state: State) -> dict[str, Any]:
    """What the control API shows of the webhook."""
    return {
        "url": state.webhook_url,
        "routes": dict(state.webhook_routes),
        "pending": len(state.updates),
        "last_error": state.webhook_last_error[1] if state.webhook_last_error else None,
    }
