"""The console process itself fed bytes: invalid UTF-8 (GBK), control characters, NUL bytes in
``/file``, buttons and commands at random. No traceback, the console ends normally, the database
is sound and every stored report still exports (``nianbao export``, then opened again).

Quick form: 1,500 lines. ``NIANBAO_LONG=1`` (``make bench``): 100,000 lines in 10 processes.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from bot.cli import main
from storage import Store
from tests.bot_process import REPO

LONG = os.environ.get("NIANBAO_LONG") == "1"
LINES, RUNS = (10_000, 10) if LONG else (1_500, 1)
ORGANISATION = "某县模糊镇人民政府"

COMMANDS = [b"/fill", b"/review", b"/last", b"/cancel", b"/help", b"/deadline", b"/progress"]
COMMANDS += [b"/summary", b"/menu", b"/nosuch", b"/"]
ANSWERS = [b"3 0 0", b"0", b"12", "无".encode(), "同上年".encode(), b"1,2,3", b"-1", b"1e9"]
CONTROL = bytes(range(0x20)).replace(b"\n", b"") + b"\x7f"


def _line(rng: random.Random) -> bytes:
    """One typed line: of every kind a terminal can deliver."""
    kind = rng.random()
    if kind < 0.25:
        return b"#%d" % rng.randint(0, 12)
    if kind < 0.4:
        return rng.choice(ANSWERS)
    if kind < 0.5:
        return rng.choice(COMMANDS)
    if kind < 0.52:
        return b"/export"
    if kind < 0.6:  # Chinese typed on a GBK terminal
        return rng.choice(["本年度主动公开信息56条。", "无", "同上年", "三"]).encode("gbk")
    if kind < 0.7:  # narrative with control characters and non-characters
        text = "本年度" + "".join(
            rng.choice("\x00\x01\x08\x0b\x0c\x1b\ufffe\uffff\u200b年") for _ in range(5)
        )
        return text.encode("utf-8", "surrogatepass")
    if kind < 0.78:  # a file path with NULs and junk
        return b"/file " + bytes(
            rng.choice(CONTROL + b"ab/.\xff") for _ in range(rng.randint(0, 12))
        )
    if kind < 0.82:
        return b"\xed\xa0\x80" + "公开".encode()  # an encoded surrogate (invalid UTF-8)
    size = rng.randint(0, 40)
    return bytes(rng.choice(range(256)) for _ in range(size)).replace(b"\n", b"")


def _feed(db: Path, out: Path, seed: int, lines: int) -> subprocess.CompletedProcess[bytes]:
    rng = random.Random(seed)
    stdin = b"\n".join(_line(rng) for _ in range(lines)) + b"\n/quit\n"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "console",
            "--db",
            str(db),
            "--org",
            ORGANISATION,
            "--out",
            str(out),
        ],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        timeout=3_600,
        check=False,
    )


def test_the_console_survives_any_bytes_and_every_report_still_exports(tmp_path) -> None:
    db = tmp_path / "fuzz.db"
    for run in range(RUNS):
        done = _feed(db, tmp_path / "out", seed=run, lines=LINES)
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        assert done.returncode == 0, output[-3000:]
        assert "Traceback" not in output, output[output.index("Traceback") :][:3000]
    with Store(db) as store:
        assert store.integrity_check() == ["ok"]
        org = store.find_organisation(ORGANISATION)
        assert org is not None
        years = store.years(org.id)
    assert years
    for year in years:
        target = tmp_path / f"{year}.docx"
        exported = CliRunner().invoke(
            main,
            [
                "export",
                "--org",
                ORGANISATION,
                "--year",
                str(year),
                "-o",
                str(target),
                "--db",
                str(db),
            ],
        )
        assert exported.exit_code == 0, exported.output
        Document(str(target))  # opens again


def test_a_report_stored_with_control_characters_by_an_older_version_exports(tmp_path) -> None:
    """What was stored before text was cleaned on entry still exports, cleaned."""
    db = tmp_path / "old.db"
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["console", "--db", str(db), "--org", ORGANISATION, "--out", str(tmp_path)],
        input="本年度主动公开信息56条。\n/quit\n",
    )
    assert done.exit_code == 0, done.output
    with sqlite3.connect(db) as raw:  # as an older version would have stored it
        changed = raw.execute(
            "UPDATE answers SET value = ? WHERE value LIKE '%56%'",
            ("本年度\x00主动\x1b公开\x0b信息\ufffe56条。",),
        ).rowcount
    assert changed == 1
    with Store(db) as store:
        org = store.find_organisation(ORGANISATION)
        assert org is not None
        (year,) = store.years(org.id)
    target = tmp_path / "old.docx"
    exported = runner.invoke(
        main,
        ["export", "--org", ORGANISATION, "--year", str(year), "-o", str(target), "--db", str(db)],
    )
    assert exported.exit_code == 0, exported.output
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "本年度主动公开信息56条。" in text


def test_invalid_utf8_and_a_nul_in_a_file_name_do_not_end_the_console(tmp_path) -> None:
    db = tmp_path / "c.db"
    stdin = "本年度公开信息".encode("gbk") + b"\n/file a\x00b.docx\n/file \x00\n#1\n/quit\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--db", str(db), "--out", str(tmp_path)],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert done.returncode == 0 and "Traceback" not in output, output
    assert "没有这个按钮或文件" in output
