"""Counting SQLite commits from the outside: the commit frames of a database's write-ahead log.

Each commit in WAL mode appends the changed pages to ``<db>-wal``; the frame of the last page
of a commit records the database size, the others record 0. Frames of an earlier generation of
the log (before a checkpoint restarted it) carry other salts and are not counted.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


def wal_commits(db: Path) -> int:
    """How many commits the current generation of ``db``'s write-ahead log holds."""
    data = Path(f"{db}-wal").read_bytes()
    if len(data) < WAL_HEADER:
        return 0
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    commits = 0
    at = WAL_HEADER
    while at + FRAME_HEADER + page_size <= len(data):
        header = data[at : at + FRAME_HEADER]
        if header[8:16] != salts:
            break
        if struct.unpack(">I", header[4:8])[0]:
            commits += 1
        at += FRAME_HEADER + page_size
    return commits


@contextmanager
def wal_pinned(db: Path) -> Iterator[None]:
    """Hold a read snapshot, so that no checkpoint restarts the log while commits are counted."""
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        reader.execute("COMMIT")
        reader.close()


@contextmanager
def fsyncs_counted(pid: int, workdir: Path) -> Iterator[Callable[[], dict[str, int]]]:
    """Count the fsyncs a running process makes, per file name, with ``strace`` attached to
    every thread of it; the yielded function reads the counts once the block has ended.

    Tracing slows the process (every system call stops it), so time nothing inside the block.
    """
    trace = workdir / f"fsyncs-{pid}.trace"
    tracer = subprocess.Popen(
        [
            "strace",
            "-f",
            "-qq",
            "-y",
            "-e",
            "trace=fsync,fdatasync",
            "-o",
            str(trace),
            "-p",
            str(pid),
        ],
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # attached to every thread by then
    counts: dict[str, int] = {}
    try:
        yield lambda: counts
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(30)
        for line in trace.read_text().splitlines():
            found = re.search(r"f(?:data)?sync\(\d+<([^>]*)>\) = 0", line)
            if found:
                name = Path(found.group(1)).name
                counts[name] = counts.get(name, 0) + 1
