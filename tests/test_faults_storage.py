"""Faults of the database and of the process: a full disk or a read-only database during an
answer, SIGKILL during ``nianbao import`` and ``nianbao export``, organisation names that are
paths, imports that read nothing or would replace a final report.

Nothing acknowledged is lost and nothing is half-written; every fault is a Chinese sentence.
The disk is filled and the database made read-only through SQLite itself (``max_page_count``,
``query_only``): the same error codes a real full disk or read-only file gives, on any machine.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from bot.cli import main
from bot.commands.common import DATABASE_FAULTS
from bot.wiring import make_engine
from dialogs import texts as dialog_texts
from dialogs.errors import describe
from dialogs.model import Command, TextInput
from storage import BadName, DatabaseFault, Role, Store
from tests.bot_process import REPO
from tests.exports.exports_helpers import ORGANISATION, docx_from_body, valid_report

LONG = os.environ.get("NIANBAO_LONG") == "1"
KILLS = 20 if LONG else 3
CLERK = 7101
NARRATIVE = "本年度，我镇全年主动公开政府信息56条。" * 300


def _clerk_store(path: Path) -> Store:
    store = Store(path)
    org = store.add_organisation("某县某镇人民政府")
    store.upsert_person(CLERK, "文书")
    store.add_membership(CLERK, org.id, Role.CLERK)
    return store


def _stored_texts(store: Store) -> dict[str, str]:
    org = store.find_organisation("某县某镇人民政府")
    assert org is not None
    return {
        k: v
        for y in store.years(org.id)
        for k, v in store.load(store.report(org.id, y).id).texts.items()
    }


@pytest.mark.parametrize(
    ("pragma", "kind"), [("max_page_count = {pages}", "full"), ("query_only = ON", "readonly")]
)
def test_a_full_disk_or_read_only_database_during_an_answer_loses_nothing(
    tmp_path, pragma, kind
) -> None:
    store = _clerk_store(tmp_path / "f.db")
    engine = make_engine(store)
    engine.handle(CLERK, Command(name="fill"))
    state_before = store._conn.execute("SELECT * FROM conversations").fetchall()
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute("PRAGMA " + pragma.format(pages=pages))
    with pytest.raises(DatabaseFault) as fault:
        engine.handle(CLERK, TextInput(text=NARRATIVE))
    assert fault.value.kind == kind
    # Worded for the clerk and for the operator, in Chinese.
    assert "未能保存" in dialog_texts.DATABASE_FAULTS[kind]
    assert "未保存" in DATABASE_FAULTS[kind]
    # Nothing half-written: no text, the conversation where it was.
    assert _stored_texts(store) == {}
    assert store._conn.execute("SELECT * FROM conversations").fetchall() == state_before
    # Once the disk has room again (or the file is writable), the same answer is taken.
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    store._conn.execute("PRAGMA query_only = OFF")
    engine.handle(CLERK, TextInput(text=NARRATIVE))
    assert NARRATIVE in _stored_texts(store).values()
    assert store.integrity_check() == ["ok"]
    store.close()


def test_organisation_names_that_are_paths_are_refused(tmp_path) -> None:
    with Store(tmp_path / "o.db") as store:
        for name in (
            "../../etc/某镇人民政府",
            "某县/某镇人民政府",
            "某镇\x1b人民政府",
            "某镇\\政府",
        ):
            with pytest.raises(BadName) as refused:
                store.add_organisation(name)
            assert refused.value.kind == "forbidden"
            assert "“/”" in describe(refused.value)
    done = CliRunner().invoke(main, ["org", "add", "某县/某镇", "--db", str(tmp_path / "o.db")])
    assert done.exit_code != 0 and "“/”" in done.output and "Traceback" not in done.output


def test_an_existing_organisation_named_like_a_path_exports_inside_the_folder(
    tmp_path, monkeypatch
) -> None:
    db = tmp_path / "p.db"
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["console", "--db", str(db), "--org", "某县某镇人民政府", "--out", str(tmp_path / "out")],
        input="本年度主动公开信息56条。\n/quit\n",
    )
    assert done.exit_code == 0, done.output
    with sqlite3.connect(db) as raw:  # stored by an older version, before names were checked
        raw.execute("UPDATE organisations SET name = '../../某镇/人民政府', short_name = '../某镇'")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with Store(db) as store:
        org = store.find_organisation("../../某镇/人民政府")
        assert org is not None
        (year,) = store.years(org.id)
    exported = runner.invoke(
        main, ["export", "--org", "../../某镇/人民政府", "--year", str(year), "--db", str(db)]
    )
    assert exported.exit_code == 0, exported.output
    (written,) = list(work.iterdir())
    assert written.suffix == ".docx" and "/" not in written.name
    Document(str(written))
    assert not any(tmp_path.glob("*.docx")) and not (tmp_path.parent / "某镇").exists()
    # The console's /export of the same report stays in its folder too.
    out = work / "out"
    done = runner.invoke(
        main,
        ["console", "--db", str(db), "--org", "../../某镇/人民政府", "--out", str(out)],
        input="/export\n#2\n/quit\n",  # 生成征求意见稿
    )
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    (document,) = out.iterdir()
    assert document.suffix == ".docx" and "征求意见稿" in document.name
    Document(str(document))


def _title_only() -> bytes:
    return docx_from_body(
        f"<w:p><w:r><w:t>{ORGANISATION}2023年政府信息公开工作年度报告</w:t></w:r></w:p>"
    )


def test_an_import_that_reads_nothing_writes_nothing_and_a_final_report_needs_a_flag(
    tmp_path,
) -> None:
    from datetime import date

    from exports import write_docx
    from report.formats import format_for_year
    from storage import ReportStatus

    db = tmp_path / "i.db"
    runner = CliRunner()
    with Store(db) as store:
        org = store.add_organisation(ORGANISATION)
    report = valid_report(format_for_year(2023), 2023)
    full = tmp_path / "full.docx"
    full.write_bytes(write_docx(report, issued=date(2024, 1, 20)))
    assert runner.invoke(main, ["import", str(full), "--db", str(db)]).exit_code == 0
    with Store(db) as store:
        stored = store.report(org.id, 2023, create=False)
        assert stored is not None
        before = store.load(stored.id)
    empty = tmp_path / "empty.docx"
    empty.write_bytes(_title_only())
    done = runner.invoke(main, ["import", str(empty), "--db", str(db)])
    assert done.exit_code == 1 and "没有读出" in done.output
    with Store(db) as store:
        assert store.load(stored.id) == before
        store.set_status(stored.id, ReportStatus.FINAL, person_id=None)
    done = runner.invoke(main, ["import", str(full), "--db", str(db)])
    assert done.exit_code == 1 and "已经定稿" in done.output and "--replace-final" in done.output
    with Store(db) as store:
        assert store.report(org.id, 2023, create=False).status == ReportStatus.FINAL
    done = runner.invoke(main, ["import", str(full), "--db", str(db), "--replace-final"])
    assert done.exit_code == 0 and "已定稿的报告已被文件内容覆盖" in done.output


def _nianbao(env: dict[str, str], *command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *command],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_during_import_and_export_leaves_all_or_nothing(tmp_path) -> None:
    """The database holds one report whole (the old or the new one), the output file is a
    whole document or absent, whenever the process is killed."""
    from datetime import date

    from exports import read_docx, write_docx
    from report.formats import format_for_year

    db = tmp_path / "k.db"
    with Store(db) as store:
        org = store.add_organisation(ORGANISATION)
    fmt = format_for_year(2023)
    old, new = valid_report(fmt, 2023, seed=1), valid_report(fmt, 2023, seed=2)
    assert old.figures != new.figures
    files = {}
    for name, report in (("old", old), ("new", new)):
        files[name] = tmp_path / f"{name}.docx"
        files[name].write_bytes(write_docx(report, issued=date(2024, 1, 20)))
    env = {**os.environ, "NIANBAO_DB": str(db)}
    output = tmp_path / "out.docx"
    export = ("export", "--org", ORGANISATION, "--year", "2023", "-o", str(output))
    # How long each takes here and now (uninterrupted), to kill at any moment of it.
    durations = {}
    for name, command in (("import", ("import", str(files["old"]))), ("export", export)):
        began = time.monotonic()
        assert _nianbao(env, *command).wait() == 0
        durations[name] = time.monotonic() - began
    output.unlink()
    # What an import stores is what the reader read (printed totals included).
    expected = [read_docx(files[name].read_bytes()).report.figures for name in ("old", "new")]
    assert expected[0] != expected[1]
    rng = random.Random(15)
    for kill in range(KILLS):
        for name, command in (("import", ("import", str(files["new"]))), ("export", export)):
            process = _nianbao(env, *command)
            time.sleep(rng.uniform(0.3, 1.1) * durations[name])
            process.send_signal(signal.SIGKILL)
            process.wait()
        with Store(db) as store:
            assert store.integrity_check() == ["ok"], kill
            stored = store.report(org.id, 2023, create=False)
            assert stored is not None
            figures = store.load(stored.id).figures
            assert figures in expected, kill
        if output.exists():
            Document(str(output))
        assert not list(tmp_path.glob(".*.part")), kill


@pytest.mark.parametrize(
    ("pragma", "kind"), [("max_page_count = {pages}", "full"), ("query_only = ON", "readonly")]
)
def test_the_chat_tells_the_clerk_that_the_message_was_not_saved(tmp_path, pragma, kind) -> None:
    """Through the real Application (network replaced in-process by the fake Bot API)."""
    import asyncio

    from bot.app import build_application
    from bot.settings import Settings
    from tests.fakenet import TOKEN, Updates, install

    store = _clerk_store(tmp_path / "chat.db")
    settings = Settings(
        TELEGRAM_BOT_TOKEN=TOKEN, NIANBAO_DB=str(tmp_path / "chat.db"), NIANBAO_BOT_USERNAME="b"
    )
    app = build_application(settings, store)
    fake = install(app, record=True)
    updates = Updates()
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(app.initialize())

        def say(text: str) -> list[str]:
            before = len(fake.sent)
            loop.run_until_complete(app.process_update(updates.text(app, CLERK, text)))
            return [p.get("text", "") for m, p in fake.sent[before:] if m == "sendMessage"]

        say("/fill")
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute("PRAGMA " + pragma.format(pages=pages))
        said = say(NARRATIVE)
        assert said == [dialog_texts.DATABASE_FAULTS[kind]]
        assert _stored_texts(store) == {}
        store._conn.execute("PRAGMA max_page_count = 1073741823")
        store._conn.execute("PRAGMA query_only = OFF")
        said = say(NARRATIVE)
        assert dialog_texts.DATABASE_FAULTS[kind] not in said
        assert NARRATIVE in _stored_texts(store).values()
    finally:
        loop.run_until_complete(app.shutdown())
        loop.close()
        store.close()
