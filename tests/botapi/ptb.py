"""Helpers to run a python-telegram-bot Application against the test server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application, ApplicationBuilder

from tests.botapi.inprocess import InProcessBotApi
from tests.botapi.server import BotApiServer


def application_builder(server: BotApiServer | InProcessBotApi) -> ApplicationBuilder:
    """`Application.builder()` already pointed at `server` (token, base_url, base_file_url;
    in-process, its requests)."""
    builder = (
        Application.builder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
    )
    if isinstance(server, InProcessBotApi):
        request, updates = server.requests()
        builder = builder.request(request).get_updates_request(updates)
    return builder


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """Run `app` as `run_polling` would inside the current event loop; stop it on exit.

    Stopping is prompt: the pending long poll is cancelled, not waited out.
    """
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
