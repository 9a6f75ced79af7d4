"""Benchmark 5: hostile files sent to the real bot while a clerk of another office works.

One bot process over the Bot API emulator. Clerk A sends every hostile (and every odd but
harmless) file of ``tests/test_faults_hostile_files.py``, reports and ledgers (台账, from
``tests/ledger/hostile_ledgers.py``), one after the other; meanwhile clerk B,
of another office, sends ``/help`` every 0.2 s. The bot runs behind a webhook, where chats are
processed in parallel. Measured: A's wait for each verdict (target
< 5 s), B's reply times (target: every one < 1 s), the growth of the bot's peak memory (target
< 200 MB).
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.e2e import EmulatorProcess
from benchmarks.stats import Timing
from bot.uploads import MAX_UPLOAD_BYTES
from storage import Role, Store
from tests.bot_process import BotProcess, Person
from tests.botapi.client import BotApiClient, WaitTimeout
from tests.ledger.hostile_ledgers import READ_LEDGERS, REFUSED_LEDGERS
from tests.test_faults_hostile_files import READ, REFUSED

HOSTILE_CLERK, STEADY_CLERK = 810_001, 810_002
STEADY_PAUSE = 0.2
VERDICT_SECONDS = 90.0


@dataclass(frozen=True)
class FileResult:
    kind: str
    seconds: float
    verdict: str


@dataclass(frozen=True)
class HostileResult:
    files: list[FileResult]
    steady: Timing
    steady_max_ms: float
    memory_growth_mb: float


def _memory(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return int(value.split()[0]) * 1024
    return 0


def run() -> HostileResult:
    """Run the benchmark once (about a minute)."""
    emulator = EmulatorProcess()
    folder = Path(tempfile.mkdtemp(prefix="nianbao-hostile-"))
    db = folder / "bot.db"
    with Store(db) as store:
        for clerk, name in (
            (HOSTILE_CLERK, "某县甲镇人民政府"),
            (STEADY_CLERK, "某县乙镇人民政府"),
        ):
            org = store.add_organisation(name)
            store.upsert_person(clerk, f"{name}文书")
            store.add_membership(clerk, org.id, Role.CLERK)
    # Behind a webhook, where updates of different chats are processed in parallel (the
    # polling loop of bot/polling.py handles one update after another).
    bot = BotProcess(emulator, db, folder / "bot.log", webhook=True).start(timeout=60)
    hostile = Person(BotApiClient(emulator.url, timeout=120), HOSTILE_CLERK, "甲镇文书")
    steady = Person(BotApiClient(emulator.url, timeout=60), STEADY_CLERK, "乙镇文书")
    stop = threading.Event()
    latencies: list[float] = []
    wall = 0.0

    def keep_asking() -> None:
        client = steady.client
        while not stop.is_set():
            seen = len(client.bot_messages(STEADY_CLERK))
            began = time.perf_counter()
            client.send_command(STEADY_CLERK, "help")
            with contextlib.suppress(WaitTimeout):  # counted at what it cost; the run goes on
                client.wait_until(
                    lambda s, seen=seen: len(s.bot_messages(STEADY_CLERK)) > seen or None,
                    10.0,
                    what="the reply to /help",
                )
            latencies.append(time.perf_counter() - began)
            time.sleep(STEADY_PAUSE)

    try:
        hostile.command("fill")
        steady.command("fill")
        assert bot.process is not None
        Path(f"/proc/{bot.process.pid}/clear_refs").write_text("5")
        resident = _memory(bot.process.pid, "VmRSS")
        asker = threading.Thread(target=keep_asking, daemon=True)
        started = time.perf_counter()
        asker.start()
        files = []
        kinds = [(k, "年度报告.docx", b) for k, (b, _) in REFUSED.items()]
        kinds += [(k, "年度报告.docx", b) for k, b in READ.items()]
        kinds += [(k, name, b) for k, (name, b, _) in REFUSED_LEDGERS.items()]
        kinds += [(k, name, b) for k, (name, b, _) in READ_LEDGERS.items()]
        for kind, name, build in kinds:
            content = build()
            if not content or len(content) > MAX_UPLOAD_BYTES:
                # Telegram delivers no empty file; one over 20 MB is refused by the size it
                # reports (tests/test_faults_uploads.py), and pushing 30 MB through the
                # emulator measures the emulator.
                continue
            began = time.perf_counter()
            try:
                # Waited for as long as it takes (a loaded machine), so that no verdict is
                # taken for the next file's.
                hostile.client.send_document(HOSTILE_CLERK, content, name)
                said = Person.text(hostile.settle(timeout=VERDICT_SECONDS))
            except WaitTimeout:
                said = f"(no answer within {VERDICT_SECONDS:.0f} s)"
            files.append(FileResult(kind, time.perf_counter() - began, said.split("\n")[0][:60]))
        stop.set()
        asker.join(30)
        wall = time.perf_counter() - started
        growth = (_memory(bot.process.pid, "VmHWM") - resident) / 2**20
    finally:
        stop.set()
        bot.stop()
        emulator.stop()
    return HostileResult(
        files=files,
        steady=Timing(latencies, wall),
        steady_max_ms=max(latencies) * 1000,
        memory_growth_mb=growth,
    )
