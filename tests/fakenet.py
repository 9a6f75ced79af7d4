"""The Telegram network replaced in-process: a PTB ``BaseRequest`` answering from memory.

Both the product's ``Application`` and the stock baseline talk to it, so neither pays for
sockets and the comparison measures only what each does with an update.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000000001
TOKEN = f"{BOT_ID}:AAH" + "x" * 32


class FakeTelegram(BaseRequest):
    """Answers every Bot API method a bot of ours calls with a plausible, valid result."""

    def __init__(self, *, record: bool = False) -> None:
        self.calls: dict[str, int] = {}
        #: (method, parameters) of every call, when ``record`` (for tests that inspect them).
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.record = record
        self._message_ids = itertools.count(1_000_000)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        self.calls[name] = self.calls.get(name, 0) + 1
        params = request_data.parameters if request_data is not None else {}
        if self.record:
            self.sent.append((name, params))
        result = self._result(name, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "年报助手",
                "username": "nianbao_bench_bot",
            }
        if name in ("sendMessage", "sendDocument", "editMessageReplyMarkup", "editMessageText"):
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "年报助手"},
            }
            if "text" in params:
                message["text"] = params["text"]
            if name == "sendDocument":
                message["document"] = {"file_id": "doc", "file_unique_id": "doc"}
            return message
        return True


def install(
    application: Application[Any, Any, Any, Any, Any, Any], *, record: bool = False
) -> FakeTelegram:
    """Route every call of ``application.bot`` to a fresh :class:`FakeTelegram`, and drop the
    outbound rate limiter (it shapes traffic to Telegram's limits; it is not processing cost)."""
    fake = FakeTelegram(record=record)
    application.bot._request = (fake, fake)  # type: ignore[attr-defined]
    application.bot._rate_limiter = None  # type: ignore[attr-defined]
    return fake


class Updates:
    """Builds incoming updates with growing ids, as Telegram would deliver them."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    def text(
        self, application: Application[Any, Any, Any, Any, Any, Any], user_id: int, text: str
    ) -> Update:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        data = {
            "update_id": next(self._ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": f"文书{user_id}"},
                "from": {"id": user_id, "is_bot": False, "first_name": f"文书{user_id}"},
                "text": text,
                "entities": entities,
            },
        }
        return Update.de_json(data, application.bot)
