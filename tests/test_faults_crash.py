"""The bot killed with SIGKILL at random moments of a scripted fill, and restarted each time.

A clerk fills in the seed report through the real ``nianbao run`` process over the Bot API test
server. Another clerk of another office runs the same script without interruption. At seeded
random moments (just after an update is sent, while it may be being processed, committed or
answered) the bot is killed and restarted. In the end both reports must be identical, every
answer stored exactly once: the audit log has one entry per changed target, the same as the
uninterrupted run's.

Quick form: 5 kills. ``NIANBAO_LONG=1`` (``make bench``): 30 kills.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from bot.app import build_application
from bot.settings import Settings
from storage import Role, Store
from tests.bot_process import BotProcess, Person
from tests.fakenet import TOKEN, FakeTelegram, Updates
from tests.seed import seed_figures

pytestmark = pytest.mark.slow

LONG = os.environ.get("NIANBAO_LONG") == "1"
KILLS = 30 if LONG else 5
SEED = 20261125
STEADY = 9101
CRASHY = 9102
YEAR = "2020"


@dataclass(frozen=True)
class Action:
    kind: str  # "say", "tap" or "command"
    value: str
    args: str = ""


def say(text: str) -> Action:
    return Action("say", text)


def tap(label: str) -> Action:
    return Action("tap", label)


APPEND = tap("补充")
SCRIPT: tuple[Action, ...] = (
    Action("command", "fill", YEAR),
    say("2020年，本镇高度重视政府信息公开工作，全年主动公开政府信息103条。"),
    say("通过网络问政平台，回复公众提问39次。"),
    tap("补充"),
    say("及时回应群众关切。"),  # appended to the part after 补充
    say("接受社会各界依申请公开0条。"),
    say("在政府信息公开专栏上发布103条信息。"),
    *(tap("本行全为0") for _ in range(7)),
    say("9个 180000元"),
    tap("没有收到"),
    tap("本行全为0"),
    tap("没有"),
    say("公开的质量有待提高，下一步加强业务人员学习培训。"),
    say("无。"),
    tap("生成报告"),
)


def _office(store: Store, name: str, clerk: int) -> int:
    org = store.add_organisation(name)
    store.upsert_person(clerk, f"文书{clerk}")
    store.add_membership(clerk, org.id, Role.CLERK)
    return org.id


def _send(person: Person, action: Action) -> None:
    """Send the action without waiting for the reply."""
    client = person.client
    if action.kind == "say":
        client.send_text(person.user_id, action.value)
    elif action.kind == "command":
        client.send_command(person.user_id, action.value, action.args)
    else:
        message = person.message_with_button(action.value)
        button = next(b for b in message.buttons if b.text.startswith(action.value))
        client.press_button(person.user_id, message.message_id, button.callback_data)


def _caught_up(person: Person, timeout: float = 20.0) -> None:
    """Wait until every update was confirmed by the bot, then until it has gone quiet."""
    deadline = time.monotonic() + timeout
    while person.client.updates()["pending"]:
        assert time.monotonic() < deadline, "the restarted bot did not catch up"
        time.sleep(0.05)
    person.settle(expect_new=False)


def _stored(db, org_id: int):  # type: ignore[no-untyped-def]
    with Store(db) as store:
        stored = store.report(org_id, int(YEAR), create=False)
        assert stored is not None
        return store.load(stored.id), stored.status, store.audit_log(stored.id)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_killed_at_random_moments_the_report_is_the_same_and_nothing_is_applied_twice(
    botapi_server, tmp_path, mode
):
    db = tmp_path / "bot.db"
    with Store(db) as store:
        steady_org = _office(store, "某县甲镇人民政府", STEADY)
        crashy_org = _office(store, "某县乙镇人民政府", CRASHY)
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log", webhook=mode == "webhook").start()
    client = botapi_server.client
    try:
        steady = Person(client, STEADY, "甲镇文书")
        for action in SCRIPT:
            _send(steady, action)
            steady.settle()

        rng = random.Random(SEED)
        kill_at = Counter(rng.choices(range(len(SCRIPT)), k=KILLS))
        crashy = Person(client, CRASHY, "乙镇文书")
        for index, action in enumerate(SCRIPT):
            _send(crashy, action)
            for _ in range(kill_at[index]):
                # Anywhere from "not yet fetched" to "answered but not yet confirmed".
                time.sleep(rng.choice((0.0, rng.uniform(0, 0.03), rng.uniform(0.03, 0.25))))
                bot.kill()
                bot.start()
            if kill_at[index]:
                _caught_up(crashy)
            else:
                crashy.settle()
        assert bot.starts == 1 + KILLS
        if mode == "webhook":  # every update came by webhook post, none by polling
            assert client.calls("getUpdates") == []
            assert len(client.calls("setWebhook")) == bot.starts
    finally:
        bot.stop()

    expected, expected_status, expected_audit = _stored(db, steady_org)
    report, status, audit = _stored(db, crashy_org)
    assert expected.figures == seed_figures()
    assert report.figures == expected.figures
    assert report.texts == expected.texts
    assert (
        report.texts["overview.active"]
        == "通过网络问政平台，回复公众提问39次。\n及时回应群众关切。"
    )
    assert status == expected_status
    # Each changed target is in the audit log exactly once: no answer lost, none applied twice.
    targets = Counter(e.target for e in audit)
    assert targets == Counter(e.target for e in expected_audit)
    duplicated = {t: n for t, n in targets.items() if n > 1 and t != "text:overview.active"}
    assert not duplicated
    assert str(status) == "final"
    # A redelivered press is answered again and its buttons removed again; Telegram refuses
    # both, harmlessly (the bot expects it). Nothing else may be refused.
    expected_after_a_crash = ("query is too old", "message is not modified")
    unexpected = [
        c
        for c in client.rejected_calls()
        if not any(reason in (c.description or "") for reason in expected_after_a_crash)
    ]
    assert not unexpected, unexpected


def test_a_button_press_fetched_but_not_yet_saved_is_redelivered_and_applied(
    botapi_server, tmp_path
):
    """Killed while saving the fetched press to the inbox waits for the database: nothing was
    confirmed, so Telegram sends the press again; it is applied once and answered once."""
    db = tmp_path / "bot.db"
    with Store(db) as store:
        _office(store, "某县丙镇人民政府", CRASHY)
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log").start()
    client = botapi_server.client
    clerk = Person(client, CRASHY, "丙镇文书")
    try:
        clerk.command("fill", YEAR)
        clerk.says("综述。")
        answered = {c.seq for c in client.calls("getUpdates") if c.ok is not None}
        # Hold the write lock: the bot fetches the press, then waits to save it.
        lock = sqlite3.connect(db, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        _send(clerk, APPEND)
        client.wait_until(
            lambda s: (
                any(
                    c.method == "getUpdates" and c.ok is not None and c.seq not in answered
                    for c in s.calls
                )
                or None
            ),
            10,
            what="the press to be fetched",
        )
        time.sleep(0.3)
        bot.kill()
        assert client.updates()["pending"], "the press was confirmed before it was saved"
        lock.execute("ROLLBACK")
        lock.close()
        bot.start()
        _caught_up(clerk)
    finally:
        bot.stop()
    everything = Person.text(clerk.bot_messages())
    assert "出了问题" not in everything
    assert "请发送要补充的内容" in Person.text(clerk.bot_messages()[-1:])
    assert not client.rejected_calls()


def test_a_press_saved_in_the_inbox_but_not_processed_is_applied_after_a_restart(
    botapi_server, tmp_path
):
    """Killed after the press was saved to the inbox, confirmed to Telegram and answered, but
    before it was processed (it waits behind the clerk's previous message, whose reply is held
    by a 429): the restarted bot processes both from the inbox, applies each once and does
    not answer the press a second time."""
    db = tmp_path / "bot.db"
    with Store(db) as store:
        org = _office(store, "某县丙镇人民政府", CRASHY)
    bot = BotProcess(botapi_server, db, tmp_path / "bot.log").start()
    client = botapi_server.client
    clerk = Person(client, CRASHY, "丙镇文书")
    try:
        clerk.command("fill", YEAR)
        clerk.says("综述。")  # saved; the next part is asked
        client.fail_next("sendMessage", 1, retry_after=60)
        more = client.send_text(CRASHY, "主动公开的情况。")
        client.wait_for_calls("sendMessage", len(client.calls("sendMessage")) + 1, timeout=10)
        message = clerk.message_with_button("补充")
        button = next(b for b in message.buttons if b.text.startswith("补充"))
        press = client.press_button(CRASHY, message.message_id, button.callback_data)
        assert press.callback_query_id is not None
        client.wait_for_callback_answer(press.callback_query_id, timeout=10)
        client.wait_until(
            lambda s: not s.pending_updates or None, 10, what="both updates confirmed"
        )
        with sqlite3.connect(db) as conn:
            kept = [row[0] for row in conn.execute("SELECT update_id FROM inbox")]
        assert press.update_id in kept and more.update_id in kept
        bot.kill()
        bot.start()
        _caught_up(clerk)
    finally:
        bot.stop()
    answers = [
        c
        for c in client.calls("answerCallbackQuery")
        if c.params.get("callback_query_id") == press.callback_query_id
    ]
    assert len(answers) == 1
    assert not client.rejected_calls()
    # The press came after the text: the clerk is asked what to add to the first part.
    assert "请发送要补充的内容" in Person.text(clerk.bot_messages()[-1:])
    report, _, audit = _stored(db, org)
    assert report.texts["overview.summary"] == "综述。"
    assert "主动公开的情况。" in report.texts.values()
    targets = [e.target for e in audit]
    assert len(targets) == 2 and len(set(targets)) == 2  # each message applied once
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM inbox").fetchone()[0] == 0


class _QueryTooOld(FakeTelegram):
    """Telegram refusing to answer a callback query a second time (or after 15 s)."""

    async def do_request(self, url, method, request_data=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        if url.endswith("/answerCallbackQuery"):
            description = "Bad Request: query is too old and response timeout expired"
            return 400, json.dumps(
                {"ok": False, "error_code": 400, "description": description}
            ).encode()
        return await super().do_request(url, method, request_data, *args, **kwargs)


def test_a_press_whose_query_can_no_longer_be_answered_is_still_applied(tmp_path):
    from telegram import Update

    db = tmp_path / "bot.db"
    store = Store(db)
    _office(store, "某县丁镇人民政府", CRASHY)
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, NIANBAO_DB=str(db), NIANBAO_BOT_USERNAME="b")
    app = build_application(settings, store)
    fake = _QueryTooOld(record=True)
    app.bot._request = (fake, fake)
    app.bot._rate_limiter = None
    updates = Updates()

    async def scenario() -> None:
        async with app:
            await app.process_update(updates.text(app, CRASHY, f"/fill {YEAR}"))
            await app.process_update(updates.text(app, CRASHY, "综述。"))
            state = json.loads(store.load_conversation(CRASHY) or "{}")
            press = {
                "update_id": 99,
                "callback_query": {
                    "id": "q1",
                    "from": {"id": CRASHY, "is_bot": False, "first_name": "文书"},
                    "chat_instance": "c",
                    "data": f"a.{state['seq']}.d",
                    "message": {
                        "message_id": 5,
                        "date": 0,
                        "chat": {"id": CRASHY, "type": "private"},
                        "text": "问题",
                    },
                },
            }
            await app.process_update(Update.de_json(press, app.bot))

    asyncio.run(scenario())
    sent = [p.get("text", "") for m, p in fake.sent if m == "sendMessage"]
    store.close()
    assert not any("出了问题" in t for t in sent)
    assert "（一）主动公开" in sent[-1]
