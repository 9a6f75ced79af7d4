"""Benchmark: the last week of January, one bot process over the Bot API test server.

The test server runs in its own process and enforces Telegram's flood limits itself (30
messages a second overall, about one a second per chat), so a bot that sent faster than
Telegram allows would be refused here too; every 429 it answers is counted.

Clerks are played by one asyncio driver: each answers a table row, waits for the next
question (the bot's next message with buttons), answers again. The driver watches the server
through its small ``/_control/progress`` view, since a full snapshot of 1,000 chats is too big
to fetch after every change.

Then a reminder morning (``reminder_morning``), on the real clock: a second bot process starts
over 20,000 offices whose counties set an internal deadline that makes today a reminder day
(in a zone where the sending hour has passed), with their 20,000 chats started on the test
server; its catch-up run plans them all and broadcasts, while 20 clerks type rows for the
first two minutes. Its worst event-loop lag (the bot logs it when it stops) and the clerks'
reply p99 are ``loop_lag_max_ms`` and ``interactive_p99_s_during_broadcast``.
``python -m benchmarks peak --morning`` runs that phase alone.

``python -m benchmarks peak --json`` prints one JSON object; figures not measured by this
version are ``null`` with the reason under ``not_measured``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.answers import row_text
from benchmarks.drafts import clerk_ready_for_tables
from benchmarks.e2e import EmulatorProcess
from dialogs.deadlines import DEFAULT_OFFSETS, due_slot, statutory_deadline
from dialogs.engine import reporting_year
from dialogs.plan import RowQuestion, plan_for
from report.formats import format_for_year
from storage import Role, Store
from tests.bot_process import REPO, BotProcess
from tests.botapi.client import AsyncBotApiClient
from tests.wal import fsyncs_counted, wal_commits, wal_pinned

FIRST_CLERK = 800_000
#: The reminder morning's offices' clerks (one each), and the clerks typing meanwhile.
FIRST_REMINDED = 900_000
FIRST_TYPIST = 700_000
OFFICES_PER_COUNTY = 20


@dataclass
class _Watch:
    """The server's per-chat progress, refreshed by one task; clerks wait on it."""

    client: AsyncBotApiClient
    #: The chats watched (all when empty; a broadcast's thousands make the view slow).
    only: tuple[int, ...] = ()
    chats: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    stopped: bool = False
    #: Clerks waiting for the bot's next message: chat -> (messages before, when seen).
    waiting: dict[int, list[tuple[int, asyncio.Future[float]]]] = field(default_factory=dict)

    async def run(self) -> None:
        version = 0
        while not self.stopped:
            progress = await self.client.progress(self.only)
            self.chats = progress["chats"]
            version = progress["version"]
            seen = time.perf_counter()
            for clerk, waits in self.waiting.items():
                for before, answered in waits:
                    if self.messages(clerk) > before and not answered.done():
                        answered.set_result(seen)
            self.changed.set()
            self.changed = asyncio.Event()
            await self.client.wait_for_change(version, 1.0)

    async def next_message(self, clerk: int, before: int, timeout: float) -> float:
        """Wait until ``clerk``'s chat holds more than ``before`` bot messages; the moment it
        was seen. Only this clerk is woken (waking every clerk at every change of the server,
        as ``until`` does, cost the driver more CPU than the bot spent answering)."""
        if self.messages(clerk) > before:
            return time.perf_counter()
        answered: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        waits = self.waiting.setdefault(clerk, [])
        waits.append((before, answered))
        try:
            return await asyncio.wait_for(answered, timeout)
        except TimeoutError:
            raise TimeoutError("the bot did not answer in time") from None
        finally:
            waits.remove((before, answered))
            if not waits and self.waiting.get(clerk) is waits:
                del self.waiting[clerk]

    async def until(self, check: Callable[[dict[str, Any]], bool], timeout: float) -> float:
        """Wait until ``check(chats)`` holds; the moment it was seen."""
        deadline = time.perf_counter() + timeout
        while not check(self.chats):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("the bot did not answer in time")
            event = self.changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return time.perf_counter()

    def messages(self, clerk: int) -> int:
        return int(self.chats.get(str(clerk), {}).get("bot_messages", 0))


class Peak:
    """A bot process with ``clerks`` clerks at table 2, and the emulator it talks to."""

    def __init__(self, workdir: Path, clerks: int) -> None:
        self.workdir = workdir
        year = reporting_year(datetime.now(ZoneInfo("Asia/Shanghai")).date())
        self.rows = [q for q in plan_for(format_for_year(year)) if isinstance(q, RowQuestion)]
        self.ids = [FIRST_CLERK + n for n in range(clerks)]
        self.db = workdir / "bot.db"
        with Store(self.db) as store, store.transaction():
            for clerk in self.ids:
                clerk_ready_for_tables(store, clerk, f"压测单位{clerk}", year)
        self.emulator = EmulatorProcess()
        for clerk in self.ids:
            self.emulator.client.add_user(clerk, f"文书{clerk}")
        self.bot = BotProcess(self.emulator, self.db, workdir / "bot.log")
        self.bot.start(timeout=120)
        self.answered: dict[int, int] = dict.fromkeys(self.ids, 0)

    def stop(self) -> None:
        self.bot.stop()
        self.emulator.stop()

    def emulator_client(self) -> AsyncBotApiClient:
        return AsyncBotApiClient(self.emulator.url, timeout=120)

    async def open_questions(self, people: AsyncBotApiClient, watch: _Watch) -> None:
        """Every clerk sends /fill and gets their first row question."""
        for clerk in self.ids:
            await people.send_command(clerk, "fill")
        await watch.until(lambda chats: all(watch.messages(c) >= 1 for c in self.ids), 600)

    async def answer(self, people: AsyncBotApiClient, watch: _Watch, clerk: int) -> float:
        """One row typed; seconds until the next question came."""
        before = watch.messages(clerk)
        number = self.answered[clerk]
        self.answered[clerk] += 1
        sent = time.perf_counter()
        await people.send_text(clerk, row_text(self.rows[number % len(self.rows)], number))
        seen = await watch.next_message(clerk, before, 600)
        return seen - sent


def reminder_zone(now: datetime | None = None) -> ZoneInfo:
    """The bot's time zone for the reminder morning: Asia/Shanghai when it is past the sending
    hour (09:00) there, else the whole-hour zone nearest it where it is (the real clock, read
    in a zone where a reminder run is due today)."""
    now = now or datetime.now(UTC)
    for offset in sorted(range(-12, 15), key=lambda o: abs(o - 8)):
        zone = ZoneInfo("Asia/Shanghai" if offset == 8 else f"Etc/GMT{-offset:+d}")
        if 9 <= now.astimezone(zone).hour <= 22:
            return zone
    raise AssertionError("some zone is between 09:00 and 22:59")


def reminder_deadline(now: datetime) -> date | None:
    """An internal deadline that makes local ``now`` a reminder run's moment (a reminder dated
    today, past the sending hour), the nearest first; None when no deadline can (a day off, or
    past the statutory deadline: February to October)."""
    statutory = statutory_deadline(reporting_year(now.date()))
    for offset in sorted(DEFAULT_OFFSETS):
        deadline = now.date() + timedelta(days=offset)
        if deadline <= statutory and due_slot(now, deadline, until=statutory) is not None:
            return deadline
    return None


def seed_morning(
    store: Store, offices: int, typists: int, year: int, deadline: date
) -> tuple[list[int], list[int]]:
    """``offices`` township offices of one clerk each under counties of 20 that set
    ``deadline``: every third report partly filled (the narrative written), the rest empty;
    and ``typists`` clerks of offices outside them at table 2. Their clerks' ids."""
    fmt = format_for_year(year)
    reminded = [FIRST_REMINDED + n for n in range(offices)]
    typists_ids = [FIRST_TYPIST + n for n in range(typists)]
    with store.transaction():
        county = None
        for number, clerk in enumerate(reminded):
            if number % OFFICES_PER_COUNTY == 0:
                county = store.add_organisation(f"压测县{number // OFFICES_PER_COUNTY:04d}政府办")
                store.set_internal_deadline(county.id, year, deadline)
            assert county is not None
            org = store.add_organisation(f"压测乡镇{number:05d}", parent_id=county.id)
            store.upsert_person(clerk, f"文书{clerk}")
            store.add_membership(clerk, org.id, Role.CLERK)
            stored = store.report(org.id, year)
            assert stored is not None
            if number % 3 == 0:
                for part in fmt.parts:
                    store.write_text(stored.id, part.id, "本部分已填写。", person_id=clerk)
        for clerk in typists_ids:
            clerk_ready_for_tables(store, clerk, f"压测单位{clerk}", year)
    return reminded, typists_ids


class Morning(Peak):
    """A reminder morning: a bot process started with ``offices`` offices due a reminder now
    (its catch-up run plans them all, then broadcasts), and ``typists`` clerks at table 2.

    The clock is the real one: the offices' counties set an internal deadline that makes
    today a reminder day, in a zone where the sending hour has passed."""

    def __init__(self, workdir: Path, offices: int, typists: int) -> None:
        self.workdir = workdir
        zone = reminder_zone()
        now = datetime.now(zone)
        deadline = reminder_deadline(now)
        if deadline is None:
            raise LookupError(f"{now:%Y-%m-%d} ({zone.key}) cannot be a reminder day")
        year = reporting_year(now.date())
        self.rows = [q for q in plan_for(format_for_year(year)) if isinstance(q, RowQuestion)]
        self.db = workdir / "morning.db"
        with Store(self.db) as store:
            self.reminded, self.ids = seed_morning(store, offices, typists, year, deadline)
        self.emulator = EmulatorProcess()
        for start in range(0, offices, 5_000):
            self.emulator.client.start_chats(
                (clerk, f"文书{clerk}") for clerk in self.reminded[start : start + 5_000]
            )
        for clerk in self.ids:
            self.emulator.client.add_user(clerk, f"文书{clerk}")
        self.bot = BotProcess(self.emulator, self.db, workdir / "morning.log")
        self.bot.env["NIANBAO_TZ"] = zone.key
        self.started = time.perf_counter()
        self.bot.start(timeout=300)
        self.answered = dict.fromkeys(self.ids, 0)


async def _typing_through(morning: Morning, window: float) -> tuple[list[float], int, int]:
    """The typists open their question and type rows until ``window`` seconds after the bot
    started: every reply's latency (the first question's too); reminders sent meanwhile, and
    429s."""
    async with morning.emulator_client() as people:
        watch = _Watch(people, only=tuple(morning.ids))
        watcher = asyncio.create_task(watch.run())
        ends = morning.started + window
        try:

            async def typist(clerk: int) -> list[float]:
                before = watch.messages(clerk)
                sent = time.perf_counter()
                await people.send_command(clerk, "fill")
                seen = await watch.until(lambda chats: watch.messages(clerk) > before, 600)
                latencies = [seen - sent]
                while time.perf_counter() < ends:
                    latencies.append(await morning.answer(people, watch, clerk))
                return latencies

            latencies = await asyncio.gather(*(typist(c) for c in morning.ids))
            calls = await people.calls()
        finally:
            watch.stopped = True
            watcher.cancel()
    typists = set(morning.ids)
    reminders = len(
        [c for c in calls if c.method == "sendMessage" and c.ok and _chat_of(c) not in typists]
    )
    flood = len([c for c in calls if c.error_code == 429 and not c.injected])
    return [x for some in latencies for x in some], reminders, flood


def _chat_of(call: Any) -> int | None:
    chat = (call.params or {}).get("chat_id")
    return None if chat is None else int(chat)


def keep_log(path: Path) -> None:
    """A copy of a bot's log in ``$NIANBAO_BENCH_LOGS`` when set (the work directory is
    deleted): its stall reports say what kept the event loop."""
    folder = os.environ.get("NIANBAO_BENCH_LOGS")
    if folder and path.exists():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / f"{datetime.now():%H%M%S}-{path.name}")


def stall_summary(log: str) -> str | None:
    """The bot's count of event-loop stalls by cause (what took most of each: its own code,
    another thread, the machine too busy to run it, waiting), logged when it stops."""
    found = re.findall(r"event loop stalls over (.*)", log)
    return found[-1] if found else None


def worst_lag_ms(log: str) -> int | None:
    """The bot's worst event-loop lag from its log: the figure it logs when it stops, or (if
    it was killed first) the worst of the stalls over 100 ms it logged as they happened."""
    final = re.findall(r"event loop: worst lag (\d+) ms", log)
    if final:
        return int(final[-1])
    stalls = [int(ms) for ms in re.findall(r"event loop blocked for (\d+) ms", log)]
    return max(stalls) if stalls else None


def reminder_morning(
    workdir: Path, offices: int = 20_000, typists: int = 20, window: float = 120.0
) -> dict[str, Any]:
    """The reminder morning phase: the bot's worst loop lag (planning for ``offices`` offices,
    then broadcasting, while ``typists`` clerks type) and the typists' reply p99 during the
    first ``window`` seconds after start-up."""
    began = time.perf_counter()
    try:
        morning = Morning(workdir, offices, typists)
    except LookupError as error:
        return {"not_measured": str(error)}
    seeded = time.perf_counter() - began
    try:
        latencies, reminders, flood = asyncio.run(_typing_through(morning, window))
    finally:
        morning.stop()
    keep_log(workdir / "morning.log")
    log = (workdir / "morning.log").read_text(encoding="utf-8", errors="replace")
    return {
        "loop_lag_max_ms": worst_lag_ms(log),
        "loop_stalls": stall_summary(log),
        "interactive_p99_s_during_broadcast": round(_p99(latencies), 2),
        "interactive_replies": len(latencies),
        "reminders_sent_in_window": reminders,
        "flood_429s": flood,
        "offices": offices,
        "typists": typists,
        "window_s": window,
        "seed_s": round(seeded, 1),
        "zone": morning.bot.env["NIANBAO_TZ"],
        "stopped_cleanly": "event loop: worst lag" in log,
    }


def _p99(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def _throughput(
    peak: Peak, people: AsyncBotApiClient, watch: _Watch, clerks: int, rows_each: int
) -> tuple[float, float]:
    """``clerks`` clerks typing at once, each ``rows_each`` rows: rows per second, p99 s."""

    async def clerk_session(clerk: int) -> list[float]:
        return [await peak.answer(people, watch, clerk) for _ in range(rows_each)]

    began = time.perf_counter()
    latencies = await asyncio.gather(*(clerk_session(c) for c in peak.ids[:clerks]))
    seconds = time.perf_counter() - began
    flat = [x for session in latencies for x in session]
    return len(flat) / seconds, _p99(flat)


async def _commits(
    peak: Peak, people: AsyncBotApiClient, watch: _Watch, clerks: int
) -> dict[str, float]:
    """``clerks`` clerks typing two rows each at once, with the bot's fsyncs counted (strace)
    and its commits read from the write-ahead log: per answered row, the fsyncs of the log (one
    per durable commit), every fsync (checkpoints too), and every commit (durable or not)."""
    assert peak.bot.process is not None
    if shutil.which("strace") is None:
        return {}
    answered_before = sum(peak.answered.values())
    with wal_pinned(peak.db):
        commits = wal_commits(peak.db)
        with fsyncs_counted(peak.bot.process.pid, peak.workdir) as fsyncs:
            await _throughput(peak, people, watch, clerks, 2)
            await asyncio.sleep(1.0)  # the last batch's own durable commit, if it makes one
        all_commits = wal_commits(peak.db) - commits
    answered = sum(peak.answered.values()) - answered_before
    counts = fsyncs()
    return {
        "durable": counts.get(f"{peak.db.name}-wal", 0) / answered,
        "fsyncs": sum(counts.values()) / answered,
        "commits": all_commits / answered,
    }


async def _offered(
    peak: Peak, people: AsyncBotApiClient, watch: _Watch, rate: float, rows: int
) -> float:
    """Rows arriving at ``rate`` a second from clerks taking turns: reply p99 in seconds."""
    tasks = []
    for number in range(rows):
        clerk = peak.ids[number % len(peak.ids)]
        tasks.append(asyncio.create_task(peak.answer(people, watch, clerk)))
        await asyncio.sleep(1 / rate)
    return _p99(list(await asyncio.gather(*tasks)))


async def _presses(peak: Peak, people: AsyncBotApiClient, watch: _Watch, window: float) -> int:
    """Every clerk presses a button of their question within ``window`` seconds; how many of
    those presses were answered too late for Telegram ("query is too old")."""
    before = len(await people.calls("answerCallbackQuery"))
    # Nobody waits for a message now: the watch stops (its reading of 1,000 chats after every
    # change took the test server's CPU from the bot under test), the questions read once.
    watch.stopped = True
    chats = (await people.progress(peak.ids))["chats"]
    presses = []
    for clerk in peak.ids:
        chat = chats[str(clerk)]
        presses.append((clerk, chat["question_id"], chat["button"]))

    async def press(delay: float, clerk: int, message_id: int, data: str) -> None:
        await asyncio.sleep(delay)
        await people.press_button(clerk, message_id, data)

    await asyncio.gather(
        *(press(window * number / len(presses), *pressed) for number, pressed in enumerate(presses))
    )
    # Telegram's window is 15 s: wait until every press was answered or surely too late.
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        calls = (await people.calls("answerCallbackQuery"))[before:]
        if len(calls) >= len(presses) and all(c.ok is not None for c in calls):
            break
        await asyncio.sleep(1)
    calls = (await people.calls("answerCallbackQuery"))[before:]
    answered_in_time = len([c for c in calls if c.ok])
    return len(presses) - answered_in_time


async def _drive(
    peak: Peak, clerks: int, rows_each: int, offered_rows: int, press_window: float
) -> tuple[float, float, int, int, dict[str, float]]:
    async with peak.emulator_client() as people:
        watch = _Watch(people)
        watcher = asyncio.create_task(watch.run())
        try:
            await peak.open_questions(people, watch)
            rows_per_s, _ = await _throughput(peak, people, watch, clerks, rows_each)
            commits = await _commits(peak, people, watch, min(clerks, 100))
            reply_p99 = await _offered(peak, people, watch, 10.0, offered_rows)
            # Let the last replies land before pressing.
            await asyncio.sleep(2)
            too_old = await _presses(peak, people, watch, press_window)
            calls = await people.calls()
        finally:
            watch.stopped = True
            watcher.cancel()
    flood = len([c for c in calls if c.error_code == 429 and not c.injected])
    return rows_per_s, reply_p99, too_old, flood, commits


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def fsync_ms(directory: Path, count: int = 50) -> float:
    """The median cost of writing 4 KiB and fsync'ing it on the disk holding ``directory``."""
    path = directory / "fsync.probe"
    times = []
    with path.open("wb") as file:
        for _ in range(count):
            began = time.perf_counter()
            file.write(b"\0" * 4096)
            file.flush()
            os.fsync(file.fileno())
            times.append(time.perf_counter() - began)
    path.unlink()
    return statistics.median(times) * 1000


def check_cli_seconds(workdir: Path, repeat: int = 3) -> float:
    """The fastest of ``repeat`` whole ``nianbao check`` processes on the seed report.

    Timed as a deployed command runs: with its modules' bytecode cached. This machine's
    environment may set ``PYTHONDONTWRITEBYTECODE`` (every run would compile the project's
    modules again, ~0.1-0.2 s that no installed copy pays), so the runs here may write it, and
    one untimed run writes it first."""
    from exports import write_docx
    from tests.seed import seed_report

    seed = workdir / "seed.docx"
    seed.write_bytes(write_docx(seed_report()))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for attempt in range(repeat + 1):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "check", str(seed)],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
        )
        if attempt:
            times.append(time.perf_counter() - began)
    return min(times)


def run(
    clerks: int = 500,
    rows_each: int = 3,
    offered_rows: int = 300,
    pressers: int = 1000,
    answer_p99_ms: float | None = None,
    offices: int = 20_000,
    typists: int = 20,
    window: float = 120.0,
) -> dict[str, Any]:
    """The whole peak run; the figures as one dict (see the module docstring)."""
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nianbao-peak-", dir=REPO) as tmp:
        workdir = Path(tmp)
        disk_fsync_ms = fsync_ms(workdir)
        check_s = check_cli_seconds(workdir)
        peak = Peak(workdir, max(clerks, pressers))
        try:
            rows_per_s, reply_p99, too_old, flood, commits = asyncio.run(
                _drive(peak, clerks, rows_each, offered_rows, 1.0)
            )
        finally:
            peak.stop()
        keep_log(workdir / "bot.log")
        serving_log = (workdir / "bot.log").read_text(encoding="utf-8", errors="replace")
        lags = re.findall(r"event loop: worst lag (\d+) ms", serving_log)
        morning = reminder_morning(workdir, offices, typists, window)
    lag_why = "the reminder morning could not be started: " + str(morning.get("not_measured"))
    return {
        "rows_per_s_one_bot": round(rows_per_s, 1),
        "reply_p99_s": round(reply_p99, 2),
        "callbacks_too_old": too_old,
        "loop_lag_max_ms": morning.get("loop_lag_max_ms"),
        "loop_lag_max_ms_serving": int(lags[-1]) if lags else None,
        "loop_stalls_serving": stall_summary(serving_log),
        "interactive_p99_s_during_broadcast": morning.get("interactive_p99_s_during_broadcast"),
        "flood_429s": flood + int(morning.get("flood_429s", 0)),
        "reminder_morning": morning,
        "commits_per_answer": _rounded(commits.get("durable")),
        "fsyncs_per_answer": _rounded(commits.get("fsyncs")),
        "wal_commits_per_answer": _rounded(commits.get("commits")),
        "answer_p99_ms": answer_p99_ms,
        "check_cli_s": round(check_s, 2),
        "clerks": max(clerks, pressers),
        "fsync_ms": round(disk_fsync_ms, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "seconds": round(time.perf_counter() - began, 1),
        "not_measured": {
            **(
                {"loop_lag_max_ms": lag_why, "interactive_p99_s_during_broadcast": lag_why}
                if "not_measured" in morning
                else {}
            ),
            **(
                {}
                if commits
                else {"commits_per_answer": "strace (to count the bot's fsyncs) is not installed"}
            ),
        },
    }
