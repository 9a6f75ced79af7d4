"""Reading an untrusted report file in a separate process with hard CPU-time and memory limits.

A file from outside (a township's upload, a file given to ``nianbao check``) is parsed by a
child Python process that sets ``RLIMIT_CPU`` and ``RLIMIT_AS`` on itself before reading a byte,
so no file can stall or exhaust the bot or the CLI however the parser misbehaves. The child
writes its result as JSON (never pickle: the parent trusts nothing the child says beyond its
shape); a child that dies, runs out of time or memory, or says something malformed is a
refusal in Chinese.

Entry points: :func:`read_untrusted` for bytes already in memory (size checked first) and
:func:`read_untrusted_path`, which checks the size with ``stat`` before reading the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from exports import texts
from exports.docx_source import MAX_FILE_BYTES, MB
from exports.result import DocumentRejected, ReadResult

#: CPU seconds the child may use (interpreter start-up included, about half a second).
CPU_SECONDS = 5
#: Address space of the child; a Python process with lxml and pydantic loaded uses about 60 MB.
MEMORY_BYTES = 256 * MB
#: Wall-clock limit: generous, since on a loaded machine CPU seconds take longer to come.
WALL_SECONDS = 30.0

_RESULT = TypeAdapter(ReadResult)


class Kind(StrEnum):
    """What the file is expected to be."""

    #: A Word document only (the bot's upload).
    DOCX = "docx"
    #: A Word document or its flattened text, told apart by content (``nianbao check``).
    ANY = "any"


def _limit_self() -> None:  # pragma: no cover - runs in the child before it reads a byte
    """Hard limits on this process; set by the child itself (a ``preexec_fn`` is unsafe in
    the bot's threaded process)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def read_untrusted(data: bytes, kind: Kind = Kind.ANY) -> ReadResult:
    """Read a report file in a limited child process; raises :class:`DocumentRejected` with a
    Chinese message for a file refused, too costly to read, or that crashed the reader."""
    if not data:
        raise DocumentRejected(texts.REJECT_EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    env["PYTHONHASHSEED"] = "0"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "exports.sandbox", str(kind)],
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            env=env,
            cwd=str(Path(__file__).resolve().parent.parent),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DocumentRejected(texts.REJECT_TOO_COSTLY) from None
    return _outcome(done.returncode, done.stdout)


def _outcome(returncode: int, stdout: bytes) -> ReadResult:
    if returncode != 0:
        raise DocumentRejected(texts.REJECT_TOO_COSTLY)
    try:
        answer = json.loads(stdout)
        if "rejected" in answer:
            return _refusal(str(answer["rejected"]))
        return _RESULT.validate_python(answer["result"])
    except (ValueError, KeyError, TypeError, ValidationError):
        raise DocumentRejected(texts.REJECT_TOO_COSTLY) from None


def _refusal(message: str) -> ReadResult:
    raise DocumentRejected(message[:2000])


def read_untrusted_path(path: Path, kind: Kind = Kind.ANY) -> ReadResult:
    """Read a report file by path: the size is checked with ``stat`` before any byte is read.
    Raises :class:`DocumentRejected`, or :class:`OSError` when the file cannot be opened."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
        # A pipe or a growing file may say 0 or too little: never read past the limit.
        data = handle.read(MAX_FILE_BYTES + 1)
    return read_untrusted(data, kind)


def _child(kind: Kind) -> int:  # pragma: no cover - exercised through read_untrusted
    """Read stdin as a report file and write the outcome as JSON on stdout."""
    from exports import read_docx, read_file

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    try:
        result = read_docx(data) if kind is Kind.DOCX else read_file(data)
        answer: dict[str, object] = {"result": _RESULT.dump_python(result, mode="json")}
    except DocumentRejected as refusal:
        answer = {"rejected": refusal.message}
    except (MemoryError, RecursionError):
        answer = {"rejected": texts.REJECT_TOO_COSTLY}
    sys.stdout.write(json.dumps(answer, ensure_ascii=True))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    _limit_self()
    raise SystemExit(_child(Kind(sys.argv[1])))
