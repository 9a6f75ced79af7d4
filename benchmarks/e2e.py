"""Benchmark 4: one real bot process over the Bot API emulator, 50 clerks typing at once.

Each clerk (a thread) answers a row, waits for the next question, answers it, and so on. The
emulator runs as its own process; one monitor watches it and tells each clerk when their next
question has arrived. Throughput is answered rows (incoming messages) per second and the bot's
outgoing calls per second; latency is from sending a row to seeing the next question.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.answers import row_text
from benchmarks.drafts import clerk_ready_for_tables
from benchmarks.stats import Timing
from dialogs.engine import reporting_year
from dialogs.plan import RowQuestion, plan_for
from report.formats import format_for_year
from storage import Store
from tests.bot_process import REPO, BotProcess
from tests.botapi.client import BotApiClient, _Requests
from tests.botapi.state import DEFAULT_TOKEN

FIRST_CLERK = 700_000


class EmulatorProcess:
    """``python -m tests.botapi`` as a separate process (so it does not share our GIL)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.botapi", "--port", "0"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line.startswith("READY "), line
        self.url = line.removeprefix("READY ")
        self.client = BotApiClient(self.url, timeout=60)
        self.token = DEFAULT_TOKEN
        self.base_url = f"{self.url}/bot"

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(10)


@dataclass(frozen=True)
class EndToEndResult:
    clerks: int
    answers: int
    seconds: float
    outgoing_calls: int
    latency: Timing

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.seconds

    @property
    def calls_per_second(self) -> float:
        return self.outgoing_calls / self.seconds


class _Monitor(threading.Thread):
    """Watches the emulator; wakes a clerk once a new question (a message with buttons) came."""

    def __init__(self, client: BotApiClient) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.lock = threading.Lock()
        self.waiting: dict[int, tuple[int, threading.Event]] = {}
        self.seen: dict[int, float] = {}
        self.stopped = False

    def expect(self, chat_id: int, after: int) -> threading.Event:
        event = threading.Event()
        with self.lock:
            self.waiting[chat_id] = (after, event)
        return event

    def run(self) -> None:
        while not self.stopped:
            snapshot = self.client.snapshot(with_content=False)
            now = time.perf_counter()
            with self.lock:
                for chat_id, (after, event) in list(self.waiting.items()):
                    messages = snapshot.bot_messages(chat_id)
                    if any(m.buttons for m in messages[after:]):
                        self.seen[chat_id] = now
                        del self.waiting[chat_id]
                        event.set()
            # Block until the emulator's state moves on (or a second passes).
            self.client._send(_Requests.wait(snapshot.version, 1.0))  # type: ignore[attr-defined]


def run(clerks: int = 50, rows_each: int = 6) -> EndToEndResult:
    """``clerks`` people each answering ``rows_each`` rows at once against one bot process."""
    with tempfile.TemporaryDirectory(prefix="nianbao-e2e-") as tmp:
        workdir = Path(tmp)
        emulator = EmulatorProcess()
        try:
            return _run(emulator, workdir, clerks, rows_each)
        finally:
            emulator.stop()


def _run(emulator: EmulatorProcess, workdir: Path, clerks: int, rows_each: int) -> EndToEndResult:
    year = reporting_year(datetime.now(ZoneInfo("Asia/Shanghai")).date())
    fmt = format_for_year(year)
    plan = plan_for(fmt)
    ids = [FIRST_CLERK + n for n in range(clerks)]
    with Store(workdir / "bot.db") as store, store.transaction():
        for clerk in ids:
            clerk_ready_for_tables(store, clerk, f"压测单位{clerk}", year)
    client = emulator.client
    for clerk in ids:
        client.add_user(clerk, f"文书{clerk}")
    bot = BotProcess(emulator, workdir / "bot.db", workdir / "bot.log")
    bot.start(timeout=60)
    monitor = _Monitor(BotApiClient(emulator.url, timeout=60))
    monitor.start()
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []
    rows = [q for q in plan if isinstance(q, RowQuestion)]

    def clerk_session(clerk: int, own: BotApiClient) -> None:
        try:
            count = 0
            event = monitor.expect(clerk, count)
            own.send_command(clerk, "fill")
            if not event.wait(120):
                raise TimeoutError("no first question")
            start_barrier.wait()
            for number in range(rows_each):
                count = len(own.snapshot(with_content=False).bot_messages(clerk))
                event = monitor.expect(clerk, count)
                sent = time.perf_counter()
                own.send_text(clerk, row_text(rows[number], number))
                if not event.wait(120):
                    raise TimeoutError(f"no question after row {number}")
                with lock:
                    latencies.append(monitor.seen[clerk] - sent)
        except Exception as error:
            failures.append(f"{clerk}: {error!r}")
            start_barrier.abort()

    start_barrier = threading.Barrier(clerks + 1)
    own_clients = [BotApiClient(emulator.url, timeout=60) for _ in ids]
    threads = [
        threading.Thread(target=clerk_session, args=(c, own), daemon=True)
        for c, own in zip(ids, own_clients, strict=True)
    ]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    calls_before = _sent_calls(client)
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    calls = _sent_calls(client) - calls_before
    monitor.stopped = True
    bot.stop()
    for own in own_clients:
        own.close()
    if failures:
        raise SystemExit("end-to-end benchmark failed: " + "; ".join(failures[:3]))
    return EndToEndResult(clerks, len(latencies), seconds, calls, Timing(latencies, seconds))


def _sent_calls(client: BotApiClient) -> int:
    """Bot API calls that send or change something the clerk sees (polls excluded)."""
    return len([c for c in client.calls() if c.method.lower() != "getupdates"])
