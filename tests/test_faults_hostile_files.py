"""Hostile files through the sandbox, ``nianbao check``, ``nianbao import`` and (ledgers)
``nianbao ledger``: each refused in Chinese (never the XML parser's English) or, where
legitimate, read.

Every read runs in the sandbox's child, which is killed beyond 5 s of CPU or 256 MB of address
space: a file that is refused for what it is, or read, was handled within those bounds (a file
that overran would say so with ``REJECT_TOO_COSTLY``). Wall-clock timings under load live in
``benchmarks/hostile.py``, not here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from exports import DocumentRejected, texts
from exports.sandbox import (
    Kind,
    read_ledger_untrusted,
    read_ledger_untrusted_path,
    read_untrusted,
    read_untrusted_path,
)
from report.ledger import LedgerError
from storage import Store
from tests.exports.exports_helpers import (
    PNG,
    deep_elements,
    dotdot_members,
    entity_expansion,
    invalid_encoding,
    long_cells,
    long_narrative,
    main_part_through_dotdot,
    many_tables,
    nested_header_paragraphs,
    nested_tables,
    oversized,
    utf16_entity_expansion,
    xinclude,
    zip_bomb,
)
from tests.ledger.hostile_ledgers import READ_LEDGERS, REFUSED_LEDGERS

REPO = Path(__file__).resolve().parent.parent

#: kind → (builder, what the refusal says)
REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "空"),
    "../ member names": (dotdot_members, "压缩包之外"),
    "main part through ../": (main_part_through_dotdot, "压缩包之外"),
    "XInclude": (xinclude, "XInclude"),
    "tables nested 80 deep": (lambda: nested_tables(80), "表格套表格"),
    "elements nested 300 deep": (lambda: deep_elements(300), "层级"),
    "entity expansion": (entity_expansion, "实体"),
    "entity expansion in UTF-16": (utf16_entity_expansion, "实体"),
    "invalid encoding": (invalid_encoding, "编码"),
    "zip bomb": (lambda: zip_bomb(64), "压缩炸弹"),
    "10,000 tables": (lambda: many_tables(10_000), "表格超过"),
    "renamed picture": (lambda: PNG, "图片"),
    "PDF": (lambda: b"%PDF-1.7\n" + bytes(100), "PDF"),
    "30 MB": (lambda: oversized(30), "超过 20 MB"),
}
#: Files that are odd but harmless: read, in bounded time.
READ: dict[str, Callable[[], bytes]] = {
    "paragraphs nested in twelve page headers": nested_header_paragraphs,
    "22 KB ASCII narrative": long_narrative,
    "23 KB table cells": long_cells,
}
#: English words a refusal may contain (names of formats and programs).
ALLOWED_ENGLISH = {"Word", "WPS", "XML", "XInclude", "docx", "PDF", "UTF", "GB18030"}
ALLOWED_ENGLISH |= {"Excel", "xlsx", "CSV", "NUL"}


def _no_parser_english(message: str) -> None:
    words = set(re.findall(r"[A-Za-z]{3,}", message)) - ALLOWED_ENGLISH
    assert not words, f"English in a refusal: {message}"


@pytest.mark.parametrize("kind", list(REFUSED))
def test_each_hostile_file_is_refused_in_chinese(kind) -> None:
    build, expected = REFUSED[kind]
    with pytest.raises(DocumentRejected) as refused:
        read_untrusted(build(), Kind.DOCX)
    message = refused.value.message
    assert expected in message, f"{kind}: {message}"
    assert message != texts.REJECT_TOO_COSTLY
    _no_parser_english(message)


@pytest.mark.parametrize("kind", list(READ))
def test_odd_but_harmless_files_are_read_within_the_bounds(kind) -> None:
    result = read_untrusted(READ[kind](), Kind.DOCX)
    assert result.organisation == "某县某镇人民政府" and result.year == 2023


def test_the_sandbox_limits_really_bind() -> None:
    """The child's limits are real: memory beyond them fails, a busy loop is killed."""
    child = (
        "from exports.sandbox import _limit_self\n"
        "_limit_self()\n"
        "try:\n"
        "    bytearray(300 * 1024 * 1024)\n"
        "    print('allocated')\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "while True:\n"
        "    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "refused"
    assert done.returncode < 0 or done.returncode > 128  # killed by SIGXCPU / SIGKILL


def test_the_size_is_checked_before_a_byte_is_read(tmp_path) -> None:
    sparse = tmp_path / "huge.docx"
    with sparse.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB that take no disk space
    with pytest.raises(DocumentRejected) as refused:
        read_untrusted_path(sparse)
    assert "超过 20 MB" in refused.value.message


def _hostile_batch(folder: Path) -> dict[str, Path]:
    """Every refused and every odd-but-harmless file of this module, written to ``folder``."""
    paths = {}
    for number, (kind, (build, _)) in enumerate(REFUSED.items()):
        paths[kind] = folder / f"{number:02d}.docx"
        paths[kind].write_bytes(build())
    for number, (kind, build) in enumerate(READ.items()):
        paths[kind] = folder / f"ok{number}.docx"
        paths[kind].write_bytes(build())
    return paths


def _assert_check_output(output: str, paths: dict[str, Path]) -> None:
    """``nianbao check`` refused each hostile file in Chinese and read the others."""
    assert "Traceback" not in output
    blocks = dict(re.findall(r"【(.+?)】\n(.*?)(?=\n【|\n共检查)", output, flags=re.DOTALL))
    for kind, (_, expected) in REFUSED.items():
        block = blocks[str(paths[kind])]
        assert "无法读取" in block and expected in block, f"{kind}: {block}"
        _no_parser_english(block.split("无法读取：", 1)[1].split("\n")[0])
    for kind in READ:
        assert "无法读取" not in blocks[str(paths[kind])], kind


def test_check_refuses_every_hostile_file_and_reads_the_others(tmp_path) -> None:
    paths = _hostile_batch(tmp_path)
    done = CliRunner().invoke(main, ["check", *map(str, paths.values())])
    assert done.exit_code == 1, done.output
    _assert_check_output(done.output, paths)


def test_a_real_nianbao_check_process_refuses_them_from_children_it_forks(tmp_path) -> None:
    """The command line forks each reading child itself (no fork server): the same limits,
    the same refusals, and the command itself unharmed, every file reported."""
    paths = _hostile_batch(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", *map(str, paths.values())],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    _assert_check_output(done.stdout, paths)
    total = len(REFUSED) + len(READ)
    assert f"共检查 {total} 份" in done.stdout and f"其中 {len(REFUSED)} 份无法读取" in done.stdout


def test_a_one_shot_ledger_read_refuses_every_hostile_ledger(tmp_path) -> None:
    """``nianbao ledger``'s way of reading: the child forked from the (small, one-thread)
    calling process, never the fork server."""
    for number, (name, build, _) in enumerate(REFUSED_LEDGERS.values()):
        (tmp_path / f"{number:02d}-{name}").write_bytes(build())
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from exports import sandbox\n"
        "out = {}\n"
        "for path in sorted(Path(sys.argv[1]).iterdir()):\n"
        "    try:\n"
        "        sandbox.read_ledger_untrusted_path(path, one_shot=True)\n"
        "        out[path.name] = None\n"
        "    except Exception as refused:\n"
        "        out[path.name] = getattr(refused, 'message', repr(refused))\n"
        "print(json.dumps({'server': sandbox._SERVER._process is not None, 'out': out}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["server"] is False
    for number, (kind, (name, _, expected)) in enumerate(REFUSED_LEDGERS.items()):
        message = answer["out"][f"{number:02d}-{name}"]
        assert message is not None and expected in message, f"{kind}: {message}"
        assert message != texts.LEDGER_TOO_COSTLY
        _no_parser_english(message)


def test_import_of_a_hostile_file_changes_nothing(tmp_path) -> None:
    db = tmp_path / "n.db"
    with Store(db) as store:
        store.add_organisation("某县某镇人民政府")
    runner = CliRunner()
    for kind in ("tables nested 80 deep", "empty", "XInclude"):
        path = tmp_path / "in.docx"
        path.write_bytes(REFUSED[kind][0]())
        done = runner.invoke(main, ["import", str(path), "--db", str(db)])
        assert done.exit_code == 1, done.output
        assert REFUSED[kind][1] in done.output
    with Store(db) as store:
        org = store.find_organisation("某县某镇人民政府")
        assert org is not None and store.years(org.id) == []


def test_a_child_that_dies_or_talks_nonsense_is_a_refusal() -> None:
    from exports import sandbox

    for answer in (None, b"", b"not json", b'{"result": {"report": 1}}', b"[1]"):
        with pytest.raises(DocumentRejected) as refused:
            sandbox._outcome(answer)
        assert refused.value.message == texts.REJECT_TOO_COSTLY


def test_the_fork_server_is_started_again_after_it_was_killed() -> None:
    from exports import sandbox

    data = READ["22 KB ASCII narrative"]()
    read_untrusted(data, Kind.DOCX)
    server = sandbox._SERVER._process
    assert server is not None
    server.kill()
    server.wait()
    # The first read after the kill may be refused (the server died under it); then it is back.
    try:
        read_untrusted(data, Kind.DOCX)
    except DocumentRejected as refused:
        assert refused.message == texts.REJECT_TOO_COSTLY
    assert read_untrusted(data, Kind.DOCX).year == 2023
    assert sandbox._SERVER._process is not server


# --- ledgers (台账): spreadsheets, CSV and Word tables ------------------------------------------


@pytest.mark.parametrize("kind", list(REFUSED_LEDGERS))
def test_each_hostile_ledger_is_refused_in_chinese(kind) -> None:
    name, build, expected = REFUSED_LEDGERS[kind]
    with pytest.raises((DocumentRejected, LedgerError)) as refused:
        read_ledger_untrusted(build(), name)
    message = refused.value.message
    assert expected in message, f"{kind}: {message}"
    assert message != texts.LEDGER_TOO_COSTLY  # refused for what it is, within the bounds
    _no_parser_english(message)


@pytest.mark.parametrize("kind", list(READ_LEDGERS))
def test_odd_but_legitimate_ledgers_are_read_in_the_sandbox(kind) -> None:
    name, build, applications = READ_LEDGERS[kind]
    ledger = read_ledger_untrusted(build(), name)
    assert len(ledger.applications) == applications
    assert {c.role for c in ledger.columns} >= {"applicant", "outcome"}


def test_a_ledger_file_over_20_mb_is_refused_by_its_size_before_it_is_read(tmp_path) -> None:
    sparse = tmp_path / "huge.xlsx"
    with sparse.open("wb") as handle:
        handle.truncate(3 * 1024**3)
    with pytest.raises(DocumentRejected) as refused:
        read_ledger_untrusted_path(sparse)
    assert "超过 20 MB" in refused.value.message


def test_a_ledger_child_that_dies_or_talks_nonsense_is_a_refusal() -> None:
    from exports import sandbox

    for answer in (None, b"", b"not json", b'{"ledger": {"columns": 1}}', b"[1]", b"{}"):
        with pytest.raises(DocumentRejected) as refused:
            sandbox._ledger_outcome(answer)
        assert refused.value.message == texts.LEDGER_TOO_COSTLY


def test_nianbao_ledger_refuses_every_hostile_ledger_and_writes_nothing(tmp_path) -> None:
    db = tmp_path / "n.db"
    with Store(db) as store:
        store.add_organisation("某县某镇人民政府")
    runner, db_args = CliRunner(), ["--db", str(db)]
    for number, (kind, (name, build, expected)) in enumerate(REFUSED_LEDGERS.items()):
        path = tmp_path / f"{number:02d}-{name}"
        path.write_bytes(build())
        done = runner.invoke(
            main,
            [
                "ledger",
                str(path),
                "--org",
                "某县某镇人民政府",
                "--year",
                "2024",
                "--apply",
                *db_args,
            ],
        )
        assert done.exit_code == 1, f"{kind}: {done.output}"
        assert expected in done.output and "Traceback" not in done.output, f"{kind}: {done.output}"
        _no_parser_english(done.output)
    with Store(db) as store:
        org = store.find_organisation("某县某镇人民政府")
        assert org is not None and store.years(org.id) == []
