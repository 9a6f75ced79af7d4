"""Several bots, one store: two tokens (two cities' bots) polled in one process over one
database, each against its own strict Bot API test server, so that a message sent through the
wrong bot (one the person never started) is refused as Telegram would refuse it.

The offices: a city office with a supervisor above two townships; 蟠龙镇 joined through the
first bot, 凤岗镇 through the second. The supervisor joined through the first bot and gets
every notice through it; each clerk is answered and reminded by the bot they joined through.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import time_machine

from bot.app import build_applications
from bot.commands.run import LOG_FORMAT, RedactingFormatter
from bot.lifecycle import running
from bot.polling import poll
from bot.reminders import RUNS_KEY
from bot.settings import Settings
from bot.webhook import serve_webhook
from dialogs import texts
from dialogs.console import plain
from storage import Role, Store
from tests.bot_process import WEBHOOK_HOST, WEBHOOK_URL, BotProcess, Person, free_port
from tests.botapi.router import TokenRouter
from tests.botapi.server import BotApiServer
from tests.botapi.state import DEFAULT_TOKEN, ServerConfig

SECOND_TOKEN = "7000000002:AAHnianbaoSecondCityTokenForTests00"
FIRST_NAME, SECOND_NAME = "nanchang_nianbao_bot", "ganzhou_nianbao_bot"
CLERK_FIRST, CLERK_SECOND, SUPERVISOR = 6101, 6102, 6103
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def servers() -> Iterator[tuple[BotApiServer, BotApiServer]]:
    """Two bots' Bot API servers; both count update ids from the same number."""
    first = BotApiServer(ServerConfig(token=DEFAULT_TOKEN, bot_username=FIRST_NAME)).start()
    second = BotApiServer(ServerConfig(token=SECOND_TOKEN, bot_username=SECOND_NAME)).start()
    try:
        yield first, second
    finally:
        second.stop()
        first.stop()


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The city office and its two townships, nobody in them yet; an invite code for each."""
    path = tmp_path / "bots.db"
    with Store(path) as store:
        city = store.add_organisation("赣州市人民政府办公室", short_name="赣州市")
        first = store.add_organisation("赣州经开区蟠龙镇人民政府", parent_id=city.id)
        second = store.add_organisation("赣州经开区凤岗镇人民政府", parent_id=city.id)
        codes = {
            "first": store.create_invite(first.id, Role.CLERK).code,
            "second": store.create_invite(second.id, Role.CLERK).code,
            "city": store.create_invite(city.id, Role.SUPERVISOR).code,
        }
    return path, codes


def settings(servers: tuple[BotApiServer, BotApiServer], path: Path) -> Settings:
    first, second = servers
    return Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": first.token,
            "TELEGRAM_BOT_TOKENS": second.token,
            "NIANBAO_DB": str(path),
            "NIANBAO_TZ": "Asia/Shanghai",
        }
    )


@asynccontextmanager
async def bots_running(
    servers: tuple[BotApiServer, BotApiServer], path: Path
) -> AsyncIterator[dict]:
    """Both bots as ``nianbao run`` starts them (``run_polling``): one store, one poller per
    bot; yields the first bot's bot_data (where reminder runs are counted)."""
    with Store(path) as store:
        applications = build_applications(
            settings(servers, path), store, base_urls=[s.base_url for s in servers]
        )
        async with running(*applications) as stop:
            polls = [asyncio.create_task(poll(app, stop, store)) for app in applications]
            try:
                yield applications[0].bot_data
            finally:
                stop.set()
                await asyncio.gather(*polls)


async def texts_to(people, person: int) -> list[str]:
    return [plain(m.text or "") for m in await people.bot_messages(person)]


@pytest.mark.anyio
async def test_each_clerk_is_answered_by_their_bot_and_colliding_update_ids_both_count(
    servers, db
) -> None:
    path, codes = db
    first, second = servers
    async with first.async_client() as via_first, second.async_client() as via_second:
        await via_first.add_user(CLERK_FIRST, "蟠龙镇文书")
        await via_second.add_user(CLERK_SECOND, "凤岗镇文书")
        joined_first = await via_first.send_start(CLERK_FIRST, codes["first"])
        joined_second = await via_second.send_start(CLERK_SECOND, codes["second"])
        # Telegram counts update ids per bot: the two joins carry the same number.
        assert joined_first.update_id == joined_second.update_id
        async with bots_running(servers, path):
            (welcome_first,) = await via_first.wait_for_bot_messages(CLERK_FIRST, 1)
            (welcome_second,) = await via_second.wait_for_bot_messages(CLERK_SECOND, 1)
            assert "蟠龙镇" in plain(welcome_first.text or "")
            assert "凤岗镇" in plain(welcome_second.text or "")

            await via_second.send_command(CLERK_SECOND, "deadline")
            answer = await via_second.wait_for_bot_messages(CLERK_SECOND, 2)
            assert "2027年1月31日" in plain(answer[-1].text or "")

            # The first town's clerk writes to the other city's bot: pointed to their own.
            await via_second.add_user(CLERK_FIRST, "蟠龙镇文书")
            await via_second.send_text(CLERK_FIRST, "你好")
            (pointed,) = await via_second.wait_for_bot_messages(CLERK_FIRST, 1)
            assert plain(pointed.text or "") == texts.WRONG_BOT.format(bot=FIRST_NAME)
        await via_first.assert_no_rejected_calls()
        await via_second.assert_no_rejected_calls()
    with Store(path) as store:
        town_first = store.find_organisation("蟠龙镇")
        town_second = store.find_organisation("凤岗镇")
        assert town_first is not None and town_second is not None
        assert store.office_bot(town_first.id) == first.bot_id
        assert store.office_bot(town_second.id) == second.bot_id
        assert [(b.id, b.username, b.position) for b in store.bots()] == [
            (first.bot_id, FIRST_NAME, 0),
            (second.bot_id, SECOND_NAME, 1),
        ]
        # Both joins are on record, each under its own bot.
        assert not store.claim_update(joined_first.update_id, first.bot_id)
        assert not store.claim_update(joined_second.update_id, second.bot_id)


@pytest.mark.anyio
async def test_a_supervisor_above_both_bots_reaches_each_clerk_through_the_clerks_bot(
    servers, db
) -> None:
    """The supervisor joined through the first bot; the deadline they set is announced to
    each township's clerk through that township's bot (the second town's clerk never started
    the first bot: Telegram would refuse it)."""
    path, codes = db
    first, second = servers
    async with first.async_client() as via_first, second.async_client() as via_second:
        await via_first.add_user(SUPERVISOR, "市政府办主任")
        await via_first.add_user(CLERK_FIRST, "蟠龙镇文书")
        await via_second.add_user(CLERK_SECOND, "凤岗镇文书")
        async with bots_running(servers, path):
            await via_first.send_start(SUPERVISOR, codes["city"])
            await via_first.send_start(CLERK_FIRST, codes["first"])
            await via_second.send_start(CLERK_SECOND, codes["second"])
            await via_first.wait_for_bot_messages(SUPERVISOR, 1)
            await via_first.wait_for_bot_messages(CLERK_FIRST, 1)
            await via_second.wait_for_bot_messages(CLERK_SECOND, 1)

            await via_first.send_command(SUPERVISOR, "deadline", "1月15日")
            notice_first = await via_first.wait_for_bot_messages(CLERK_FIRST, 2)
            notice_second = await via_second.wait_for_bot_messages(CLERK_SECOND, 2)
            for notice in (notice_first[-1], notice_second[-1]):
                assert "1月15日" in plain(notice.text or "")
            assert "赣州经开区凤岗镇人民政府" in plain(notice_second[-1].text or "")

            # Through the other bot, the supervisor is pointed back to theirs.
            await via_second.add_user(SUPERVISOR, "市政府办主任")
            await via_second.send_command(SUPERVISOR, "progress")
            (pointed,) = await via_second.wait_for_bot_messages(SUPERVISOR, 1)
            assert plain(pointed.text or "") == texts.WRONG_BOT.format(bot=FIRST_NAME)
        assert await via_first.bot_messages(CLERK_SECOND) == []
        await via_first.assert_no_rejected_calls()
        await via_second.assert_no_rejected_calls()


@pytest.mark.anyio
async def test_reminders_go_out_through_each_clerks_own_bot(servers, db) -> None:
    path, codes = db
    first, second = servers
    async with first.async_client() as via_first, second.async_client() as via_second:
        await via_first.add_user(CLERK_FIRST, "蟠龙镇文书")
        await via_second.add_user(CLERK_SECOND, "凤岗镇文书")
        async with bots_running(servers, path):
            await via_first.send_start(CLERK_FIRST, codes["first"])
            await via_second.send_start(CLERK_SECOND, codes["second"])
            await via_first.wait_for_bot_messages(CLERK_FIRST, 1)
            await via_second.wait_for_bot_messages(CLERK_SECOND, 1)
        # Friday 2025-01-24, a week before the deadline: the start-up run reminds both.
        with time_machine.travel(datetime(2025, 1, 24, 11, 0, tzinfo=SHANGHAI), tick=True):
            async with bots_running(servers, path) as bot_data:
                for _ in range(400):
                    if bot_data.get(RUNS_KEY, 0) >= 1:
                        break
                    await asyncio.sleep(0.025)
                assert bot_data.get(RUNS_KEY, 0) >= 1, "the reminder run did not finish"
        reminded_first = [t for t in await texts_to(via_first, CLERK_FIRST) if "⏰" in t]
        reminded_second = [t for t in await texts_to(via_second, CLERK_SECOND) if "⏰" in t]
        assert len(reminded_first) == 1 and "蟠龙镇" in reminded_first[0]
        assert len(reminded_second) == 1 and "凤岗镇" in reminded_second[0]
        assert await via_first.bot_messages(CLERK_SECOND) == []
        assert await via_second.bot_messages(CLERK_FIRST) == []
        await via_first.assert_no_rejected_calls()
        await via_second.assert_no_rejected_calls()
    with Store(path) as store:
        assert sorted(r.person_id for r in store.reminders()) == [CLERK_FIRST, CLERK_SECOND]


def test_every_token_is_read_checked_and_redacted() -> None:
    both = Settings.model_validate(
        {"TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_BOT_TOKENS": f"{SECOND_TOKEN}, "}
    )
    assert both.tokens() == [DEFAULT_TOKEN, SECOND_TOKEN]
    assert both.token_problem() is None
    only_list = Settings.model_validate(
        {"TELEGRAM_BOT_TOKENS": f"{SECOND_TOKEN},{DEFAULT_TOKEN},{SECOND_TOKEN}"}
    )
    assert only_list.tokens() == [SECOND_TOKEN, DEFAULT_TOKEN]
    broken = Settings.model_validate(
        {"TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_BOT_TOKENS": "7000000003:short"}
    )
    problem = broken.token_problem()
    assert problem is not None and "bot token 2" in problem and "short" not in problem
    same_bot = Settings.model_validate(
        {"TELEGRAM_BOT_TOKENS": f"{DEFAULT_TOKEN},7000000001:AAHanotherSecretOfTheSameBot000"}
    )
    assert "same bot" in (same_bot.token_problem() or "")

    formatter = RedactingFormatter(both.tokens(), LOG_FORMAT)
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "GET https://api/bot%s/getMe and .../bot%s/getUpdates, secret %s",
        (DEFAULT_TOKEN, SECOND_TOKEN, SECOND_TOKEN.partition(":")[2]),
        None,
    )
    text = formatter.format(record)
    assert DEFAULT_TOKEN not in text and SECOND_TOKEN.partition(":")[2] not in text
    assert text.count("<token>") == 3


# --- behind one webhook server --------------------------------------------------------------


@asynccontextmanager
async def webhooks_running(
    servers: tuple[BotApiServer, BotApiServer], path: Path, port: int
) -> AsyncIterator[None]:
    """Both bots as ``nianbao run --webhook WEBHOOK_URL`` starts them (``run_webhook``): one
    store, one HTTP server on ``port``; each test server plays Telegram for its bot and the
    reverse proxy that forwards WEBHOOK_URL's host to that port."""
    for server in servers:
        server.client.route_webhook(WEBHOOK_HOST, f"http://127.0.0.1:{port}")
    registered = [len(server.client.calls("setWebhook")) for server in servers]
    with Store(path) as store:
        applications = build_applications(
            settings(servers, path), store, base_urls=[s.base_url for s in servers]
        )
        async with running(*applications) as stop:
            serving = asyncio.create_task(
                serve_webhook(
                    applications,
                    stop,
                    webhook_url=WEBHOOK_URL,
                    listen="127.0.0.1",
                    port=port,
                    store=store,
                )
            )
            try:
                for server, before in zip(servers, registered, strict=True):
                    async with server.async_client() as control:
                        await control.wait_until(
                            lambda s, before=before: (
                                len([c for c in s.calls if c.method == "setWebhook"]) > before
                                or None
                            ),
                            10,
                            what="the webhook to be set",
                        )
                yield
            finally:
                stop.set()
                await serving


async def all_delivered(control) -> None:  # type: ignore[no-untyped-def]
    """Wait until the bot answered every post of this test server with a 2xx."""
    await control.wait_until(
        lambda s: not s.pending_updates or None, 10, what="every update delivered"
    )


async def said(control, person: int, words: str, seen: int = 0) -> int:  # type: ignore[no-untyped-def]
    """Wait until the bot has sent ``person`` more than ``seen`` messages saying ``words``;
    how many it has sent them by then."""

    def check(snapshot):  # type: ignore[no-untyped-def]
        messages = snapshot.bot_messages(person)
        return len(messages) if sum(words in plain(m.text or "") for m in messages) > seen else None

    return await control.wait_until(check, 10, what=f"{words!r} to {person}")


FORGED_UPDATE = 424242


def _posted(text: str, user_id: int) -> bytes:
    user = {"id": user_id, "is_bot": False, "first_name": "冒充者"}
    chat = {"id": user_id, "type": "private", "first_name": "冒充者"}
    message = {"message_id": 999, "date": 1_700_000_000, "chat": chat, "from": user, "text": text}
    return json.dumps({"update_id": FORGED_UPDATE, "message": message}, ensure_ascii=False).encode()


@pytest.mark.anyio
async def test_behind_one_webhook_each_bot_has_its_own_path_and_secret_and_a_restart_loses_nothing(
    servers, db
) -> None:
    path, codes = db
    first, second = servers
    port = free_port()
    async with first.async_client() as via_first, second.async_client() as via_second:
        await via_first.add_user(CLERK_FIRST, "蟠龙镇文书")
        await via_second.add_user(CLERK_SECOND, "凤岗镇文书")
        async with webhooks_running(servers, path, port):
            await via_first.send_start(CLERK_FIRST, codes["first"])
            await via_second.send_start(CLERK_SECOND, codes["second"])
            await via_first.wait_for_bot_messages(CLERK_FIRST, 1)
            await via_second.wait_for_bot_messages(CLERK_SECOND, 1)
            for control, clerk, town in (
                (via_first, CLERK_FIRST, "蟠龙镇"),
                (via_second, CLERK_SECOND, "凤岗镇"),
            ):
                await control.send_command(clerk, "fill", "2020")
                await said(control, clerk, "总体情况")
                await control.send_text(clerk, f"{town}的综述。")
                await said(control, clerk, "已保存")
            await all_delivered(via_first)
            await all_delivered(via_second)

            (hook_first,) = await via_first.calls("setWebhook")
            (hook_second,) = await via_second.calls("setWebhook")
            urls = [str(h.params["url"]) for h in (hook_first, hook_second)]
            assert urls == [f"{WEBHOOK_URL}/{first.bot_id}", f"{WEBHOOK_URL}/{second.bot_id}"]
            secrets = [str(h.params["secret_token"]) for h in (hook_first, hook_second)]
            assert secrets[0] != secrets[1] and min(len(s) for s in secrets) >= 32
            for server in servers:
                hidden = server.token.partition(":")[2]
                assert all(hidden not in text for text in (*urls, *secrets))
            assert await via_first.calls("getUpdates") == []

            # Forged posts: no secret, the other bot's secret, the other bot's path, no bot's.
            local = f"http://127.0.0.1:{port}/nianbao/telegram"
            header = "X-Telegram-Bot-Api-Secret-Token"
            forged = _posted("伪造的综述", CLERK_FIRST)
            to_first, to_second = f"{local}/{first.bot_id}", f"{local}/{second.bot_id}"
            async with httpx.AsyncClient(timeout=10) as http:
                refused = [
                    await http.post(to_first, content=forged),
                    await http.post(to_first, content=forged, headers={header: secrets[1]}),
                    await http.post(to_second, content=forged, headers={header: secrets[0]}),
                    await http.post(local, content=forged, headers={header: secrets[0]}),
                    await http.post(f"{local}/7000000009", content=forged),
                    await http.post(f"{local}/", content=forged, headers={header: secrets[0]}),
                ]
            assert [r.status_code for r in refused] == [403, 403, 403, 404, 404, 404]
            with Store(path) as look:
                kept = [u for bot in (first, second) for u, _ in look.inbox(bot.bot_id)]
            assert FORGED_UPDATE not in kept
            sent_before = len(await via_first.bot_messages(CLERK_FIRST))
        assert len(await via_first.bot_messages(CLERK_FIRST)) == sent_before  # none to the forger

        # While both bots are down, each clerk writes the next part to their own bot.
        await via_first.send_text(CLERK_FIRST, "蟠龙镇停机期间写的。")
        await via_second.send_text(CLERK_SECOND, "凤岗镇停机期间写的。")
        for control in (via_first, via_second):
            await control.wait_until(
                lambda s: s.pending_updates or None, 10, what="an update waiting"
            )
        async with webhooks_running(servers, path, port):
            # Each saved answer is acknowledged once: the first, and now the one sent while down.
            await said(via_first, CLERK_FIRST, "已保存", 1)
            await said(via_second, CLERK_SECOND, "已保存", 1)
            await all_delivered(via_first)
            await all_delivered(via_second)
            # The same path and secret at every start.
            assert [str(c.params["url"]) for c in await via_first.calls("setWebhook")] == [
                urls[0],
                urls[0],
            ]
            again = await via_second.calls("setWebhook")
            assert {str(c.params["secret_token"]) for c in again} == {secrets[1]}
        assert await via_first.bot_messages(CLERK_SECOND) == []
        assert await via_second.bot_messages(CLERK_FIRST) == []
        await via_first.assert_no_rejected_calls()
        await via_second.assert_no_rejected_calls()
    with Store(path) as store:
        for town, bot, written in (
            ("蟠龙镇", first.bot_id, ["蟠龙镇的综述。", "蟠龙镇停机期间写的。"]),
            ("凤岗镇", second.bot_id, ["凤岗镇的综述。", "凤岗镇停机期间写的。"]),
        ):
            org = store.find_organisation(town)
            assert org is not None
            report = store.report(org.id, 2020, create=False)
            assert report is not None
            texts_written = store.load(report.id).texts
            assert [texts_written[p] for p in ("overview.summary", "overview.active")] == written
            # Each change is audited under the update and the bot it came to.
            origins = {e.update for e in store.audit_log(report.id) if e.target.startswith("text:")}
            assert {o.bot_id for o in origins if o is not None} == {bot}
            assert all(o is not None for o in origins)
            assert store.inbox(bot) == []


def test_nianbao_run_behind_a_webhook_serves_both_bots_and_a_kill_loses_nothing(
    servers, db, tmp_path
) -> None:
    """The real ``nianbao run --webhook`` process with both tokens (one Bot API URL, routed to
    each bot's test server by its token); killed (SIGKILL) and started again."""
    path, codes = db
    first, second = servers
    router = TokenRouter(servers).start()
    bot = BotProcess(first, path, tmp_path / "bot.log", webhook=True)
    bot.env |= {
        "TELEGRAM_BOT_TOKENS": second.token,
        "TELEGRAM_API_BASE_URL": router.base_url,
        "NIANBAO_TZ": "Asia/Shanghai",
        "NIANBAO_BOT_USERNAME": "",
    }
    second.client.route_webhook(WEBHOOK_HOST, f"http://127.0.0.1:{bot.webhook_port}")

    def start() -> None:
        before = len(second.client.calls("setWebhook"))
        bot.start()
        second.client.wait_until(
            lambda s: len([c for c in s.calls if c.method == "setWebhook"]) > before or None,
            20,
            what="the second bot's webhook",
        )

    try:
        start()
        clerks = [
            (Person(first.client, CLERK_FIRST, "蟠龙镇文书"), codes["first"], "蟠龙镇"),
            (Person(second.client, CLERK_SECOND, "凤岗镇文书"), codes["second"], "凤岗镇"),
        ]
        for clerk, code, town in clerks:
            assert town in clerk.text(clerk.start(code))
            assert "总体情况" in clerk.text(clerk.command("fill", "2020"))
            assert "已保存" in clerk.text(clerk.says(f"{town}的综述。"))
        bot.kill()

        for clerk, _, town in clerks:
            clerk.client.send_text(clerk.user_id, f"{town}停机期间写的。")
        start()
        for clerk, _, _ in clerks:
            assert "已保存" in clerk.text(clerk.settle())
        urls = [str(s.client.calls("setWebhook")[-1].params["url"]) for s in servers]
        assert urls == [f"{WEBHOOK_URL}/{first.bot_id}", f"{WEBHOOK_URL}/{second.bot_id}"]
        secrets = [str(s.client.calls("setWebhook")[-1].params["secret_token"]) for s in servers]
        for server in servers:
            server.client.wait_until(
                lambda s: not s.pending_updates or None, 10, what="every update delivered"
            )
            server.client.assert_no_rejected_calls()
        assert first.client.bot_messages(CLERK_SECOND) == []
        assert second.client.bot_messages(CLERK_FIRST) == []
    finally:
        bot.stop()
        router.stop()
    log = bot.log()
    for token in (first.token, second.token):
        assert token.partition(":")[2] not in log
    assert all(secret not in log for secret in secrets)
    with Store(path) as store:
        for town in ("蟠龙镇", "凤岗镇"):
            org = store.find_organisation(town)
            assert org is not None
            report = store.report(org.id, 2020, create=False)
            assert report is not None
            written = store.load(report.id).texts
            assert [written[p] for p in ("overview.summary", "overview.active")] == [
                f"{town}的综述。",
                f"{town}停机期间写的。",
            ]
