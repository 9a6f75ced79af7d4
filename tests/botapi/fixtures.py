"""Pytest fixtures for the Bot API test server (loaded by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.botapi.client import BotApiClient
from tests.botapi.inprocess import InProcessBotApi
from tests.botapi.server import BotApiServer


@pytest.fixture
def botapi_server() -> Iterator[BotApiServer]:
    """A fresh strict Bot API server on a free 127.0.0.1 port, stopped after the test.

    Point python-telegram-bot at it with `.token`, `.base_url` and `.base_file_url`;
    act as people through `.client` (sync) or `async with .async_client()`.
    """
    server = BotApiServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def botapi_inprocess() -> InProcessBotApi:
    """The same strict server in-process: no socket, no thread, the bot on the test's loop.

    For a bot test that needs neither polling over HTTP, a webhook, a second process nor a
    download by the bot's own HTTP client; build with `tests.botapi.ptb.application_builder`
    (or pass `.requests()` to the builder) and act as people through `async with
    .async_client()`.
    """
    return InProcessBotApi()


@pytest.fixture
def botapi_client(botapi_server: BotApiServer) -> BotApiClient:
    """The synchronous control client of `botapi_server`."""
    return botapi_server.client
