"""A one-shot command loads only what it uses, and reads its file in a child it forks itself.

Each test runs a real, separate Python process (the pytest process has long since imported
everything). How fast ``nianbao check`` starts is measured in ``benchmarks/peak.py``
(``check_cli_s``), not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exports import write_docx
from tests.exports.exports_helpers import flatten
from tests.seed import seed_report

REPO = Path(__file__).resolve().parent.parent

#: Packages a check of a Word report never needs: the bot, its scheduler, the database, the
#: dialogs, the ledger readers (spreadsheets, the ledger model), the other readers (web pages,
#: PDF), the writer (python-docx), Chinese numerals, and the fork server's ``subprocess``.
NOT_FOR_A_DOCX_CHECK = (
    "telegram",
    "apscheduler",
    "httpx",
    "asyncio",
    "sqlite3",
    "sqlite_utils",
    "storage",
    "dialogs",
    "openpyxl",
    "python_calamine",
    "cn2an",
    "docx",
    "selectolax",
    "pypdfium2",
    "pdfplumber",
    "pdfminer",
    "report.ledger",
    "exports.ledger_file",
    "exports.writer",
    "exports.html_source",
    "exports.pdf_source",
    "subprocess",
)

#: Runs ``nianbao check`` in this process as ``python -m bot.cli`` would, then says what it
#: loaded and whether the sandbox started its fork server.
#: (Printed by an exit handler: ``check`` ends its process itself, exit handlers run.)
_CHECK_AND_REPORT = """
import atexit, json, runpy, sys
def report():
    from exports import sandbox
    print(json.dumps({"server": sandbox._SERVER._process is not None,
                      "modules": sorted(sys.modules)}))
atexit.register(report)
sys.argv = ["nianbao", "check", *sys.argv[1:]]
runpy.run_module("bot.cli", run_name="__main__", alter_sys=True)
"""


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "seed.docx"
    path.write_bytes(write_docx(seed_report()))
    return path


def test_a_docx_check_loads_nothing_heavy_it_does_not_use(seed_docx) -> None:
    done = _run(_CHECK_AND_REPORT, str(seed_docx))
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.strip().splitlines()
    outcome = json.loads(last)
    assert "  结论：未发现问题。" in printed
    loaded = [name for name in NOT_FOR_A_DOCX_CHECK if _loaded(outcome["modules"], name)]
    assert not loaded, f"nianbao check of a .docx loaded {loaded}"
    # Its reading child was forked from the command itself: no second interpreter.
    assert outcome["server"] is False


def test_a_text_check_loads_no_word_or_ledger_reader_either(seed_docx, tmp_path) -> None:
    text = tmp_path / "seed.txt"
    text.write_text(flatten(seed_docx.read_bytes()), encoding="utf-8")
    done = _run(_CHECK_AND_REPORT, str(text))
    assert done.returncode == 0, done.stdout
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = ("openpyxl", "python_calamine", "docx", "report.ledger", "subprocess")
    assert not [m for m in heavy if _loaded(outcome["modules"], m)]
    assert outcome["server"] is False


def test_check_ends_its_process_with_every_line_out_and_its_exit_code(seed_docx, tmp_path):
    """``check`` ends its process without the interpreter's teardown: what it printed into a
    pipe (block-buffered) is all there, in order, and the exit code says a file failed."""
    files = []
    for number in range(12):
        copy = tmp_path / f"乡镇{number:02d}.docx"
        copy.write_bytes(seed_docx.read_bytes())
        files.append(str(copy))
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"PK\x03\x04 not really a Word file")
    files.append(str(broken))
    for as_json in (False, True):
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "check", *files, *(["--json"] if as_json else [])],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        if as_json:
            checked = json.loads(done.stdout)
            assert [c["file"] for c in checked] == files
            assert [c["ok"] for c in checked] == [True] * 12 + [False]
        else:
            headings = [line for line in done.stdout.splitlines() if line.startswith("【")]
            assert headings == [f"【{f}】" for f in files]
            assert done.stdout.rstrip().splitlines()[-1].startswith("共检查 13 份：12 份未发现错误")


@pytest.mark.parametrize("kind", ["docx", "text"])
def test_load_reader_loads_all_that_the_reader_then_needs(seed_docx, kind) -> None:
    """The command imports a file's reader before forking, so its child only reads: after
    ``load_reader`` the read itself imports nothing more of ours."""
    data = seed_docx.read_bytes()
    if kind == "text":
        data = flatten(data).encode("utf-8")
    script = (
        "import sys\n"
        "from exports import load_reader, read_document\n"
        "data = sys.stdin.buffer.read()\n"
        "load_reader(data)\n"
        "before = set(sys.modules)\n"
        "result = read_document(data)\n"
        "print(result.year, ' '.join(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, input=data, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    year, *new = done.stdout.decode().split()
    assert year == "2020"
    assert not [m for m in new if m.split(".")[0] in ("exports", "report")], new


def test_the_reading_child_keeps_no_secret_and_no_open_file(tmp_path) -> None:
    """A child forked from the command line inherits neither the bot's token nor the
    command's open files: only its answer pipe (and stderr) stay open."""
    secret_file = tmp_path / "open.txt"
    secret_file.write_text("x")
    script = (
        "import json, os\n"
        "from exports import sandbox\n"
        f"held = open({str(secret_file)!r})\n"
        "def target(fd):\n"
        "    try:\n"
        "        return os.readlink(f'/proc/self/fd/{fd}')\n"
        "    except OSError:\n"
        "        return None  # the listing's own descriptor, closed by now\n"
        "def child(data, kind, name):\n"
        "    fds = sorted(int(fd) for fd in os.listdir('/proc/self/fd') if fd != '2')\n"
        "    targets = [t for t in map(target, fds) if t is not None]\n"
        "    env = [k for k in os.environ if k.startswith('TELEGRAM')]\n"
        "    return json.dumps({'targets': targets, 'env': env}).encode()\n"
        "sandbox._child = child\n"
        "print(sandbox._serve_one(b'x', sandbox.Kind.DOCX, '').decode())\n"
    )
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:secret"}
    done = _run(script, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["env"] == []
    assert str(secret_file) not in seen["targets"]
    # stdin and stdout are /dev/null; the answer pipe is all that is left.
    assert seen["targets"][:2] == [os.devnull, os.devnull]
    assert len(seen["targets"]) == 3 and seen["targets"][2].startswith("pipe:"), seen


def test_a_one_shot_caller_works_while_its_child_reads(seed_docx) -> None:
    """``meanwhile`` (``nianbao check`` loads the rules with it) runs while the forked child
    is reading, and the file is read all the same."""
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from exports.sandbox import read_untrusted_path\n"
        "seen = []\n"
        "def meanwhile():\n"
        "    with open(f'/proc/self/task/{os.getpid()}/children') as children:\n"
        "        seen.append(children.read().split())\n"
        "result = read_untrusted_path(Path(sys.argv[1]), one_shot=True, meanwhile=meanwhile)\n"
        "print(result.year, len(seen), len(seen[0]))\n"
    )
    done = _run(script, str(seed_docx))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2020", "1", "1"]  # called once, with one child at work
