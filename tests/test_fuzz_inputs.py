"""Hostile and random free text at every entry point: figures, rows, texts, commands, buttons.

Two levels. The engine (the conversation with a real SQLite store) gets random events in random
but reachable states; the real ``Application`` gets random updates, its calls answered by the strict Bot API test
server in-process. Whatever comes in: no exception escapes, every reply is non-empty Chinese in HTML Telegram
accepts, and the database stays consistent (each answer's version equals its audit entries).

Quick form: ~80 examples each. ``NIANBAO_LONG=1`` (``make bench``): 2,000.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.app import build_application
from bot.settings import Settings
from bot.wiring import make_engine
from dialogs import texts
from dialogs.model import (
    ButtonPress,
    Command,
    ConversationState,
    Event,
    Mode,
    OutMessage,
    TextInput,
)
from dialogs.plan import PartQuestion, RowQuestion, plan_for
from report.formats import format_for_year
from report.rules import rules_for
from storage import Role, Store
from tests.botapi.formatting import parse_html
from tests.botapi.inprocess import InProcessBotApi
from tests.botapi.state import CallbackQuery, ServerConfig
from tests.seed import seed_report

LONG = os.environ.get("NIANBAO_LONG") == "1"
EXAMPLES = 2_000 if LONG else 80
YEAR = 2021
TODAY = date(2022, 1, 10)  # filling in the 2021 report
CLERK = 4242
FORMAT = format_for_year(YEAR)
PLAN = plan_for(FORMAT)
RULE_KEYS = [r.key for r in rules_for(FORMAT)]
CJK = re.compile(r"[\u4e00-\u9fff]")
LEAKS = ("Traceback", "Decimal(", "Error", "None", "{'", "<class")

# --- strategies ----------------------------------------------------------------------------------

DIGITS = st.sampled_from(list("0123456789０１２３４５６７８９²³¹٣߃〇一二三十百千万亿"))
UNITS = st.sampled_from(["", "元", "万元", "万", "个", "件", "条", "人次", "%", "‰", "亿"])
SEPARATORS = st.sampled_from([" ", "  ", "，", ",", "、", "\t", "\n", "；", "/", "|"])
SPECIAL_NUMBERS = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-inf",
        "1e9999",
        "1E-9999",
        "-0",
        "0x10",
        "1_000",
        "９" * 50,
        "9" * 5000,
        "1.2.3",
        "..",
        "-",
        "+5",
        "½",
        "Ⅻ",
        "無",
        "全0",
        "无",
        "0",
        "1,000,000",
        "1，000",
    ]
)
NUMBER = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.tuples(st.text(DIGITS, min_size=1, max_size=12), UNITS).map("".join),
    SPECIAL_NUMBERS,
)
ROW = st.lists(st.tuples(NUMBER, SEPARATORS), max_size=12).map(
    lambda items: "".join(n + s for n, s in items)
)
FREE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8"), max_size=50).map(lambda t: t * 700),  # very long
    st.sampled_from(
        [
            "<b>粗</b>",
            "<script>",
            "&amp;",
            "&#0;",
            "a<b",
            "</pre>",
            "\u202e",
            "\x00",
            "\ud7ff",
            "/",
            "//fill",
            "@nianbao_bot",
            " ",
            "\n\n\n",
        ]
    ),
)
TEXT = st.one_of(ROW, NUMBER, FREE_TEXT)
COMMAND_NAMES = st.sampled_from(
    [
        "fill",
        "fill",
        "fill",
        "review",
        "export",
        "cancel",
        "help",
        "last",
        "contents",
        "start",
        "neworg",
        "invite",
        "FILL",
        "fill@nianbao_test_bot",
        "x" * 40,
        "填写",
    ]
)
COMMAND_ARGS = st.one_of(
    st.text(max_size=60),
    st.text(DIGITS, min_size=1, max_size=6),
    st.text(DIGITS, min_size=1, max_size=6).map(lambda t: t + "年"),
    st.sampled_from(
        [
            "2020",
            "2021年",
            "２０２１",
            "²⁰²¹",
            "9" * 5000,
            "1899",
            "2101",
            "-1",
            "draft",
            "草稿",
            "0",
            "٢٠٢١",
        ]
    ),
)
HEADS = st.sampled_from([*list("amxvefgjwio"), "g", "j", "w", "e.d", "i.c", "i.x", "", "zz"])
BUTTON_DATA = st.one_of(
    st.text(max_size=64),
    st.tuples(
        HEADS,
        st.one_of(
            st.integers(-5, 10**6).map(str), st.text(DIGITS, max_size=8), st.text(max_size=10)
        ),
    ).map(lambda p: f"{p[0]}.{p[1]}"),
    st.tuples(st.integers(-1, 10**4), st.sampled_from([*list("bszrldktyn"), "", "zz", "²"])).map(
        lambda p: f"a.{p[0]}.{p[1]}"
    ),
)
EVENT = st.one_of(
    TEXT.map(lambda t: TextInput(text=t)),
    st.builds(lambda n, a: Command(name=n, args=a), COMMAND_NAMES, COMMAND_ARGS),
    BUTTON_DATA.map(lambda d: ButtonPress(data=d)),
)


# --- checks --------------------------------------------------------------------------------------


def _typed(event: Event) -> str:
    """What the clerk typed in ``event`` (text, command arguments, button data)."""
    if isinstance(event, TextInput):
        return event.text
    if isinstance(event, Command):
        return event.args
    return getattr(event, "data", "")


def assert_clear(messages: list[OutMessage], typed: str = "") -> None:
    """Every reply is non-empty Chinese, valid Telegram HTML, and leaks nothing internal
    (a word the clerk typed may be echoed back: a reason "None" is the clerk's own word)."""
    assert messages, "no reply at all"
    for message in messages:
        plain, _ = parse_html(message.text)  # raises on HTML Telegram would refuse
        assert plain.strip(), f"empty message: {message.text!r}"
        assert CJK.search(plain), f"not a Chinese message: {plain[:200]!r}"
        for leak in LEAKS:
            if leak in typed:
                continue
            assert leak not in plain, f"internal detail {leak!r} leaked: {plain[:300]!r}"
        for row in message.buttons:
            for button in row:
                assert button.label.strip()
                assert 1 <= len(button.data.encode()) <= 64


def assert_consistent(store: Store, report_id: int) -> None:
    """SQLite is sound; every stored answer's version equals its number of audit entries."""
    assert store.integrity_check() == ["ok"]
    report = store.load(report_id)  # validates every stored figure and text
    audit = store.audit_log(report_id)
    counts: dict[str, int] = {}
    for entry in audit:
        counts[entry.target] = counts.get(entry.target, 0) + 1
    targets = [*FORMAT.cells_by_id, *(f"text:{p.id}" for p in FORMAT.parts)]
    for target, version in store.cell_versions(report_id, targets).items():
        assert counts.get(target, 0) == version, target
    for cell_id, value in report.figures.items():
        assert (value.is_finite() and value >= 0) or FORMAT.cell(cell_id).column.signed


# --- the engine ----------------------------------------------------------------------------------


@pytest.fixture
def filled_store(tmp_path):
    store = Store(tmp_path / "fuzz.db")
    org = store.add_organisation("某县某镇人民政府")
    store.upsert_person(CLERK, "文书")
    store.add_membership(CLERK, org.id, Role.CLERK)
    last_year = seed_report().model_copy(update={"year": YEAR - 1})
    store.save_imported(org.id, YEAR - 1, last_year, person_id=CLERK)
    stored = store.report(org.id, YEAR)
    yield store, stored.id
    store.close()


ROW_CURSORS = [i for i, q in enumerate(PLAN) if isinstance(q, RowQuestion)]
PART_CURSORS = [i for i, q in enumerate(PLAN) if isinstance(q, PartQuestion)]
ANY_MODE = st.sampled_from([Mode.ASKING, Mode.ASKING, Mode.IDLE, Mode.REASON, Mode.CONFIRM_IMPORT])
COMMAND = st.builds(lambda n, a: Command(name=n, args=a), COMMAND_NAMES, COMMAND_ARGS)
BUTTON = BUTTON_DATA.map(lambda d: ButtonPress(data=d))
ANY_EVENT = st.one_of(TEXT.map(lambda t: TextInput(text=t)), COMMAND, BUTTON)
#: Each entry point: the states it is reached in, and what may arrive there.
ENTRY_POINTS = {
    "figures of a row": (
        st.just(Mode.ASKING),
        st.sampled_from(ROW_CURSORS),
        st.one_of(ROW, NUMBER).map(lambda t: TextInput(text=t)),
    ),
    "text of a part": (
        st.just(Mode.ASKING),
        st.sampled_from(PART_CURSORS),
        FREE_TEXT.map(lambda t: TextInput(text=t)),
    ),
    "reason for a warning": (
        st.just(Mode.REASON),
        st.integers(0, len(PLAN) - 1),
        FREE_TEXT.map(lambda t: TextInput(text=t)),
    ),
    "commands": (ANY_MODE, st.integers(0, len(PLAN) - 1), COMMAND),
    "callback data": (ANY_MODE, st.integers(0, len(PLAN) - 1), BUTTON),
    "anything, anywhere": (ANY_MODE, st.integers(0, len(PLAN) - 1), ANY_EVENT),
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_any_input_in_any_state_gets_a_clear_reply_and_keeps_the_database_consistent(
    filled_store, entry
):
    store, report_id = filled_store
    engine = make_engine(store, today=lambda: TODAY)
    modes, cursors, events = ENTRY_POINTS[entry]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=not LONG,
    )
    @given(
        mode=modes,
        cursor=cursors,
        seq=st.integers(0, 50),
        warning=st.sampled_from(RULE_KEYS),
        gates=st.dictionaries(st.sampled_from(["applications", "appeals"]), st.booleans()),
        part_started=st.booleans(),
        sequence=st.lists(events, min_size=1, max_size=3),
    )
    # Found by the long form: a reason the clerk types is echoed back, whatever it says.
    @example(
        mode=Mode.REASON,
        cursor=0,
        seq=0,
        warning="valid",
        gates={},
        part_started=False,
        sequence=[TextInput(text="None")],
    )
    def run(mode, cursor, seq, warning, gates, part_started, sequence):  # type: ignore[no-untyped-def]
        pending = None
        if mode is Mode.CONFIRM_IMPORT:
            pending = seed_report().model_copy(update={"year": YEAR - 1}).to_json()
        state = ConversationState(
            report_id=report_id,
            mode=mode,
            cursor=cursor,
            seq=seq,
            gates=gates,
            part_started=part_started,
            warning_key=warning if mode is Mode.REASON else None,
            pending_import=pending,
        )
        store.save_conversation(CLERK, state.model_dump_json())
        for event in sequence:
            assert_clear(engine.handle(CLERK, event), typed=_typed(event))
        assert_consistent(store, report_id)
        ConversationState.model_validate_json(store.load_conversation(CLERK) or "{}")

    run()


# --- the Telegram adapter ------------------------------------------------------------------------


def _message(update_id: int, text: str) -> dict:
    entities = []
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": CLERK, "type": "private"},
            "from": {"id": CLERK, "is_bot": False, "first_name": "文书"},
            "text": text,
            "entities": entities,
        },
    }


def _press(update_id: int, data: str) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": {"id": CLERK, "is_bot": False, "first_name": "文书"},
            "chat_instance": "fuzz",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": CLERK, "type": "private"},
                "text": "问题",
                "reply_markup": {"inline_keyboard": [[{"text": "按钮", "callback_data": "a.1.z"}]]},
            },
        },
    }


INCOMING = st.one_of(
    TEXT.filter(bool).map(lambda t: ("text", t)),
    st.tuples(COMMAND_NAMES, COMMAND_ARGS).map(lambda c: ("text", f"/{c[0]} {c[1]}".strip())),
    BUTTON_DATA.filter(lambda d: 1 <= len(d.encode()) <= 64).map(lambda d: ("press", d)),
)


@pytest.fixture
def application(filled_store, tmp_path):
    """The real Application on the strict Bot API test server in-process; the clerk's chat is
    open. Flood control and the bot's own pacing are off: they shape traffic over time, which
    a fuzz run does not measure."""
    from telegram import Update

    world = InProcessBotApi(ServerConfig(flood_overall_rate=0, flood_chat_rate=0))
    world.state.private_chat(world.state.user(CLERK, first_name="文书")).started = True
    store, _ = filled_store
    settings_ = Settings(
        TELEGRAM_BOT_TOKEN=world.token,
        NIANBAO_DB=str(tmp_path / "fuzz.db"),
        NIANBAO_BOT_USERNAME="b",
    )
    app = build_application(settings_, store, requests=world.requests())
    app.bot._rate_limiter = None
    loop = asyncio.new_event_loop()
    loop.run_until_complete(app.initialize())
    counter = iter(range(1, 10**9))

    def deliver(kind: str, value: str) -> None:
        update_id = next(counter)
        if kind == "text":
            data = _message(update_id, value)
        else:
            data = _press(update_id, value)
            world.state.callback_queries[str(update_id)] = CallbackQuery(
                str(update_id), CLERK, CLERK, 1, value, forged=True, created=time.monotonic()
            )
        loop.run_until_complete(app.process_update(Update.de_json(data, app.bot)))

    yield deliver, world.state.calls
    loop.run_until_complete(app.shutdown())
    loop.close()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=not LONG,
)
@given(incoming=st.lists(INCOMING, min_size=1, max_size=4))
def test_any_update_through_the_bot_is_answered_without_an_error(
    application, filled_store, incoming
):
    deliver, calls = application
    store, report_id = filled_store
    for kind, value in incoming:
        before = len(calls)
        deliver(kind, value)
        sent = calls[before:]
        texts_sent = [
            c.params.get("text") or c.params.get("caption") or ""
            for c in sent
            if c.method in ("sendMessage", "sendDocument", "editMessageText")
        ]
        assert texts.SOMETHING_WENT_WRONG not in texts_sent, f"{kind} {value[:80]!r} failed"
        assert texts_sent, f"no reply to {kind} {value[:80]!r}"
        # Telegram's limits (text length after entities, HTML, callback data, keyboards…) are
        # the server's: any call it refused fails the example.
        refused = [(c.method, c.error_code, c.description) for c in sent if not c.ok]
        assert not refused, f"{kind} {value[:80]!r}: {refused}"
        for call in sent:
            if call.method == "sendMessage":
                plain, _ = parse_html(call.params["text"])
                assert plain.strip()
    assert_consistent(store, report_id)


def test_the_checks_catch_what_they_are_meant_to():
    """The helpers above fail on the failures they look for."""
    with pytest.raises(AssertionError):
        assert_clear([OutMessage(text="<b></b>")])
    with pytest.raises(AssertionError):
        assert_clear([OutMessage(text="ValueError: invalid literal for int()")])
    with pytest.raises(Exception):  # noqa: B017 - parse_html's own error type
        assert_clear([OutMessage(text="未闭合的<b>标签")])
    assert Decimal(1).is_finite()


@pytest.mark.parametrize(
    "event",
    [
        Command(name="fill", args="²"),
        Command(name="fill", args="²⁰²¹年"),
        Command(name="fill", args="9" * 5000),
        ButtonPress(data="j.²"),
        ButtonPress(data="g.³"),
        ButtonPress(data="w.¹"),
        ButtonPress(data="a.².z"),
        ButtonPress(data="o.²"),
    ],
)
def test_digits_that_are_not_decimal_get_a_clear_refusal(filled_store, event):
    """Found by the fuzzing above: ``"²".isdigit()`` is true but ``int("²")`` fails."""
    store, report_id = filled_store
    engine = make_engine(store, today=lambda: TODAY)
    engine.handle(CLERK, Command(name="fill"))
    assert_clear(engine.handle(CLERK, event), typed=_typed(event))
    assert_consistent(store, report_id)
