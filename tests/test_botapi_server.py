"""The strict Bot API test server, driven by the real python-telegram-bot and by raw HTTP.

The bots here are tiny ones defined in the tests (not nianbao's): they show that
PTB's Application works against the server and that the server rejects what Telegram
rejects, with Telegram's own error descriptions.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, InvalidToken, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from tests.botapi import (
    AsyncBotApiClient,
    BotApiClient,
    BotApiServer,
    ControlError,
    ServerConfig,
    Snapshot,
    WaitTimeout,
)
from tests.botapi.errors import Desc
from tests.botapi.flood import FloodControl
from tests.botapi.inprocess import InProcessBotApi
from tests.botapi.ptb import application_builder, polling

ROOT = Path(__file__).resolve().parents[1]
USER = 1001
OTHER_USER = 1002


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["http", "inprocess"])
def either(request: pytest.FixtureRequest) -> BotApiServer | InProcessBotApi:
    """The server over HTTP, then the same server in-process: PTB must see no difference."""
    name = "botapi_server" if request.param == "http" else "botapi_inprocess"
    return request.getfixturevalue(name)


def build_app(server: BotApiServer | InProcessBotApi, **options: Any) -> Application:
    builder = application_builder(server)
    if "rate_limiter" in options:
        builder = builder.rate_limiter(options["rate_limiter"])
    return builder.build()


def api(
    server: BotApiServer, method: str, *, token: str | None = None, **params: Any
) -> tuple[int, dict]:
    """Call the Bot API as python-telegram-bot does: form fields, JSON for structures."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    url = f"{server.base_url}{token or server.token}/{method}"
    response = httpx.post(url, data=data, timeout=30)
    return response.status_code, response.json()


def keyboard(*rows: list[tuple[str, str]]) -> dict:
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}


# -- a real PTB application against the server -----------------------------------------


async def echo_with_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(
        f"你说：{update.message.text}",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("确认", callback_data="confirm"),
                    InlineKeyboardButton("取消", callback_data="cancel"),
                ]
            ]
        ),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("已收到")
    outcome = "确认" if query.data == "confirm" else "取消"
    await query.edit_message_text(f"<b>已{outcome}</b>：{query.message.text}", parse_mode="HTML")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(f"欢迎，参数：{' '.join(context.args or []) or '无'}")


@pytest.mark.anyio
async def test_ptb_bot_replies_with_buttons_and_edits_after_a_press(
    either: BotApiServer | InProcessBotApi,
) -> None:
    app = build_app(either)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo_with_buttons))
    app.add_handler(CallbackQueryHandler(on_button))
    async with either.async_client() as people, polling(app):
        await people.send_start(USER, "org-42")
        await people.send_text(USER, "你好")
        welcome, reply = await people.wait_for_bot_messages(USER, 2)
        assert welcome.text == "欢迎，参数：org-42"
        assert reply.text == "你说：你好"
        assert [(b.text, b.callback_data) for b in reply.buttons] == [
            ("确认", "confirm"),
            ("取消", "cancel"),
        ]

        press = await people.press_button(USER, reply.message_id, text="确认")
        answer = await people.wait_for_callback_answer(press.callback_query_id)
        assert answer.answer is not None and answer.answer["text"] == "已收到"
        edited = await people.wait_until(
            lambda s: next((m for m in s.bot_messages(USER) if m.edited), None),
            what="the edited reply",
        )

        assert edited.message_id == reply.message_id
        assert edited.text == "已确认：你说：你好"
        assert edited.entities == [{"type": "bold", "offset": 0, "length": 3}]
        assert edited.parse_mode == "HTML" and edited.source_text.startswith("<b>已确认</b>")
        assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
        assert [v.text for v in edited.history] == ["你说：你好"]
        assert edited.history[0].reply_markup == reply.reply_markup
        with pytest.raises(ControlError, match=r"no button 'cancel'|no button with callback_data"):
            await people.press_button(USER, reply.message_id, "cancel")
        await people.assert_no_rejected_calls()
        assert {c.method for c in await people.calls()} >= {
            "getMe",
            "deleteWebhook",
            "getUpdates",
            "sendMessage",
            "answerCallbackQuery",
            "editMessageText",
        }


async def reverse_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.document is not None
    received = await update.message.document.get_file()
    content = bytes(await received.download_as_bytearray())
    await update.message.reply_chat_action("upload_document")
    await update.message.reply_document(
        document=content[::-1],
        filename="reversed.bin",
        caption=f"收到 <code>{update.message.document.file_name}</code>，{len(content)} 字节",
        parse_mode="HTML",
    )


@pytest.mark.anyio
async def test_ptb_bot_downloads_a_document_and_sends_one_back(
    either: BotApiServer | InProcessBotApi,
) -> None:
    app = build_app(either)
    app.add_handler(MessageHandler(filters.Document.ALL, reverse_document))
    payload = "年报草稿".encode() * 1000 + bytes(range(256))
    async with either.async_client() as people, polling(app):
        sent = await people.send_document(
            USER,
            payload,
            "草稿.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        assert sent.delivered and sent.file_id
        await people.wait_for_bot_messages(USER, 1)
        user_message, reply = await people.messages(USER)

        assert user_message.document is not None and user_message.document.content == payload
        assert reply.from_bot and reply.document is not None
        assert reply.document.file_name == "reversed.bin"
        assert reply.document.content == payload[::-1]
        assert reply.caption == f"收到 草稿.docx，{len(payload)} 字节"
        assert reply.caption_entities == [{"type": "code", "offset": 3, "length": 7}]
        assert (await people.snapshot()).chats[USER].actions == ["upload_document"]
        assert await people.file_bytes(reply.document.file_id) == payload[::-1]
        await people.assert_no_rejected_calls()


@pytest.mark.anyio
@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_rate_limiter_waits_out_an_injected_429(
    either: BotApiServer | InProcessBotApi,
) -> None:
    app = build_app(either, rate_limiter=AIORateLimiter(max_retries=2))
    app.add_handler(MessageHandler(filters.TEXT, echo_with_buttons))
    async with either.async_client() as people, polling(app):
        await people.fail_next("sendMessage", 1, retry_after=1)
        await people.send_text(USER, "限流")
        (reply,) = await people.wait_for_bot_messages(USER, 1)
        assert reply.text == "你说：限流"
        first, second = await people.calls("sendMessage")
        assert (first.error_code, first.injected) == (429, True)
        assert first.description == "Too Many Requests: retry after 1"
        assert second.ok
        await people.assert_no_rejected_calls()  # injected faults are not the bot's fault
        assert await people.rejected_calls(include_injected=True) == [first]


@pytest.mark.anyio
async def test_ptb_sees_telegram_errors_as_bad_request(
    either: BotApiServer | InProcessBotApi,
) -> None:
    app = build_app(either)
    async with either.async_client() as people, app:
        await people.send_text(USER, "hi")
        with pytest.raises(BadRequest, match=r"^Message is too long$"):
            await app.bot.send_message(USER, "长" * 4097)
        with pytest.raises(
            BadRequest, match=r'(?i)^can\'t parse entities: unsupported start tag "br"'
        ):
            await app.bot.send_message(USER, "第一行<br>第二行", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await app.bot.send_message(424242, "hi")
        sent = await app.bot.send_message(USER, "原文")
        with pytest.raises(BadRequest, match=r"^Message is not modified"):
            await app.bot.edit_message_text("原文", chat_id=USER, message_id=sent.message_id)
        await app.bot.set_my_commands([("start", "开始填报"), ("help", "帮助")])
        assert [(c.command, c.description) for c in await app.bot.get_my_commands()] == [
            ("start", "开始填报"),
            ("help", "帮助"),
        ]
        rejected = await people.rejected_calls()
    assert [c.method for c in rejected] == ["sendMessage"] * 3 + ["editMessageText"]


@pytest.mark.anyio
async def test_both_fronts_name_the_bot_alike_and_log_its_calls(
    either: BotApiServer | InProcessBotApi,
) -> None:
    assert (either.token, either.bot_id) == (either.config.token, either.config.bot_id)
    assert either.base_url == f"{either.url}/bot"
    assert either.base_file_url == f"{either.url}/file/bot"
    async with build_app(either) as app:
        me = await app.bot.get_me()
    assert me.id == either.bot_id
    assert "getMe" in [c.method for c in either.state.calls]


@pytest.mark.anyio
async def test_in_process_a_wrong_token_and_a_slow_answer_fail_as_over_http(
    botapi_inprocess: InProcessBotApi,
) -> None:
    wrong = Application.builder().token("7000000001:AAHwrongWrongWrong")
    request, updates = botapi_inprocess.requests()
    with pytest.raises(InvalidToken):
        async with wrong.request(request).get_updates_request(updates).build():
            pass
    url = f"{botapi_inprocess.base_url}{botapi_inprocess.token}/getUpdates"
    started = time.monotonic()
    with pytest.raises(TimedOut):  # a long poll outlasting the read time-out, as with httpx
        await request.post(
            url, RequestData([RequestParameter.from_input("timeout", 5)]), read_timeout=0.2
        )
    assert time.monotonic() - started < 2
    (call,) = [c for c in botapi_inprocess.state.calls if c.method == "getUpdates"]
    assert call.ok is None  # the caller stopped waiting: logged as unanswered


# -- strictness, checked with raw HTTP calls --------------------------------------------


@pytest.fixture
def chat(botapi_server: BotApiServer) -> int:
    """A user who wrote to the bot, and one bot message (id 2) with two buttons."""
    botapi_server.client.send_text(USER, "你好")
    status, body = api(
        botapi_server,
        "sendMessage",
        chat_id=USER,
        text="原文",
        reply_markup=keyboard([("是", "yes"), ("否", "no")]),
    )
    assert status == 200 and body["result"]["message_id"] == 2
    return USER


TOO_MANY_BUTTONS = keyboard(*[[(f"{r}-{c}", f"{r}-{c}") for c in range(8)] for r in range(13)])


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": ""}, "Bad Request: message text is empty"),
        ("sendMessage", {"text": " \n "}, "Bad Request: text must be non-empty"),
        (
            "sendMessage",
            {"text": "<b> </b>", "parse_mode": "HTML"},
            "Bad Request: text must be non-empty",
        ),
        ("sendMessage", {"text": "x" * 4097}, "Bad Request: message is too long"),
        ("sendMessage", {"text": "📄" * 2048 + "。"}, "Bad Request: message is too long"),
        ("sendMessage", {"chat_id": 999, "text": "x"}, "Bad Request: chat not found"),
        ("sendMessage", {"chat_id": "", "text": "x"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"text": "x", "parse_mode": "HTM"}, "Bad Request: unsupported parse_mode"),
        (
            "sendMessage",
            {"text": "<foo>x</foo>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
        ),
        (
            "sendMessage",
            {"text": "<b>未闭合", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            "sendMessage",
            {"text": "<b><i>x</b></i>", "parse_mode": "HTML"},
            (
                "Bad Request: can't parse entities: Unmatched end tag at byte offset 7, "
                'expected "</i>", found "</b>"'
            ),
        ),
        (
            "sendMessage",
            {"text": "收入 < 支出", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 7',
        ),
        (
            "sendMessage",
            {"text": "*粗体*", "parse_mode": "MarkdownV2"},
            Desc.PARSE_MODE_NOT_EMULATED,
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": keyboard([("长", "x" * 65)])},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": keyboard([("长", "年" * 22)])},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": keyboard([("空", "")])},
            (
                "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
                "inline keyboard"
            ),
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": TOO_MANY_BUTTONS},
            "Bad Request: reply markup is too long",
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            "sendMessage",
            {"text": "x", "reply_parameters": {"message_id": 99}},
            "Bad Request: message to be replied not found",
        ),
        (
            "editMessageText",
            {
                "message_id": 2,
                "text": "原文",
                "reply_markup": keyboard([("是", "yes"), ("否", "no")]),
            },
            (
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            ),
        ),
        (
            "editMessageText",
            {"message_id": 99, "text": "新"},
            "Bad Request: message to edit not found",
        ),
        (
            "editMessageText",
            {"message_id": 1, "text": "新"},
            "Bad Request: message can't be edited",
        ),
        (
            "editMessageText",
            {"message_id": 2, "text": "新", "reply_markup": {"keyboard": [["A"]]}},
            "Bad Request: inline keyboard expected",
        ),
        (
            "editMessageReplyMarkup",
            {"message_id": 2, "reply_markup": keyboard([("是", "yes"), ("否", "no")])},
            (
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            ),
        ),
        ("deleteMessage", {"message_id": 99}, "Bad Request: message to delete not found"),
        (
            "answerCallbackQuery",
            {"callback_query_id": "12345"},
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
        ("sendChatAction", {"action": "dancing"}, "Bad Request: wrong parameter action in request"),
        (
            "setMyCommands",
            {"commands": [{"command": "Start", "description": "开始"}]},
            "Bad Request: BOT_COMMAND_INVALID",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "start", "description": " "}]},
            "Bad Request: command description must be non-empty",
        ),
        ("getFile", {"file_id": "nope"}, "Bad Request: invalid file_id"),
        (
            "sendDocument",
            {"document": "https://example.com/a.docx"},
            "Bad Request: failed to get HTTP URL content",
        ),
    ],
)
def test_server_rejects_what_telegram_rejects(
    botapi_server: BotApiServer, chat: int, method: str, params: dict, description: str
) -> None:
    params = {"chat_id": chat, **params}
    if method in ("answerCallbackQuery", "setMyCommands", "getFile"):
        params.pop("chat_id")
    status, body = api(botapi_server, method, **params)
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": description})
    (call,) = botapi_server.client.calls(method)[-1:]
    assert call.rejected and call.description == description


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("sendMessage", {"text": "x" * 4096}),
        ("sendMessage", {"text": "📄" * 2048}),
        ("sendMessage", {"text": "<b>" + "年" * 4096 + "</b>", "parse_mode": "HTML"}),
        ("sendMessage", {"text": "A &amp; B, a & b, 1 > 0", "parse_mode": "HTML"}),
        ("sendMessage", {"text": "x", "reply_markup": keyboard([("长", "x" * 64)])}),
        ("sendMessage", {"text": "x", "reply_markup": keyboard([("长", "年" * 21)])}),
        (
            "sendMessage",
            {"text": "x", "reply_markup": keyboard(*[[(str(i), str(i))] for i in range(100)])},
        ),
        (
            "sendMessage",
            {
                "text": "x",
                "reply_markup": {"keyboard": [["A", {"text": "B"}]], "resize_keyboard": True},
            },
        ),
        ("sendMessage", {"text": "x", "reply_markup": {"remove_keyboard": True}}),
        ("sendMessage", {"text": "x", "reply_parameters": {"message_id": 1}}),
        ("editMessageText", {"message_id": 2, "text": "原文"}),  # dropping the keyboard modifies
        (
            "editMessageText",
            {
                "message_id": 2,
                "text": "<b>原文</b>",
                "parse_mode": "HTML",
                "reply_markup": keyboard([("是", "yes"), ("否", "no")]),
            },
        ),
        ("editMessageReplyMarkup", {"message_id": 2, "reply_markup": keyboard([("是", "yes")])}),
        ("editMessageReplyMarkup", {"message_id": 2}),
        ("deleteMessage", {"message_id": 1}),  # a bot may delete incoming messages in private chats
        ("sendChatAction", {"action": "typing"}),
    ],
)
def test_server_accepts_what_telegram_accepts(
    botapi_server: BotApiServer, chat: int, method: str, params: dict
) -> None:
    status, body = api(botapi_server, method, chat_id=chat, **params)
    assert status == 200 and body["ok"], body


def test_tokens_and_method_names_are_checked(botapi_server: BotApiServer) -> None:
    assert api(botapi_server, "getMe", token="123456:WrongTokenButWellFormed") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert api(botapi_server, "getMe", token="not-a-token") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert api(botapi_server, "sendMesage", chat_id=USER, text="x") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = api(botapi_server, "sendPhoto", chat_id=USER)
    assert status == 501 and "sendPhoto" in body["description"]
    status, body = api(botapi_server, "GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["is_bot"] is True
    assert body["result"]["username"] == botapi_server.config.bot_username


def test_chat_rules_follow_telegram(botapi_server: BotApiServer) -> None:
    people = botapi_server.client
    people.add_user(OTHER_USER, "李四", username="lisi")
    status, body = api(botapi_server, "sendMessage", chat_id=OTHER_USER, text="你好")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    people.send_text(OTHER_USER, "/start")
    assert api(botapi_server, "sendMessage", chat_id=OTHER_USER, text="你好")[0] == 200
    people.block_bot(OTHER_USER)
    status, body = api(botapi_server, "sendMessage", chat_id=OTHER_USER, text="你好")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    people.send_text(OTHER_USER, "我回来了")  # writing again unblocks
    assert api(botapi_server, "sendMessage", chat_id=OTHER_USER, text="欢迎回来")[0] == 200


def test_many_chats_started_at_once_and_progress_of_some(botapi_server: BotApiServer) -> None:
    people = botapi_server.client
    assert people.start_chats([(OTHER_USER, "李四"), (OTHER_USER + 1, "王五")]) == 2
    for user in (OTHER_USER, OTHER_USER + 1):
        assert api(botapi_server, "sendMessage", chat_id=user, text="提醒")[0] == 200
    assert api(botapi_server, "sendMessage", chat_id=OTHER_USER + 2, text="提醒")[0] in (
        400,
        403,
    )  # never started: the bot cannot write first
    some = httpx.get(f"{botapi_server.url}/_control/progress?chats={OTHER_USER + 1}").json()
    assert some["chats"] == {
        str(OTHER_USER + 1): {"bot_messages": 1, "question_id": None, "button": None}
    }
    everyone = httpx.get(f"{botapi_server.url}/_control/progress").json()
    assert {str(OTHER_USER), str(OTHER_USER + 1)} <= set(everyone["chats"])
    refused = httpx.post(f"{botapi_server.url}/_control/started_chats", json={"users": 5})
    assert refused.status_code == 400


def test_a_callback_query_is_answered_once(botapi_server: BotApiServer, chat: int) -> None:
    press = botapi_server.client.press_button(chat, 2, "yes")
    assert api(
        botapi_server, "answerCallbackQuery", callback_query_id=press.callback_query_id, text="好的"
    ) == (200, {"ok": True, "result": True})
    status, body = api(
        botapi_server, "answerCallbackQuery", callback_query_id=press.callback_query_id
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )


def test_a_press_carries_the_message_as_it_is_now(botapi_server: BotApiServer, chat: int) -> None:
    people = botapi_server.client
    api(
        botapi_server,
        "editMessageText",
        chat_id=chat,
        message_id=2,
        text="改过的",
        reply_markup=keyboard([("是", "yes")]),
    )
    press = people.press_button(chat, 2, text="是")
    _status, body = api(botapi_server, "getUpdates")
    query = body["result"][-1]["callback_query"]
    assert query["id"] == press.callback_query_id and query["data"] == "yes"
    assert query["from"]["id"] == USER and query["chat_instance"]
    assert query["message"]["text"] == "改过的"
    assert query["message"]["reply_markup"] == keyboard([("是", "yes")])
    assert query["message"]["edit_date"] >= query["message"]["date"]


def test_a_removed_button_cannot_be_pressed_unless_forged(
    botapi_server: BotApiServer, chat: int
) -> None:
    people = botapi_server.client
    api(
        botapi_server,
        "editMessageReplyMarkup",
        chat_id=chat,
        message_id=2,
        reply_markup=keyboard([("是", "yes")]),
    )
    with pytest.raises(ControlError) as refused:
        people.press_button(chat, 2, "no")
    assert (
        refused.value.status == 409 and "no button with callback_data 'no'" in refused.value.message
    )
    with pytest.raises(ControlError):
        people.press_button(chat, 1, "yes")  # the user's own message has no buttons
    api(botapi_server, "deleteMessage", chat_id=chat, message_id=2)
    with pytest.raises(ControlError, match="not in chat"):
        people.press_button(chat, 2, "yes")
    forged = people.press_button(chat, 1, "admin:drop-all", forge=True)
    updates = api(botapi_server, "getUpdates")[1]["result"]
    assert updates[-1]["callback_query"]["data"] == "admin:drop-all"
    assert people.snapshot().callback_queries[forged.callback_query_id].forged


def test_reply_keyboards_are_pressed_only_while_shown(
    botapi_server: BotApiServer, chat: int
) -> None:
    people = botapi_server.client
    with pytest.raises(ControlError, match="no reply keyboard button"):
        people.press_reply_button(chat, "提交")
    api(
        botapi_server,
        "sendMessage",
        chat_id=chat,
        text="请选择",
        reply_markup={"keyboard": [["提交", "返回"]], "one_time_keyboard": True},
    )
    assert people.snapshot().chats[chat].reply_keyboard["keyboard"][0][0] == {"text": "提交"}
    people.press_reply_button(chat, "提交")
    with pytest.raises(ControlError):  # a one-time keyboard hides after use
        people.press_reply_button(chat, "返回")
    api(
        botapi_server,
        "sendMessage",
        chat_id=chat,
        text="再选",
        reply_markup={"keyboard": [["返回"]]},
    )
    api(
        botapi_server,
        "sendMessage",
        chat_id=chat,
        text="好了",
        reply_markup={"remove_keyboard": True},
    )
    with pytest.raises(ControlError):
        people.press_reply_button(chat, "返回")
    assert people.messages(chat)[-1].reply_markup == {"remove_keyboard": True}


def test_ptb_markup_objects_pass_validation(botapi_server: BotApiServer, chat: int) -> None:
    markup = ReplyKeyboardMarkup([["填报", "查看"]], resize_keyboard=True).to_json()
    assert (
        api(botapi_server, "sendMessage", chat_id=chat, text="菜单", reply_markup=markup)[0] == 200
    )
    remove = ReplyKeyboardRemove().to_json()
    assert (
        api(botapi_server, "sendMessage", chat_id=chat, text="收起", reply_markup=remove)[0] == 200
    )


# -- getUpdates ---------------------------------------------------------------------


def test_an_update_is_redelivered_until_a_later_offset_confirms_it(
    botapi_server: BotApiServer,
) -> None:
    people = botapi_server.client
    first = people.send_text(USER, "一")
    (update,) = api(botapi_server, "getUpdates")[1]["result"]
    assert update["update_id"] == first.update_id
    assert api(botapi_server, "getUpdates")[1]["result"] == [update]  # not confirmed: again
    assert api(botapi_server, "getUpdates", offset=first.update_id)[1]["result"] == [update]
    second = people.send_text(USER, "二")
    assert second.update_id == first.update_id + 1
    result = api(botapi_server, "getUpdates", offset=first.update_id + 1)[1]["result"]
    assert [u["update_id"] for u in result] == [second.update_id]
    assert [u["update_id"] for u in people.updates()["pending"]] == [second.update_id]
    assert api(botapi_server, "getUpdates", offset=second.update_id + 1)[1]["result"] == []
    assert people.updates()["pending"] == []


def test_limit_and_negative_offset(botapi_server: BotApiServer) -> None:
    ids = [botapi_server.client.send_text(USER, str(i)).update_id for i in range(5)]
    assert [u["update_id"] for u in api(botapi_server, "getUpdates", limit=2)[1]["result"]] == ids[
        :2
    ]
    last_two = api(botapi_server, "getUpdates", offset=-2)[1]["result"]
    assert [u["update_id"] for u in last_two] == ids[3:]
    assert [u["update_id"] for u in api(botapi_server, "getUpdates")[1]["result"]] == ids[3:]


async def until_polling(people: AsyncBotApiClient) -> None:
    """Wait until a getUpdates request is being held by the server."""
    await people.wait_until(
        lambda s: any(c.method == "getUpdates" and c.ok is None for c in s.calls),
        what="a pending getUpdates",
    )


@pytest.mark.anyio
async def test_a_long_poll_returns_when_an_update_arrives(botapi_server: BotApiServer) -> None:
    async with httpx.AsyncClient(timeout=30) as http, botapi_server.async_client() as people:
        poll = asyncio.create_task(
            http.post(
                f"{botapi_server.base_url}{botapi_server.token}/getUpdates", data={"timeout": "20"}
            )
        )
        await until_polling(people)
        sent = await people.send_text(USER, "在吗")
        response = await asyncio.wait_for(poll, 10)
    assert [u["update_id"] for u in response.json()["result"]] == [sent.update_id]


@pytest.mark.anyio
async def test_a_second_poller_terminates_the_first(botapi_server: BotApiServer) -> None:
    url = f"{botapi_server.base_url}{botapi_server.token}/getUpdates"
    async with httpx.AsyncClient(timeout=30) as http, botapi_server.async_client() as people:
        first = asyncio.create_task(http.post(url, data={"timeout": "20"}))
        await until_polling(people)
        second = await http.post(url, data={"timeout": "0"})
        first_response = await asyncio.wait_for(first, 10)
    assert second.json() == {"ok": True, "result": []}
    assert first_response.status_code == 409
    assert first_response.json()["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
        "is running"
    )


def test_allowed_updates_filters_new_updates(botapi_server: BotApiServer, chat: int) -> None:
    api(botapi_server, "getUpdates", offset=-1, allowed_updates=["message"])
    api(botapi_server, "getUpdates", offset=botapi_server.client.updates()["next_update_id"])
    press = botapi_server.client.press_button(chat, 2, "yes")
    assert (press.delivered, press.update_id) == (False, None)
    text = botapi_server.client.send_text(chat, "文字照常")
    assert [u["update_id"] for u in api(botapi_server, "getUpdates")[1]["result"]] == [
        text.update_id
    ]


def test_webhook_blocks_get_updates_until_deleted(botapi_server: BotApiServer) -> None:
    status, body = api(botapi_server, "setWebhook", url="http://example.com/hook")
    assert (status, body["description"]) == (
        400,
        "Bad Request: bad webhook: HTTPS url must be provided for webhook",
    )
    assert api(botapi_server, "setWebhook", url="https://example.com/hook")[0] == 200
    status, body = api(botapi_server, "getUpdates")
    assert status == 409 and body["description"].startswith("Conflict: can't use getUpdates method")
    botapi_server.client.send_text(USER, "积压")
    assert api(botapi_server, "deleteWebhook", drop_pending_updates=True) == (
        200,
        {"ok": True, "result": True},
    )
    assert api(botapi_server, "getUpdates") == (200, {"ok": True, "result": []})


class Receiver:
    """A plain HTTP endpoint standing in for a bot's webhook server; answers `status`."""

    def __init__(self) -> None:
        self.status = 500
        self.posts: list[tuple[str, dict[str, str], dict]] = []
        self.release = threading.Event()  # answers are held until set
        self.release.set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, dict(self.headers), json.loads(body)))
                receiver.release.wait(10)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, count: int, timeout: float) -> bool:
        """Whether `count` posts arrived within `timeout` seconds (they do not wake the
        server's waiters, so this polls)."""
        deadline = time.monotonic() + timeout
        while len(self.posts) < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_set_webhook_refuses_what_telegram_refuses(botapi_server: BotApiServer) -> None:
    refusals = {
        "https://example.com:8080/hook": "Webhook can be set up only on ports 80, 88, 443 or 8443",
        "https:///hook": "HTTPS url must be provided for webhook",
    }
    for url, reason in refusals.items():
        status, body = api(botapi_server, "setWebhook", url=url)
        assert (status, body["description"]) == (400, f"Bad Request: bad webhook: {reason}")
    status, body = api(
        botapi_server, "setWebhook", url="https://example.com/hook", secret_token="秘密 token"
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: secret token contains unallowed characters",
    )
    assert api(botapi_server, "getWebhookInfo")[1]["result"]["url"] == ""


def test_webhook_posts_each_update_until_it_is_answered_with_2xx(
    botapi_server: BotApiServer,
) -> None:
    receiver = Receiver()
    client = botapi_server.client
    try:
        client.route_webhook("bot.example.gov.cn", receiver.url)
        assert api(
            botapi_server,
            "setWebhook",
            url="https://bot.example.gov.cn/nianbao/hook",
            secret_token="s3cret-token_1",
            max_connections=5,
        ) == (200, {"ok": True, "result": True})
        first = client.send_text(USER, "第一条")
        second = client.send_text(USER, "第二条")

        # Refused with 500: the first update stays pending and is posted again; the error shows.
        assert receiver.received(2, 10)  # two attempts
        info = api(botapi_server, "getWebhookInfo")[1]["result"]
        assert info["pending_update_count"] == 2
        assert info["max_connections"] == 5
        assert (
            info["last_error_message"]
            == "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert {p[2]["update_id"] for p in receiver.posts} == {first.update_id}

        receiver.status = 200
        client.wait_until(lambda s: not s.pending_updates or None, 10, what="delivery")
        delivered = [p for p in receiver.posts if p[2]["update_id"] == second.update_id]
        path, headers, payload = delivered[0]
        assert path == "/nianbao/hook"
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret-token_1"
        assert payload["message"]["text"] == "第二条"
        # Oldest first, and nothing posted again once answered with 200.
        ids = [p[2]["update_id"] for p in receiver.posts]
        assert ids[-2:] == [first.update_id, second.update_id]
        assert ids.count(second.update_id) == 1
    finally:
        receiver.close()


@pytest.mark.parametrize(("max_connections", "parallel"), [(40, True), (1, False)])
def test_webhook_posts_other_chats_in_parallel_but_one_chats_in_order(
    botapi_server: BotApiServer, max_connections: int, parallel: bool
) -> None:
    receiver = Receiver()
    receiver.status = 200
    receiver.release.clear()  # the first post is held open
    client = botapi_server.client
    try:
        client.route_webhook("bot.example.gov.cn", receiver.url)
        url = "https://bot.example.gov.cn/hook"
        assert api(botapi_server, "setWebhook", url=url, max_connections=max_connections)[0] == 200
        first = client.send_text(USER, "甲的第一条")
        assert receiver.received(1, 10)
        client.send_text(USER, "甲的第二条")
        other = client.send_text(OTHER_USER, "乙的消息")
        assert receiver.received(2, 1.0 if parallel else 0.5) is parallel
        # Never the same chat twice at once: 甲's second waits for her first.
        assert [p[2]["update_id"] for p in receiver.posts] == (
            [first.update_id, other.update_id] if parallel else [first.update_id]
        )
        receiver.release.set()
        client.wait_until(lambda s: not s.pending_updates or None, 10, what="delivery")
        texts = [p[2]["message"]["text"] for p in receiver.posts]
        assert texts.index("甲的第一条") < texts.index("甲的第二条")
        assert len(texts) == 3
    finally:
        receiver.close()


def test_a_webhook_host_nobody_forwards_is_an_unknown_name(botapi_server: BotApiServer) -> None:
    assert api(botapi_server, "setWebhook", url="https://nowhere.example/hook")[0] == 200
    botapi_server.client.send_text(USER, "无人接收")
    botapi_server.client.wait_until(
        lambda s: botapi_server.client.webhook()["last_error"] or None, 10, what="an error"
    )
    info = api(botapi_server, "getWebhookInfo")[1]["result"]
    assert info["pending_update_count"] == 1
    assert info["last_error_message"] == "Failed to resolve host: Name or service not known"


# -- files ----------------------------------------------------------------------------


def test_uploads_over_50_mb_are_refused(botapi_server: BotApiServer, chat: int) -> None:
    url = f"{botapi_server.base_url}{botapi_server.token}/sendDocument"
    limit = 50 * 1024 * 1024
    response = httpx.post(
        url,
        data={"chat_id": str(chat)},
        files={"document": ("big.bin", b"\0" * (limit + 1))},
        timeout=60,
    )
    assert (response.status_code, response.json()) == (
        413,
        {"ok": False, "error_code": 413, "description": "Request Entity Too Large"},
    )
    response = httpx.post(
        url, data={"chat_id": str(chat)}, files={"document": ("empty.bin", b"")}, timeout=60
    )
    assert response.json()["description"] == "Bad Request: file must be non-empty"


def test_files_over_20_mb_cannot_be_downloaded_by_the_bot(botapi_server: BotApiServer) -> None:
    people = botapi_server.client
    small = people.send_document(USER, b"ok", "small.txt")
    big = people.send_document(USER, b"\1" * (20 * 1024 * 1024 + 1), "big.bin")
    status, body = api(botapi_server, "getFile", file_id=big.file_id)
    assert (status, body["description"]) == (400, "Bad Request: file is too big")
    status, body = api(botapi_server, "getFile", file_id=small.file_id)
    assert status == 200 and body["result"]["file_size"] == 2
    download = httpx.get(
        f"{botapi_server.base_file_url}{botapi_server.token}/{body['result']['file_path']}"
    )
    assert download.status_code == 200 and download.content == b"ok"
    wrong_token = httpx.get(f"{botapi_server.base_file_url}123:abc/{body['result']['file_path']}")
    assert wrong_token.status_code == 404


def test_a_known_file_id_can_be_sent_again(botapi_server: BotApiServer) -> None:
    people = botapi_server.client
    sent = people.send_document(USER, b"%PDF", "a.pdf")
    status, body = api(botapi_server, "sendDocument", chat_id=USER, document=sent.file_id)
    assert status == 200 and body["result"]["document"]["file_id"] == sent.file_id
    assert body["result"]["document"]["mime_type"] == "application/pdf"


# -- the control API itself -------------------------------------------------------------


def test_waiting_too_long_fails_with_what_the_server_saw(
    botapi_server: BotApiServer, chat: int
) -> None:
    with pytest.raises(WaitTimeout) as timed_out:
        botapi_server.client.wait_for_bot_messages(chat, 5, timeout=0.2)
    message = str(timed_out.value)
    assert "5 bot message(s)" in message and "'原文'" in message


def test_snapshot_and_reset(botapi_server: BotApiServer, chat: int) -> None:
    people = botapi_server.client
    snapshot: Snapshot = people.snapshot()
    user_message, bot_message = snapshot.messages(chat)
    assert (user_message.from_bot, user_message.text) == (False, "你好")
    assert bot_message.button("否").callback_data == "no"
    assert snapshot.bot_messages(OTHER_USER) == []
    people.reset()
    assert people.snapshot().chats == {} and people.calls() == []


def test_the_server_runs_as_a_process() -> None:
    command = [sys.executable, "-m", "tests.botapi", "--port", "0", "--token", "42:ProcessToken"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) as process:
        try:
            assert process.stdout is not None
            ready, url = process.stdout.readline().split()
            assert ready == "READY"
            body = httpx.get(f"{url}/bot42:ProcessToken/getMe").json()
            assert body["result"]["id"] == 42 and body["result"]["is_bot"] is True
        finally:
            process.terminate()
        assert process.wait(10) == 0


def test_a_callback_query_answered_too_late_is_refused() -> None:
    with BotApiServer(ServerConfig(callback_query_timeout=0.0)) as server:
        server.client.send_text(USER, "你好")
        api(server, "sendMessage", chat_id=USER, text="选", reply_markup=keyboard([("是", "yes")]))
        press = server.client.press_button(USER, 2, "yes")
        status, body = api(server, "answerCallbackQuery", callback_query_id=press.callback_query_id)
    assert (status, body["description"]) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )


def test_update_ids_keep_growing_across_a_reset(botapi_client: BotApiClient) -> None:
    before = botapi_client.send_text(USER, "一").update_id
    botapi_client.reset()
    assert botapi_client.send_text(USER, "二").update_id == before + 1


@pytest.mark.anyio
async def test_the_sync_client_refuses_to_block_an_event_loop(botapi_server: BotApiServer) -> None:
    with pytest.raises(RuntimeError, match="AsyncBotApiClient"):
        botapi_server.client.wait_for_bot_messages(USER, 1, timeout=0.1)


# -- Telegram's own limits ------------------------------------------------------------


def test_flood_control_lets_a_burst_through_then_answers_429_per_chat() -> None:
    config = ServerConfig(flood_chat_rate=0.1, flood_chat_burst=3.0)
    with BotApiServer(config) as server:
        server.client.send_text(USER, "你好")
        server.client.send_text(OTHER_USER, "你好")
        statuses = [api(server, "sendMessage", chat_id=USER, text="一")[0] for _ in range(3)]
        status, body = api(server, "sendMessage", chat_id=USER, text="四")
        other = api(server, "sendMessage", chat_id=OTHER_USER, text="别的聊天")[0]
    assert statuses == [200, 200, 200]
    # An empty bucket at 0.1 a second: about 10 s, less what it refilled while the three sends
    # ran (the exact figure, on a clock of the test's own, is checked below).
    retry_after = body["parameters"]["retry_after"]
    assert status == 429 and 5 <= retry_after <= 10
    assert body["description"] == f"Too Many Requests: retry after {retry_after}"
    assert other == 200  # one busy chat does not hold back another


def test_flood_control_counts_every_chat_against_the_overall_limit() -> None:
    config = ServerConfig(flood_overall_rate=0.1, flood_overall_burst=5.0)
    with BotApiServer(config) as server:
        chats = [USER + n for n in range(6)]
        for chat in chats:
            server.client.send_text(chat, "你好")
        statuses = [api(server, "sendMessage", chat_id=c, text="好")[0] for c in chats]
        # What Telegram does not count: answering a press, asking for updates.
        assert api(server, "getUpdates")[0] == 200
    assert statuses == [200] * 5 + [429]


def test_flood_buckets_refill_at_their_rate() -> None:
    now = [0.0]
    flood = FloodControl(
        overall_rate=30, overall_burst=30, chat_rate=1, chat_burst=2, clock=lambda: now[0]
    )
    assert [flood.check("sendMessage", 1) for _ in range(3)] == [None, None, 1]
    now[0] = 0.5
    assert flood.check("sendMessage", 1) == 1
    now[0] = 1.0
    assert flood.check("sendMessage", 1) is None
    assert flood.check("answerCallbackQuery", 1) is None  # not a message
    assert [flood.check("sendMessage", c) for c in range(100, 130)] == [None] * 29 + [1]
    now[0] = 1.1  # three new overall tokens
    assert [flood.check("sendMessage", c) for c in range(200, 204)] == [None] * 3 + [1]
    assert flood.refused == 4


def test_blocking_the_bot_sends_my_chat_member(botapi_server: BotApiServer) -> None:
    people = botapi_server.client
    people.send_text(USER, "/start")
    people.block_bot(USER)
    people.send_text(USER, "我回来了")
    kinds = [
        (
            u["my_chat_member"]["old_chat_member"]["status"],
            u["my_chat_member"]["new_chat_member"]["status"],
        )
        for u in people.updates()["pending"]
        if "my_chat_member" in u
    ]
    assert kinds == [("member", "kicked"), ("kicked", "member")]
    update = next(u for u in people.updates()["pending"] if "my_chat_member" in u)
    assert update["my_chat_member"]["from"]["id"] == USER
    assert update["my_chat_member"]["new_chat_member"]["user"]["id"] == botapi_server.bot_id


def test_updates_nobody_fetched_are_dropped_after_their_lifetime() -> None:
    with BotApiServer(ServerConfig(pending_update_ttl=0.0)) as server:
        server.client.send_text(USER, "一天前的消息")
        assert api(server, "getUpdates")[1]["result"] == []
        assert server.client.updates()["expired"] == 1
