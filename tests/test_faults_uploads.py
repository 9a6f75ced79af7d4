"""Hostile uploads: each refused with a clear Chinese message within 5 s and 200 MB of memory.

Every kind goes through ``exports.read_docx`` (a ledger through ``read_ledger_bytes``) in a
fresh child process, where the time and the growth of the peak resident memory during the read
are measured. Some (all, in the long form) also go end to end: a clerk sends the file to the
real bot process over the Bot API test server, and gets a refusal while the bot's memory stays
bounded and a clerk of another office is answered meanwhile.

The 5 s / 200 MB bounds are correctness limits (a hostile file must not take the bot down),
not performance targets; they are generous on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage import Organisation, Role, Store
from tests.bot_process import REPO, BotProcess, Person
from tests.botapi.client import BotApiClient, ChatMessage
from tests.exports.exports_helpers import (
    PNG,
    deep_elements,
    dotdot_members,
    entity_expansion,
    invalid_encoding,
    many_tables,
    nested_tables,
    oversized,
    xinclude,
    zip_bomb,
)
from tests.ledger.hostile_ledgers import REFUSED_LEDGERS

LONG = os.environ.get("NIANBAO_LONG") == "1"
SECONDS = 5.0
MEMORY = 200 * 1024 * 1024
CLERK = 9301

HOSTILE = {
    "not a zip": (lambda: b"\x00\x01 this is not a zip file at all " * 100, "不是 Word"),
    "zip bomb": (lambda: zip_bomb(64), "压缩炸弹"),
    "entity expansion": (entity_expansion, "实体声明"),
    "10,000 tables": (lambda: many_tables(10_000), "表格超过"),
    "30 MB": (lambda: oversized(30), "超过 20 MB"),
    "renamed image": (lambda: PNG, "图片"),
    "../ member names": (dotdot_members, "压缩包之外"),
    "XInclude": (xinclude, "XInclude"),
    "tables nested 80 deep": (lambda: nested_tables(80), "表格套表格"),
    "elements nested 300 deep": (lambda: deep_elements(300), "层级"),
    "invalid encoding": (invalid_encoding, "编码"),
}
#: What the bot says for each kind (a 30 MB file is refused before it is downloaded).
BOT_SAYS = {**{k: v for k, (_, v) in HOSTILE.items()}, "30 MB": "超过20MB"}
THROUGH_THE_BOT = list(HOSTILE) if LONG else ["zip bomb", "renamed image", "XInclude"]
LEDGERS_THROUGH_THE_BOT = (
    list(REFUSED_LEDGERS)
    if LONG
    else [
        "ledger zip bomb",
        "ledger cells A1 and XFD1048576",
        "ledger with ../ member names",
        "CSV with NUL bytes",
        "Word ledger with tables nested 80 deep",
    ]
)
OTHER_CLERK = 9302

CHILD = """
import json, sys, time
from exports import DocumentRejected, read_docx

def memory(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

data = open(sys.argv[1], "rb").read()
# The peak (VmHWM) is inherited from the parent through fork and exec: start it afresh.
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
before = memory("VmRSS")
began = time.perf_counter()
try:
    if len(sys.argv) > 2:  # a ledger, by its file name
        from exports.ledger_file import read_ledger_bytes
        from report.ledger import LedgerError

        try:
            read_ledger_bytes(data, sys.argv[2])
        except LedgerError as error:
            raise DocumentRejected(error.message) from None
    else:
        read_docx(data)
    message = None
except DocumentRejected as refusal:
    message = refusal.message
seconds = time.perf_counter() - began
print(json.dumps({"message": message, "seconds": seconds, "grown": memory("VmHWM") - before}))
"""


def _read_in_child(path: Path, ledger_name: str | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), *([ledger_name] if ledger_name else [])],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_each_hostile_file_is_refused_quickly_and_within_bounded_memory(kind, tmp_path):
    build, expected = HOSTILE[kind]
    path = tmp_path / "upload.docx"
    path.write_bytes(build())
    outcome = _read_in_child(path)
    assert outcome["message"] is not None, f"{kind}: was read instead of refused"
    assert expected in outcome["message"]
    assert outcome["seconds"] < SECONDS
    assert outcome["grown"] < MEMORY, f"{kind}: {outcome['grown'] / 2**20:.0f} MB"


@pytest.mark.parametrize("kind", list(REFUSED_LEDGERS))
def test_each_hostile_ledger_is_refused_quickly_and_within_bounded_memory(kind, tmp_path):
    """Read in process, without the sandbox's limits: the reader itself stays within bounds."""
    name, build, expected = REFUSED_LEDGERS[kind]
    path = tmp_path / "upload"
    path.write_bytes(build())
    outcome = _read_in_child(path, name)
    assert outcome["message"] is not None, f"{kind}: was read instead of refused"
    assert expected in outcome["message"], f"{kind}: {outcome['message']}"
    assert outcome["seconds"] < SECONDS
    assert outcome["grown"] < MEMORY, f"{kind}: {outcome['grown'] / 2**20:.0f} MB"


def _memory(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024
    return fields


@contextmanager
def _bot_refusing(
    botapi_server, db: Path, clerk: Person, offices: list[Organisation]
) -> Iterator[BotProcess]:
    """The real bot process, for the time hostile files are sent to it; then it is still the
    same process and still answers ``clerk``, and once it is stopped, the database is sound,
    no report of ``offices`` holds a figure, and the Bot API refused none of its calls."""
    bot = BotProcess(botapi_server, db, db.with_suffix(".log")).start()
    try:
        yield bot
        # Still the same process, still answering, and nothing was stored.
        assert bot.process.poll() is None
        clerk.command("fill")
        assert clerk.question().buttons
    finally:
        bot.stop()
    with Store(db) as store:
        assert store.integrity_check() == ["ok"]
        for office in offices:
            assert all(
                not store.load(r.id).figures
                for r in [store.report(office.id, y) for y in store.years(office.id)]
            )
    botapi_server.client.assert_no_rejected_calls()


def _peak_restarted(pid: int) -> int:
    """The process's resident memory now, its peak (VmHWM) started afresh from it: the peak
    is inherited from pytest through fork and exec."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _memory(pid)["VmRSS"]


def _refused_within_bounds(
    pid: int, kind: str, replies: list[ChatMessage], waited: float, expected: str, resident: int
) -> None:
    """The bot answered a hostile file with ``expected`` (no internal error), within the time
    bound, its peak memory within the bound above ``resident``."""
    said = Person.text(replies)
    assert expected in said, f"{kind}: {said}"
    assert "出了问题" not in said
    assert waited < SECONDS, f"{kind}: {waited:.1f} s"
    peak = _memory(pid)["VmHWM"]
    assert peak - resident < MEMORY, f"{kind}: {(peak - resident) / 2**20:.0f} MB"


def test_hostile_files_sent_to_the_bot_are_refused_and_the_bot_carries_on(botapi_server, tmp_path):
    db = tmp_path / "bot.db"
    with Store(db) as store:
        org = store.add_organisation("某县戊镇人民政府")
        store.upsert_person(CLERK, "戊镇文书")
        store.add_membership(CLERK, org.id, Role.CLERK)
    clerk = Person(botapi_server.client, CLERK, "戊镇文书")
    with _bot_refusing(botapi_server, db, clerk, [org]) as bot:
        clerk.command("fill")
        assert bot.process is not None
        resident = _peak_restarted(bot.process.pid)
        for kind in THROUGH_THE_BOT:
            content = HOSTILE[kind][0]()
            began = time.monotonic()
            replies = clerk.sends_file("2025年年度报告.docx", content)
            waited = time.monotonic() - began
            _refused_within_bounds(bot.process.pid, kind, replies, waited, BOT_SAYS[kind], resident)


def test_hostile_ledgers_sent_to_the_bot_are_refused_while_another_office_is_answered(
    botapi_server, tmp_path
):
    db = tmp_path / "bot.db"
    with Store(db) as store:
        org = store.add_organisation("某县戊镇人民政府")
        other = store.add_organisation("某县己镇人民政府")
        for person, name, office in ((CLERK, "戊镇文书", org), (OTHER_CLERK, "己镇文书", other)):
            store.upsert_person(person, name)
            store.add_membership(person, office.id, Role.CLERK)
    clerk = Person(botapi_server.client, CLERK, "戊镇文书")
    # The other clerk talks through a client of their own, from another thread.
    other_clerk = Person(BotApiClient(botapi_server.url, timeout=60), OTHER_CLERK, "己镇文书")
    waits: list[float] = []
    with _bot_refusing(botapi_server, db, clerk, [org, other]) as bot:
        clerk.command("fill")
        other_clerk.command("fill")
        assert bot.process is not None
        # Telegram does not answer getFile: the clerk is asked to send the file again.
        botapi_server.client.fail_next_with("getFile", 1, 502, "Bad Gateway")
        said = Person.text(clerk.sends_file("台账.csv", b"a,b\n"))
        assert "没有接收成功" in said and "出了问题" not in said, said
        resident = _peak_restarted(bot.process.pid)
        for number, kind in enumerate(LEDGERS_THROUGH_THE_BOT):
            name, build, expected = REFUSED_LEDGERS[kind]
            content = build()
            if number == 0:  # the "typing…" courtesy fails: the file is read all the same
                botapi_server.client.fail_next_with("sendChatAction", 1, 502, "Bad Gateway")

            def ask() -> None:
                began = time.monotonic()
                assert other_clerk.command("help")
                waits.append(time.monotonic() - began)

            asker = threading.Thread(target=ask)
            began = time.monotonic()
            asker.start()
            replies = clerk.sends_file(name, content)
            waited = time.monotonic() - began
            asker.join(60)
            _refused_within_bounds(bot.process.pid, kind, replies, waited, expected, resident)
        assert len(waits) == len(LEDGERS_THROUGH_THE_BOT)
        assert max(waits) < SECONDS, waits
