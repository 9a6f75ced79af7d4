"""Reading an untrusted report file in a separate process with hard CPU-time and memory limits.

A file from outside (a township's upload, a file given to ``nianbao check``) is parsed by a
child process that sets ``RLIMIT_CPU`` and ``RLIMIT_AS`` on itself before reading a byte, so no
file can stall or exhaust the bot or the CLI however the parser misbehaves. The bot's children
are forked from a fork server that has every reader imported (``_ForkServer``); a one-shot
command (``nianbao check``, ``import``, ``ledger``: ``one_shot=True``) forks its child itself,
after importing only the reader the file needs, which spares it starting a second interpreter
(it falls back to the fork server when it runs several threads or maps too much). The child
writes its result as JSON (never pickle: the parent trusts nothing the child says beyond its
shape); a child that dies, runs out of time or memory, or says something malformed is a
refusal in Chinese.

Entry points: :func:`read_untrusted` for bytes already in memory (size checked first) and
:func:`read_untrusted_path`, which checks the size with ``stat`` before reading the file; for an
application ledger (台账: a spreadsheet, a CSV or the tables of a Word document)
:func:`read_ledger_untrusted` and :func:`read_ledger_untrusted_path`, whose child answers with the
ledger as JSON (``report.ledger.Ledger``) or the reader's Chinese refusal.

Importing this module is cheap (no reader, no ledger model): the command line checks a file's
size before anything that reads it is loaded.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from exports import texts
from exports.limits import MAX_FILE_BYTES, MB
from exports.result import DocumentRejected, ReadResult

if TYPE_CHECKING:
    import subprocess

    from report.ledger import Ledger

#: CPU seconds the child may use (it is forked with everything imported: all of it is reading).
CPU_SECONDS = 5
#: Address space of the child; the fork server with lxml and pydantic loaded maps about 55 MB.
MEMORY_BYTES = 256 * MB
#: Wall-clock limit: generous, since on a loaded machine CPU seconds take longer to come.
WALL_SECONDS = 30.0
#: A JSON answer larger than this is not a report read from a 20 MB file.
MAX_ANSWER_BYTES = 64 * MB
#: A file name is passed to the child (a ledger's CSV sheet is named by it) cut to this length.
MAX_NAME_CHARS = 255
#: A one-shot caller forks its child itself only while it maps less than this and runs one
#: thread; otherwise the fork server reads the file. The child's ``MEMORY_BYTES`` counts what it
#: inherits: the fork server maps about 63 MB; when they fork, ``nianbao check`` maps about
#: 57 MB and ``nianbao ledger`` about 63 MB.
FORK_HERE_MAX_BYTES = 96 * MB
#: Environment variables a child never keeps (the bot's token).
_SECRET_PREFIXES = ("TELEGRAM",)


@cache
def _result_adapter() -> TypeAdapter[ReadResult]:
    return TypeAdapter(ReadResult)


@cache
def _ledger_adapter() -> TypeAdapter[Any]:
    from report.ledger import Ledger

    return TypeAdapter(Ledger)


class Kind(StrEnum):
    """What the file is expected to be."""

    #: A Word document only (the bot's upload).
    DOCX = "docx"
    #: A Word document or its flattened text, told apart by content (``nianbao check``).
    ANY = "any"
    #: An application ledger: .xlsx, .xls, .ods, .csv or the tables of a .docx.
    LEDGER = "ledger"


def _limit_self() -> None:  # pragma: no cover - runs in the child before it reads a byte
    """Hard limits on this process, set by the child itself before it reads a byte."""
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


class _ForkServer:
    """A helper process with the reader imported that forks one child per file.

    Starting an interpreter and importing lxml and pydantic costs a second or more of CPU on a
    loaded machine; forking a process that has done so costs milliseconds. The server is a
    separate program (not a fork of the caller), so the bot's threads, event loop and open
    database never reach a child. Requests are served one at a time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            import subprocess  # the bot's: a one-shot command forks its child itself

            env = {k: v for k, v in os.environ.items() if not k.startswith(_SECRET_PREFIXES)}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "exports.sandbox"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                cwd=str(Path(__file__).resolve().parent.parent),
            )
        return self._process

    def read(self, data: bytes, kind: Kind, name: str = "") -> bytes | None:
        """The child's JSON answer for ``data``, or None when it died or ran out of time."""
        label = name[-MAX_NAME_CHARS:].encode("utf-8", "replace")
        with self._lock:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(_frame(str(kind).encode()) + _frame(label) + _frame(data))
                process.stdin.flush()
                answer = _read_frame(process.stdout.fileno(), WALL_SECONDS + 15)
            except OSError:
                answer = None
            if answer is None:  # the server itself is in trouble: start a new one next time
                process.kill()
                process.wait()
                self._process = None
                return None
            return answer or None

    def stop(self) -> None:
        """End the server (it also ends by itself when its caller goes away)."""
        with self._lock:
            if self._process is not None:
                self._process.kill()
                self._process.wait()
                self._process = None


_SERVER = _ForkServer()
atexit.register(_SERVER.stop)


def warm_up() -> None:
    """Start the fork server now (the bot does at start-up), so the first upload is quick."""
    _SERVER.read(b"", Kind.DOCX)


def _can_fork_here() -> bool:
    """Whether this process may fork a reading child itself: one thread (no lock another
    thread holds is copied into the child) and small enough for the child's memory limit."""
    if threading.active_count() != 1:
        return False
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    return pages * resource.getpagesize() < FORK_HERE_MAX_BYTES


#: Work a caller does while the child reads (a one-shot command's remaining imports).
Meanwhile = Callable[[], object] | None


def _read_in_child(
    data: bytes, kind: Kind, name: str, one_shot: bool, meanwhile: Meanwhile = None
) -> bytes | None:
    """The child's JSON answer for ``data`` (None: it died, overran or said nothing): forked
    here for a one-shot caller that may, else by the fork server."""
    label = name[-MAX_NAME_CHARS:]
    if one_shot and _can_fork_here():
        _load_reader(data, kind, label)
        return _serve_one(data, kind, label, meanwhile) or None
    if meanwhile is not None:
        meanwhile()
    return _SERVER.read(data, kind, label)


def _load_reader(data: bytes, kind: Kind, name: str) -> None:
    """Import the reader ``data`` needs, and build the answer's schema, before forking: the
    child only reads (and a batch of files pays for them once)."""
    if kind is Kind.LEDGER:
        import exports.ledger_file  # noqa: F401

        _ledger_adapter()
    else:
        from exports import load_reader

        load_reader(data, name, docx_only=kind is Kind.DOCX)
        _result_adapter()


def read_untrusted(
    data: bytes,
    kind: Kind = Kind.ANY,
    *,
    name: str = "",
    one_shot: bool = False,
    meanwhile: Meanwhile = None,
) -> ReadResult:
    """Read a report file in a limited child process; raises :class:`DocumentRejected` with a
    Chinese message for a file refused, too costly to read, or that crashed the reader.
    ``name``: the file's name, which tells a WPS file from an old Word one. ``one_shot``: the
    caller is a short-lived command, which forks the child itself; ``meanwhile`` is called
    once (while the child reads, when it is forked here)."""
    if not data:
        raise DocumentRejected(texts.REJECT_EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    return _outcome(_read_in_child(data, kind, name, one_shot, meanwhile))


def read_ledger_untrusted(data: bytes, name: str = "", *, one_shot: bool = False) -> Ledger:
    """Read an application ledger in a limited child process. Raises :class:`DocumentRejected`
    (not a ledger file, too large, hostile, too costly to read; :class:`NoLedgerTables` for a
    Word document none of whose tables is a ledger) or :class:`LedgerError` (no header, a
    missing column, a bad row); each carries a Chinese ``message``. ``one_shot`` as for
    :func:`read_untrusted`."""
    if not data:
        raise DocumentRejected(texts.REJECT_EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.LEDGER_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    return _ledger_outcome(_read_in_child(data, Kind.LEDGER, name, one_shot))


def read_ledger_untrusted_path(path: Path, *, one_shot: bool = False) -> Ledger:
    """Read a ledger file by path, its size checked with ``stat`` before any byte is read.
    Raises as :func:`read_ledger_untrusted`, or :class:`OSError` when it cannot be opened."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise DocumentRejected(texts.LEDGER_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
        data = handle.read(MAX_FILE_BYTES + 1)
    return read_ledger_untrusted(data, path.name, one_shot=one_shot)


def _ledger_outcome(answer: bytes | None) -> Ledger:
    """The child's answer for a ledger: the ledger, or the refusal it names, raised."""
    from exports.ledger_file import NoLedgerTables
    from report.ledger import LedgerError

    costly = DocumentRejected(texts.LEDGER_TOO_COSTLY)
    if answer is None:
        raise costly
    try:
        parsed = json.loads(answer)
        if "ledger" in parsed:
            ledger: Ledger = _ledger_adapter().validate_python(parsed["ledger"])
            return ledger
        refusals: dict[str, type[Exception]] = {
            "rejected": DocumentRejected,
            "no_ledger_tables": NoLedgerTables,
            "ledger_error": LedgerError,
        }
        ((key, message),) = parsed.items()
        refusal = refusals[key](str(message)[:2000])
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError):
        raise costly from None
    raise refusal


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "big") + payload


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    out = bytearray()
    while len(out) < size:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return None
        if not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, min(size - len(out), 1 << 20))
        if not chunk:
            return None
        out += chunk
    return bytes(out)


def _read_frame(fd: int, seconds: float | None, limit: int = MAX_ANSWER_BYTES) -> bytes | None:
    """One length-prefixed frame from ``fd`` within ``seconds`` (None: no time limit); None on
    time-out, end of file or a frame over ``limit``."""
    deadline = None if seconds is None else time.monotonic() + seconds
    head = _read_exactly(fd, 4, deadline)
    if head is None:
        return None
    size = int.from_bytes(head, "big")
    if size > limit:
        return None
    return _read_exactly(fd, size, deadline)


def _outcome(answer: bytes | None) -> ReadResult:
    if answer is None:
        raise DocumentRejected(texts.REJECT_TOO_COSTLY)
    try:
        parsed = json.loads(answer)
        if "rejected" in parsed:
            refusal = str(parsed["rejected"])[:2000]
        else:
            return _result_adapter().validate_python(parsed["result"])
    except (ValueError, KeyError, TypeError, ValidationError):
        raise DocumentRejected(texts.REJECT_TOO_COSTLY) from None
    raise DocumentRejected(refusal)


def read_untrusted_path(
    path: Path, kind: Kind = Kind.ANY, *, one_shot: bool = False, meanwhile: Meanwhile = None
) -> ReadResult:
    """Read a report file by path: the size is checked with ``stat`` before any byte is read.
    Raises :class:`DocumentRejected`, or :class:`OSError` when the file cannot be opened.
    ``one_shot`` and ``meanwhile`` as for :func:`read_untrusted`."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
        # A pipe or a growing file may say 0 or too little: never read past the limit.
        data = handle.read(MAX_FILE_BYTES + 1)
    return read_untrusted(data, kind, name=path.name, one_shot=one_shot, meanwhile=meanwhile)


def _child(data: bytes, kind: Kind, name: str) -> bytes:  # pragma: no cover - in the child
    """Read ``data`` under the limits; the outcome as JSON."""
    _limit_self()
    from exports import read_document, read_docx

    if kind is Kind.LEDGER:
        return _ledger_child(data, name)
    try:
        result = read_docx(data) if kind is Kind.DOCX else read_document(data, name or None)
        out: dict[str, object] = {"result": _result_adapter().dump_python(result, mode="json")}
    except DocumentRejected as refusal:
        out = {"rejected": refusal.message}
    except (MemoryError, RecursionError):
        out = {"rejected": texts.REJECT_TOO_COSTLY}
    return json.dumps(out, ensure_ascii=True).encode()


def _ledger_child(data: bytes, name: str) -> bytes:  # pragma: no cover - runs in the child
    """A ledger read under the limits (set by the caller); the outcome as JSON."""
    from exports.ledger_file import NoLedgerTables, read_ledger_bytes
    from report.ledger import LedgerError

    out: dict[str, object]
    try:
        ledger = read_ledger_bytes(data, name)
        out = {"ledger": _ledger_adapter().dump_python(ledger, mode="json")}
    except NoLedgerTables as refusal:
        out = {"no_ledger_tables": refusal.message}
    except DocumentRejected as refusal:
        out = {"rejected": refusal.message}
    except LedgerError as error:
        out = {"ledger_error": error.message}
    except (MemoryError, RecursionError):
        out = {"rejected": texts.LEDGER_TOO_COSTLY}
    return json.dumps(out, ensure_ascii=True).encode()


def _isolate(keep: int) -> None:  # pragma: no cover - runs in the child before it reads
    """Leave the child nothing but its answer pipe ``keep`` and stderr: stdin and stdout are
    /dev/null (in the fork server they are its request and answer pipes), every other
    descriptor (the caller's files, sockets, database) is closed, and no secret stays in the
    environment."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.closerange(3, keep)
    os.closerange(keep + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    for key in [k for k in os.environ if k.startswith(_SECRET_PREFIXES)]:
        del os.environ[key]


def _serve_one(data: bytes, kind: Kind, name: str, meanwhile: Meanwhile = None) -> bytes:
    """Fork a child for one file, call ``meanwhile``, wait for the child's answer at most
    ``WALL_SECONDS``; an empty answer when it died, was killed or overran."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(readable)
            _isolate(writable)
            answer = _child(data, kind, name)
            with os.fdopen(writable, "wb") as out:
                out.write(_frame(answer))
            os._exit(0)
        except BaseException:
            os._exit(1)
    os.close(writable)
    try:
        if meanwhile is not None:
            meanwhile()
        answer = _read_frame(readable, WALL_SECONDS)
    finally:
        os.close(readable)
        # A complete answer is all that counts: whether the child is still exiting or has
        # overrun, it goes now.
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return answer or b""


def _serve() -> None:  # pragma: no cover - the fork server's main loop
    """Answer length-prefixed requests (kind, file name, data) on stdin until stdin closes."""
    # Imported once here, so that every fork has the readers loaded (``exports`` loads them
    # only when first used).
    import exports.docx_source
    import exports.html_source
    import exports.ledger_file
    import exports.office_convert
    import exports.pdf_source
    import exports.reader
    import exports.source
    import exports.text_source  # noqa: F401

    _result_adapter()
    _ledger_adapter()
    requests, answers = sys.stdin.buffer.fileno(), sys.stdout.buffer
    while True:
        kind = _read_frame(requests, None, limit=16)
        name = _read_frame(requests, None, limit=4 * MAX_NAME_CHARS)
        data = _read_frame(requests, None, limit=MAX_FILE_BYTES + 1)
        if kind is None or name is None or data is None:
            return
        label = name.decode("utf-8", "replace")
        answer = _serve_one(data, Kind(kind.decode()), label) if data else b""
        answers.write(_frame(answer))
        answers.flush()


if __name__ == "__main__":  # pragma: no cover
    _serve()
