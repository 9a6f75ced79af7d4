"""``nianbao run --webhook``: the real bot process behind a webhook, over the Bot API test server.

The test server plays Telegram (posting updates to the webhook URL, retrying until a 2xx) and
the reverse proxy in front of the bot (forwarding that URL to the bot's local port).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus

import httpx
import pytest
from telegram.ext import MessageHandler, filters

from bot.webhook import WebhookReceiver, local_path
from storage import Role, Store
from tests.bot_process import WEBHOOK_URL, BotProcess, Person
from tests.botapi.ptb import application_builder

CLERK = 9301
YEAR = 2020


@pytest.fixture
def office(tmp_path):  # type: ignore[no-untyped-def]
    db = tmp_path / "bot.db"
    with Store(db) as store:
        org = store.add_organisation("某县丁镇人民政府")
        store.upsert_person(CLERK, "丁镇文书")
        store.add_membership(CLERK, org.id, Role.CLERK)
    return db, org.id


def _overview(db, org_id: int) -> str | None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        stored = store.report(org_id, YEAR, create=False)
        return None if stored is None else store.load(stored.id).texts.get("overview.summary")


def _update(text: str) -> dict:
    user = {"id": CLERK, "is_bot": False, "first_name": "冒充者"}
    return {
        "update_id": 1,
        "message": {
            "message_id": 999,
            "date": 1_700_000_000,
            "chat": {"id": CLERK, "type": "private", "first_name": "冒充者"},
            "from": user,
            "text": text,
        },
    }


def _all_confirmed(client) -> None:  # type: ignore[no-untyped-def]
    """Wait until the bot has answered every post with 200 (the reply may come a little before)."""
    client.wait_until(lambda s: not s.pending_updates or None, 10, what="every update confirmed")


def test_a_clerk_fills_in_through_the_webhook(botapi_server, tmp_path, office) -> None:
    db, org_id = office
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log", webhook=True).start()
    client = botapi_server.client
    try:
        clerk = Person(client, CLERK, "丁镇文书")
        question = clerk.command("fill", str(YEAR))
        assert "总体情况" in clerk.text(question)
        clerk.says("2020年，本镇主动公开政府信息103条。")
        reply = clerk.taps("补充")
        assert reply, "the press got no answer"
        assert _overview(db, org_id) == "2020年，本镇主动公开政府信息103条。"

        (registered,) = client.calls("setWebhook")
        assert registered.params["url"] == WEBHOOK_URL
        assert len(str(registered.params["secret_token"])) >= 32
        assert "callback_query" in json.loads(registered.params["allowed_updates"])
        assert client.calls("getUpdates") == []
        _all_confirmed(client)
        client.assert_no_rejected_calls()
    finally:
        bot.stop()
    assert botapi_server.token not in bot.log()


def test_clerks_of_several_offices_typing_at_once_are_served_in_parallel_each_in_order(
    botapi_server, tmp_path
) -> None:
    db = tmp_path / "bot.db"
    clerks = {9311 + n: f"某县{name}镇人民政府" for n, name in enumerate("甲乙丙丁戊")}
    with Store(db) as store:
        for clerk_id, name in clerks.items():
            org = store.add_organisation(name)
            store.upsert_person(clerk_id, f"文书{clerk_id}")
            store.add_membership(clerk_id, org.id, Role.CLERK)
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log", webhook=True).start()
    client = botapi_server.client
    try:
        people = [Person(client, clerk_id, f"文书{clerk_id}") for clerk_id in clerks]
        for person in people:
            person.command("fill", str(YEAR))
        for paragraph in range(1, 4):  # everybody at once, without waiting for replies
            for person in people:
                client.send_text(person.user_id, f"{person.user_id}的第{paragraph}段。")
        _all_confirmed(client)
        for person in people:
            person.settle(expect_new=False)
        client.assert_no_rejected_calls()
        assert client.webhook()["peak_in_flight"] > 1  # posts did overlap
    finally:
        bot.stop()
    with Store(db) as store:
        for clerk_id, name in clerks.items():
            org = store.find_organisation(name)
            texts = store.load(store.report(org.id, YEAR, create=False).id).texts
            # Each message answers one part and moves on: in order, the parts hold 1, 2, 3.
            parts = ("overview.summary", "overview.active", "overview.requests")
            assert [texts[p] for p in parts] == [f"{clerk_id}的第{n}段。" for n in range(1, 4)]


def test_posts_that_do_not_come_from_telegram_are_refused(botapi_server, tmp_path, office) -> None:
    db, org_id = office
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log", webhook=True).start()
    client = botapi_server.client
    local = f"http://127.0.0.1:{bot.webhook_port}/nianbao/telegram"
    try:
        clerk = Person(client, CLERK, "丁镇文书")
        clerk.command("fill", str(YEAR))
        forged = json.dumps(_update("伪造的综述"), ensure_ascii=False).encode()
        header = "X-Telegram-Bot-Api-Secret-Token"
        secret = str(client.calls("setWebhook")[-1].params["secret_token"])
        with httpx.Client(timeout=10) as http:
            assert http.post(local, content=forged).status_code == 403
            assert http.post(local, content=forged, headers={header: "guess"}).status_code == 403
            assert http.get(local).status_code == 405
            assert (
                http.post(local, content=b"{not json", headers={header: secret}).status_code == 400
            )
            # Over the 1 MB limit: the server stops reading (the client may see a reset).
            huge = b"[" + b"0," * (1024 * 1024) + b"0]"
            try:
                status = http.post(local, content=huge, headers={header: secret}).status_code
            except httpx.TransportError:
                status = None
            assert status in (400, 413, None)
            assert http.post(local.replace("/nianbao", ""), content=forged).status_code == 404
        assert _overview(db, org_id) is None
        assert len(clerk.bot_messages()) == clerk.seen  # the forger got no reply in her name

        clerk.says("真正的综述。")
        assert _overview(db, org_id) == "真正的综述。"
    finally:
        bot.stop()


def test_what_a_clerk_sends_while_the_bot_is_down_arrives_once_it_is_back(
    botapi_server, tmp_path, office
) -> None:
    db, org_id = office
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log", webhook=True).start()
    client = botapi_server.client
    try:
        clerk = Person(client, CLERK, "丁镇文书")
        clerk.command("fill", str(YEAR))
        _all_confirmed(client)
        bot.stop()

        client.send_text(CLERK, "停机期间写的综述。")
        client.wait_until(
            lambda s: client.webhook()["last_error"] or None, 10, what="a failed delivery"
        )
        assert client.webhook()["last_error"] == "Connection refused"
        assert len(client.updates()["pending"]) == 1
        assert _overview(db, org_id) is None

        bot.start()
        replies = clerk.settle()
        assert "已保存（上一部分共9字）" in clerk.text(replies)
        _all_confirmed(client)
        assert _overview(db, org_id) == "停机期间写的综述。"
    finally:
        bot.stop()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://bot.example.gov.cn", "/"),
        ("https://bot.example.gov.cn/", "/"),
        ("https://bot.example.gov.cn/hook/", "/hook/"),
        ("https://bot.example.gov.cn/nianbao/telegram?x=1", "/nianbao/telegram"),
    ],
)
def test_the_local_path_is_exactly_the_one_telegram_posts_to(url, path):
    assert local_path(url) == path


def test_a_post_is_answered_once_saved_and_what_a_stop_leaves_is_processed_at_the_next_start(
    botapi_server, tmp_path
):
    """A post is answered 200 once it is in the inbox, while it is still being processed. A
    stop (SIGTERM) refuses new posts with 503 (Telegram posts them again to the restarted bot)
    and leaves an update still being processed after the drain time in the inbox: the next
    start processes it."""
    store = Store(tmp_path / "bot.db")

    async def scenario() -> None:
        release, started = asyncio.Event(), asyncio.Event()
        handled: list[str] = []

        async def slow(update, context) -> None:  # type: ignore[no-untyped-def]
            started.set()
            await release.wait()
            handled.append(update.message.text)

        for run in (1, 2):
            application = application_builder(botapi_server).build()
            application.add_handler(MessageHandler(filters.TEXT, slow))
            receiver = WebhookReceiver(application, "secret", store, durable_wait=0.2)
            async with application:
                await application.start()
                receiver.resume()
                if run == 1:
                    first = await receiver.receive("secret", json.dumps(_update("第一条")).encode())
                    assert first == HTTPStatus.OK
                    await asyncio.wait_for(started.wait(), 5)
                    assert [u for u, _ in store.inbox(application.bot.id)] == [1]
                    assert store.durable_commits >= 1  # the inbox's own: nothing else committed
                    assert await receiver.drain(0.2) is False  # still processing
                    later = await receiver.receive("secret", json.dumps(_update("第二条")).encode())
                    assert later == HTTPStatus.SERVICE_UNAVAILABLE
                    assert handled == []
                else:
                    release.set()
                    assert await receiver.drain(5) is True
                    assert store.inbox(application.bot.id) == []
                await application.stop()
        assert handled == ["第一条"]

    asyncio.run(scenario())
    store.close()
