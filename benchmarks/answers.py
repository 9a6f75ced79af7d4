"""Benchmark 1: the cost of one answered row, ours against the stock ConversationHandler.

One answered row = an update with the row's figures going through ``Application.process_update``:
parse, check the rules, commit (ours: SQLite, synchronous=FULL; stock: PicklePersistence dumped
after the update), and send the next question over the in-process fake network.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks import drafts, stock
from benchmarks.drafts import clerk_ready_for_tables
from benchmarks.stats import Timing
from bot.app import build_application
from bot.lifecycle import settle_heap
from bot.settings import Settings
from dialogs.engine import reporting_year
from dialogs.model import ConversationState, Mode
from dialogs.plan import RowQuestion, plan_for
from report.formats import format_for_year
from storage import Store
from tests.fakenet import TOKEN, Updates, install

MEASURED_USER = 500_000_000


@dataclass(frozen=True)
class StockCosts:
    """What the stock baseline's persistence setting costs besides the answer time."""

    timing: Timing
    flush_ms: float  # one flush of the whole pickle: the event loop is frozen meanwhile
    held_mb: float  # resident memory the loaded drafts take


@dataclass(frozen=True)
class AnswerResult:
    drafts: int
    ours: Timing
    stock: Timing
    stock_flush: StockCosts | None = None  # flushed after every update (the stock timing)
    stock_default: StockCosts | None = None  # PTB's default: flushed every 60 s


def row_text(question: RowQuestion, number: int) -> str:
    """A typical typed row: one small figure per column."""
    return " ".join(str(1 + (number + k) % 5) for k in range(len(question.columns)))


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _ours(workdir: Path, background: int, answers: int, budget: float) -> Timing:
    errors = _Errors()
    logging.getLogger("bot").addHandler(errors)
    path = workdir / "ours.db"
    store = Store(path)
    settings = Settings(
        TELEGRAM_BOT_TOKEN=TOKEN, NIANBAO_DB=str(path), NIANBAO_BOT_USERNAME="nianbao_bench_bot"
    )
    application = build_application(settings, store)
    install(application)
    handler = application.bot_data["nianbao"]
    year = reporting_year(handler.engine.today())
    drafts.fill_store(store, background, year)
    fmt = format_for_year(year)
    plan = plan_for(fmt)
    updates = Updates()
    samples: list[float] = []
    started = time.perf_counter()
    wall = 0.0
    await application.initialize()
    settle_heap()  # as the bot does once it has started (bot.lifecycle.running)
    clerk = MEASURED_USER
    while len(samples) < answers and wall < budget:
        clerk += 1
        with store.transaction():
            clerk_ready_for_tables(store, clerk, f"计时单位{clerk}", year)
        await application.process_update(updates.text(application, clerk, "/fill"))
        while len(samples) < answers:
            state = ConversationState.model_validate_json(store.load_conversation(clerk) or "{}")
            question = plan[state.cursor]
            if state.mode is not Mode.ASKING or not isinstance(question, RowQuestion):
                break
            update = updates.text(application, clerk, row_text(question, len(samples)))
            begin = time.perf_counter()
            await application.process_update(update)
            samples.append(time.perf_counter() - begin)
        wall = time.perf_counter() - started
    await application.shutdown()
    store.close()
    if errors.records:
        raise SystemExit(f"the bot failed while measured: {errors.records[0].getMessage()}")
    return Timing(samples, sum(samples))


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def _stock(
    workdir: Path, background: int, answers: int, budget: float, *, flush: bool = True
) -> StockCosts:
    """The stock baseline; ``flush``: the pickle is written after every update (else only by
    PTB's own 60-second job, which is not run here: the answers are timed without it)."""
    year = reporting_year(date.today())
    path = workdir / "stock.pickle"
    drafts.fill_pickle(path, background, year, first_user=1)
    application = stock.build_stock_application(path, year)
    install(application)
    rows = stock.row_questions(year)
    updates = Updates()
    samples: list[float] = []
    before = _rss_mb()
    await application.initialize()
    held = _rss_mb() - before
    clerk = MEASURED_USER
    started = time.perf_counter()
    while len(samples) < answers and time.perf_counter() - started < budget:
        clerk += 1
        await application.process_update(updates.text(application, clerk, "/fill"))
        if flush:
            await stock.after_update(application)
        for _, question in rows:
            if len(samples) >= answers or time.perf_counter() - started >= budget:
                break
            update = updates.text(application, clerk, row_text(question, len(samples)))
            begin = time.perf_counter()
            await application.process_update(update)
            if flush:
                await stock.after_update(application)
            samples.append(time.perf_counter() - begin)
    begin = time.perf_counter()
    await stock.after_update(application)
    flush_ms = (time.perf_counter() - begin) * 1000
    await application.shutdown()
    return StockCosts(Timing(samples, sum(samples)), flush_ms, held)


def run(background: int, answers: int, budget: float = 60.0) -> AnswerResult:
    """Both implementations at ``background`` stored drafts, side by side."""
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        workdir = Path(tmp)
        ours = asyncio.run(_ours(workdir, background, answers, budget))
        flushed = asyncio.run(_stock(workdir, background, answers, budget))
        default = asyncio.run(_stock(workdir, background, answers, budget, flush=False))
    return AnswerResult(background, ours, flushed.timing, flushed, default)
