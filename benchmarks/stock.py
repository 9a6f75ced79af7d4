"""The same row-by-row conversation built the stock way: PTB's ``ConversationHandler`` with
``PicklePersistence`` flushed after every update. Lives only here, as the baseline.

Each state is one row question. An answer is parsed (the product's ``parse_row``), the rules are
checked (``report.rules.check``), the figures go into ``context.user_data`` and the next
question (the product's own rendering, so both send the same text) is sent.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)

from dialogs import render
from dialogs.plan import RowQuestion, plan_for
from report.formats import format_for_year
from report.parsing import FigureError, parse_row
from report.rules import check
from report.values import Report
from tests.fakenet import TOKEN


def row_questions(year: int) -> list[tuple[int, RowQuestion]]:
    """The row questions of the year's format with their index in the product's plan."""
    plan = plan_for(format_for_year(year))
    return [(i, q) for i, q in enumerate(plan) if isinstance(q, RowQuestion)]


def build_stock_application(
    pickle_path: Path, year: int
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The baseline ``Application`` (not initialised); every update is flushed to the pickle
    by :func:`after_update`."""
    rows = row_questions(year)
    persistence = PicklePersistence(pickle_path, update_interval=3600)

    def report_of(user_data: dict[str, Any]) -> Report:
        return Report(organisation="基准单位", year=year, figures=user_data.get("figures", {}))

    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, state: int) -> int:
        index, question = rows[state]
        out = render.question_message(
            question, index, state + 1, report_of(context.user_data), None
        )
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                for row in out.buttons
            ]
        )
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, out.text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return state

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data.setdefault("figures", {})
        return await ask(update, context, 0)

    def answer_handler(state: int):  # type: ignore[no-untyped-def]
        _, question = rows[state]

        async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            assert update.effective_message is not None and update.effective_chat is not None
            try:
                values = parse_row(update.effective_message.text or "", question.columns)
            except FigureError as error:
                await context.bot.send_message(update.effective_chat.id, error.message)
                return state
            figures: dict[str, Decimal] = dict(context.user_data.get("figures", {}))
            figures.update(zip(question.cells, values, strict=True))
            context.user_data["figures"] = figures
            problems = check(report_of(context.user_data))
            text = f"已保存：{question.label}"
            if problems:
                text += (
                    "\n" + render.violation_message(problems[0], report_of(context.user_data)).text
                )
            await context.bot.send_message(update.effective_chat.id, text)
            if state + 1 >= len(rows):
                return ConversationHandler.END
            return await ask(update, context, state + 1)

        return answer

    application = Application.builder().token(TOKEN).persistence(persistence).updater(None).build()
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("fill", start)],
            states={
                i: [MessageHandler(filters.TEXT & ~filters.COMMAND, answer_handler(i))]
                for i in range(len(rows))
            },
            fallbacks=[],
            name="fill",
            persistent=True,
        )
    )
    application.add_error_handler(_fail)
    return application


async def _fail(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise SystemExit(f"the stock baseline failed: {context.error!r}")


async def after_update(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Flush to the pickle now, as a bot that must not lose an answer has to."""
    await application.update_persistence()
