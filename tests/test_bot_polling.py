"""Long polling: different people at once, one person in order, an unfinished update kept in
the inbox (confirmed to Telegram) and processed after a restart."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.polling import poll
from storage import Store
from tests.botapi.ptb import application_builder

SLOW, QUICK = 1001, 1002


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_one_slow_person_holds_up_nobody_else_and_stays_in_order(
    botapi_server, tmp_path
) -> None:
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
        polling = asyncio.create_task(poll(app, stop, Store(tmp_path / "bot.db")))
        await people.wait_until(lambda s: not s.pending_updates or None, what="confirmed")
        while len(handled) < 3:
            await asyncio.sleep(0.01)
        stop.set()
        await polling
    assert handled == ["快的", "慢的第一条", "慢的第二条"]


@pytest.mark.anyio
async def test_an_unfinished_update_is_kept_and_processed_after_a_restart(
    botapi_server, tmp_path
) -> None:
    """Stopped while one person's update is still being handled: Telegram has been told it was
    received (it is in the inbox), and the next run processes it and what came after it, but
    not the update that was finished."""
    handled: list[str] = []
    stuck_once = asyncio.Event()

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        if update.message.text == "卡住" and not stuck_once.is_set():
            stuck_once.set()
            await asyncio.sleep(3600)
        handled.append(update.message.text)

    store = Store(tmp_path / "bot.db")
    async with botapi_server.async_client() as people:
        for run in (1, 2):
            app = application_builder(botapi_server).build()
            app.add_handler(MessageHandler(filters.TEXT, on_text))
            stop = asyncio.Event()
            async with app:
                if run == 1:
                    await people.send_text(QUICK, "好了")
                    stuck = await people.send_text(SLOW, "卡住")
                    await people.send_text(SLOW, "之后")
                polling = asyncio.create_task(poll(app, stop, store))
                if run == 1:
                    await stuck_once.wait()
                    await people.wait_until(
                        lambda s: not s.pending_updates or None, what="all confirmed"
                    )
                    while "好了" not in handled:
                        await asyncio.sleep(0.01)
                    polling.cancel()
                    with pytest.raises(asyncio.CancelledError):
                        await polling
                    assert [uid for uid, _ in store.inbox(app.bot.id)][:2] == [
                        stuck.update_id,
                        stuck.update_id + 1,
                    ]
                else:
                    while len(handled) < 3:
                        await asyncio.sleep(0.01)
                    stop.set()
                    await polling
    assert handled == ["好了", "卡住", "之后"]
    assert store.inbox(app.bot.id) == []
    store.close()


@pytest.mark.anyio
async def test_a_batch_is_confirmed_only_once_a_durable_commit_covers_it(
    botapi_server, tmp_path
) -> None:
    """The inbox's commit of a fetched batch is not fsync'd; the batch is confirmed to Telegram
    only after the answer's own (fsync'd) commit, so one fsync per answered update suffices and
    a power loss cannot lose an update Telegram was told was received."""
    store = Store(tmp_path / "bot.db")
    entered, release = asyncio.Event(), asyncio.Event()

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        entered.set()
        await release.wait()
        store.claim_update(update.update_id)  # the answer's commit, as the engine makes it

    app = application_builder(botapi_server).build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    stop = asyncio.Event()
    async with botapi_server.async_client() as people, app:
        sent = await people.send_text(QUICK, "一条")
        polling = asyncio.create_task(poll(app, stop, store, durable_wait=3600))
        await entered.wait()
        await asyncio.sleep(0.5)
        assert [u["update_id"] for u in (await people.updates())["pending"]] == [sent.update_id]
        assert [uid for uid, _ in store.inbox(app.bot.id)] == [sent.update_id]
        assert store.durable_commits == 0
        release.set()
        await people.wait_until(lambda s: not s.pending_updates or None, what="confirmed")
        assert store.durable_commits == 1
        stop.set()
        await polling
    store.close()


@pytest.mark.anyio
async def test_an_update_that_commits_nothing_is_confirmed_after_a_commit_of_the_inbox(
    botapi_server, tmp_path
) -> None:
    """When processing writes nothing (or takes long), the inbox makes one durable commit of
    its own after a short wait, and then confirms the batch."""
    store = Store(tmp_path / "bot.db")
    handled: list[str] = []

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        handled.append(update.message.text)

    app = application_builder(botapi_server).build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    stop = asyncio.Event()
    async with botapi_server.async_client() as people, app:
        await people.send_text(QUICK, "不用回")
        polling = asyncio.create_task(poll(app, stop, store, durable_wait=0.3))
        await people.wait_until(lambda s: not s.pending_updates or None, what="confirmed")
        assert handled == ["不用回"]
        assert store.durable_commits == 1
        stop.set()
        await polling
    store.close()


@pytest.mark.anyio
async def test_a_flood_of_presses_is_answered_before_any_press_is_processed(
    botapi_server, tmp_path
) -> None:
    """Telegram wants each press answered within 15 s; processing (whose reply waits for the
    send budget anyway) can wait. A batch of presses: every answer is in before the first
    press is processed."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.ext import CallbackQueryHandler

    clerks = range(2001, 2041)
    answered_when_processed: list[int] = []

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        async with botapi_server.async_client() as look:
            answered_when_processed.append(len(await look.calls("answerCallbackQuery")))

    app = application_builder(botapi_server).build()
    app.add_handler(CallbackQueryHandler(on_press))
    stop = asyncio.Event()
    async with botapi_server.async_client() as people, app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("继续", callback_data="go")]])
        for clerk in clerks:
            await people.send_command(clerk, "start")
            sent = await app.bot.send_message(clerk, "请确认", reply_markup=keyboard)
            await people.press_button(clerk, sent.message_id, "go")
        polling = asyncio.create_task(poll(app, stop, Store(tmp_path / "bot.db")))

        async def all_processed() -> None:
            while len(answered_when_processed) < len(clerks):
                await asyncio.sleep(0.01)

        await asyncio.wait_for(all_processed(), 60)
        stop.set()
        await polling
    assert answered_when_processed[0] == len(clerks)
