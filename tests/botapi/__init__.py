"""A strict Telegram Bot API server for tests, and clients to drive it.

Start one with the `botapi_server` pytest fixture (tests/botapi/fixtures.py), with
`BotApiServer().start()`, or as a process: `python -m tests.botapi --port 0`.
"""

from tests.botapi.client import (
    ApiCall,
    AsyncBotApiClient,
    BotApiClient,
    Button,
    CallbackQueryState,
    ChatMessage,
    ChatState,
    ControlError,
    Document,
    MessageVersion,
    Sent,
    Snapshot,
    WaitTimeout,
)
from tests.botapi.server import BotApiServer, ServerCore
from tests.botapi.state import DEFAULT_TOKEN, ServerConfig

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "AsyncBotApiClient",
    "BotApiClient",
    "BotApiServer",
    "Button",
    "CallbackQueryState",
    "ChatMessage",
    "ChatState",
    "ControlError",
    "Document",
    "MessageVersion",
    "Sent",
    "ServerConfig",
    "ServerCore",
    "Snapshot",
    "WaitTimeout",
]
