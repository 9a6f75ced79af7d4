"""Long polling: different people at once, one person in order, nothing confirmed unfinished."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.polling import poll
from tests.botapi.ptb import application_builder

SLOW, QUICK = 1001, 1002


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_one_slow_person_holds_up_nobody_else_and_stays_in_order(botapi_server) -> None:
    """The slow person's first message is still being handled when the other person's
    message is handled; the slow person's second message waits for their first."""
    handled: list[str] = []
    release = asyncio.Event()

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        text = update.message.text
        if text == "慢的第一条":
            await release.wait()
        handled.append(text)
        if text == "快的":
            release.set()

    app = application_builder(botapi_server).build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    stop = asyncio.Event()
    async with botapi_server.async_client() as people, app:
        await people.send_text(SLOW, "慢的第一条")
        await people.send_text(SLOW, "慢的第二条")
        await people.send_text(QUICK, "快的")
        polling = asyncio.create_task(poll(app, stop))
        await people.wait_until(lambda s: not s.pending_updates or None, what="confirmed")
        stop.set()
        await polling
    assert handled == ["快的", "慢的第一条", "慢的第二条"]


@pytest.mark.anyio
async def test_an_unfinished_update_is_not_confirmed(botapi_server) -> None:
    """Stopped while one person's update is still being handled: that update (and what came
    after it) stays with Telegram; finished updates before it are confirmed."""
    started = asyncio.Event()

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        if update.message.text == "卡住":
            started.set()
            await asyncio.sleep(3600)

    app = application_builder(botapi_server).build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    stop = asyncio.Event()
    async with botapi_server.async_client() as people, app:
        done = await people.send_text(QUICK, "好了")
        stuck = await people.send_text(SLOW, "卡住")
        later = await people.send_text(QUICK, "之后")
        polling = asyncio.create_task(poll(app, stop))
        await started.wait()
        await people.wait_until(
            lambda s: (
                [u["update_id"] for u in s.pending_updates] == [stuck.update_id, later.update_id]
                or None
            ),
            what="the finished update confirmed",
        )
        polling.cancel()
        with pytest.raises(asyncio.CancelledError):
            await polling
        pending = [u["update_id"] for u in (await people.updates())["pending"]]
    assert done.update_id not in pending
    assert pending == [stuck.update_id, later.update_id]
