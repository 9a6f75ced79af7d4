"""The adapter's routing and logging, checked on the real python-telegram-bot objects."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import InvalidToken

from bot.app import build_application
from bot.commands.run import LOG_FORMAT, RedactingFormatter
from bot.settings import Settings
from bot.shaping import join_plain, split_html
from storage import Store

TOKEN = "7000000001:AAHnianbaoTestTokenForBotApiServer0"


def routed_to(application, payload: dict) -> list[str]:
    update = Update.de_json(payload, application.bot)
    return [
        h.callback.__name__
        for group in application.handlers.values()
        for h in group
        if h.check_update(update)
    ]


def message(chat_type: str = "private", text: str = "3 0 0", key: str = "message") -> dict:
    chat = (
        {"id": 5, "type": chat_type}
        if chat_type == "private"
        else {"id": -100, "type": chat_type, "title": "群"}
    )
    return {
        "update_id": 1,
        key: {
            "message_id": 9,
            "date": 0,
            "chat": chat,
            "from": {"id": 5, "is_bot": False, "first_name": "李"},
            "text": text,
        },
    }


def test_only_new_private_messages_reach_the_answer_handlers(tmp_path, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    with Store(tmp_path / "b.db") as store:
        application = build_application(Settings(), store)
        assert routed_to(application, message()) == ["on_text"]
        assert routed_to(application, message(key="edited_message")) == ["on_edited"]
        sticker = message()
        del sticker["message"]["text"]
        sticker["message"]["sticker"] = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
        assert routed_to(application, sticker) == ["on_unsupported"]
        assert routed_to(application, message(chat_type="group")) == []
        assert routed_to(application, message(chat_type="supergroup", text="/fill")) == []


def test_the_token_never_survives_formatting_even_in_a_traceback():
    formatter = RedactingFormatter(TOKEN, LOG_FORMAT)
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "GET https://api/bot%s/getMe", (TOKEN,), None
        )
        record.exc_info = __import__("sys").exc_info()
    text = formatter.format(record)
    assert "InvalidToken" in text and "<token>" in text
    assert TOKEN not in text


def test_long_messages_are_split_at_lines_and_never_mid_markup():
    text = "\n".join(f"<b>第{i}行</b> " + "字" * 50 for i in range(200))
    pieces = split_html(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert all(p.count("<b>") == p.count("</b>") for p in pieces)
    (single,) = split_html("&" * 5000 + "<b>x</b>")
    assert len(single) <= 4096 and "<b>" not in single and not single.endswith("&amp")


def test_plain_messages_fold_into_the_next_one():
    from dialogs.model import Button, Document, OutMessage

    saved = OutMessage(text="已记录 规章：0 0 0")
    question = OutMessage(
        text="规范性文件", buttons=[[Button(label="本行全为0", data="a.2.z")]], question=True
    )
    (one,) = join_plain([saved, question])
    assert one.text == "已记录 规章：0 0 0\n\n规范性文件" and one.question and one.buttons
    warning = OutMessage(text="⚠️ 请核实", buttons=[[Button(label="核实无误", data="w.3")]])
    assert len(join_plain([saved, warning, question])) == 2
    document = OutMessage(text="报告已生成", document=Document(filename="a.docx", data=b"x"))
    assert len(join_plain([saved, document])) == 2


def test_the_bots_rate_limiter_never_sends_more_than_30_messages_in_a_second(tmp_path):
    """Telegram's limit for bots; the stock AIORateLimiter allows bursts of about 60."""
    import asyncio
    from types import SimpleNamespace

    from benchmarks.reminders import TimedTelegram, worst_windows
    from dialogs.model import OutMessage
    from tests.fakenet import TOKEN

    with Store(tmp_path / "r.db") as store:
        application = build_application(Settings(TELEGRAM_BOT_TOKEN=TOKEN), store)
        fake = TimedTelegram()
        application.bot._request = (fake, fake)

        async def burst() -> None:
            async with application:
                context = SimpleNamespace(bot=application.bot)
                handler = application.bot_data["nianbao"]
                await asyncio.gather(
                    *(
                        handler.send(context, chat, [OutMessage(text="提醒")])
                        for chat in range(1, 46)
                    )
                )

        asyncio.run(burst())
    assert len(fake.messages) == 45
    overall, per_chat = worst_windows(fake.messages)
    assert overall <= 30 and per_chat == 1
