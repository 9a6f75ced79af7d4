"""Opening files: new, empty, made by the first schema version, newer, not a database."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from storage import SCHEMA_VERSION, CannotOpen, Store
from storage.migrations import MIGRATIONS, migrate, schema_version

CELL = "applications.new.natural_person"
STAMP = "2024-01-10T02:00:00.000000+00:00"


def test_a_new_file_is_created_at_the_latest_version(db_path: Path) -> None:
    with Store(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION == MIGRATIONS[-1].number
        assert store.integrity_check() == ["ok"]
        assert store.organisations() == []


def test_an_empty_file_is_migrated(db_path: Path) -> None:
    db_path.touch()
    with Store(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        town = store.add_organisation("信丰县大塘埠镇人民政府")
    with Store.open(db_path) as reopened:
        assert reopened.organisations() == [town]


def test_the_connection_is_durable_and_patient(db_path: Path) -> None:
    with Store(db_path) as store:
        pragmas = store.pragmas()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["foreign_keys"] == 1
    assert int(pragmas["busy_timeout"]) >= 1000
    assert pragmas["synchronous"] == 2  # FULL


def test_a_commit_that_is_not_durable_is_not_counted_and_leaves_the_connection_durable(
    db_path: Path,
) -> None:
    """The inbox's batches are committed without an fsync; the next durable commit (counted,
    only when it wrote something) covers them, and the connection is FULL again after."""
    with Store(db_path) as store:
        store.save_inbox(7, [(1, "{}")], [], 2, durable=False)
        assert store.durable_commits == 0
        assert store.pragmas()["synchronous"] == 2
        with store.transaction():
            pass  # wrote nothing: nothing to flush
        assert store.durable_commits == 0
        store.sync_inbox(7, [], 2)
        assert store.durable_commits == 1
    with Store(db_path) as store:
        assert store.inbox(7) == [(1, "{}")] and store.inbox_offset(7) == 2


def _make_first_version_file(path: Path) -> None:
    """What the first released schema held: an office, a clerk and a half-filled report."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert migrate(conn, target=1) == [1]
        conn.executescript(
            f"""
            INSERT INTO organisations (id, name, short_name, parent_id, created_at)
                VALUES (1, '信丰县大塘埠镇人民政府', '大塘埠镇', NULL, '{STAMP}');
            INSERT INTO people (id, display_name, created_at, updated_at)
                VALUES (1001, '李明', '{STAMP}', '{STAMP}');
            INSERT INTO memberships (person_id, organisation_id, role, created_at)
                VALUES (1001, 1, 'clerk', '{STAMP}');
            INSERT INTO reports (id, organisation_id, year, format_id, status, version,
                                 created_at, updated_at)
                VALUES (1, 1, 2023, 'current', 'draft', 1, '{STAMP}', '{STAMP}');
            INSERT INTO answers (report_id, target, value, version, person_id, updated_at, source)
                VALUES (1, '{CELL}', '4', 1, 1001, '{STAMP}', 'tg:1');
            INSERT INTO audit (report_id, target, old, new, person_id, at, source)
                VALUES (1, '{CELL}', NULL, '4', 1001, '{STAMP}', 'tg:1');
            """
        )
        assert schema_version(conn) == 1
    finally:
        conn.close()


def test_a_file_of_the_first_version_opens_and_upgrades(db_path: Path) -> None:
    _make_first_version_file(db_path)

    with Store(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.integrity_check() == ["ok"]
        town = store.find_organisation("大塘埠镇")
        assert town is not None
        assert store.role_in(1001, town.id) is not None
        assert store.load(1).figures == {CELL: Decimal(4)}
        assert [e.new for e in store.audit_log(1)] == ["4"]
        assert store.last_year_values(town.id, 2024, [CELL]) == {CELL: Decimal(4)}
        # What later versions added works on the old data.
        assert store.claim_update(1) is True
        store.save_conversation(1001, "{}")
        assert store.record_reminder(1001, 1, date(2024, 1, 20), "weekly") is True
        store.accept_warning(1, "yoy", "属实。", person_id=1001)
        store.write_figures(1, {CELL: Decimal(5)}, person_id=1001, expected={CELL: 1})
        assert store.report_by_id(1).version == 3

    conn = sqlite3.connect(db_path)
    try:
        assert migrate(conn) == []  # nothing left to apply
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
    finally:
        conn.close()
    assert versions == [m.number for m in MIGRATIONS]


def test_a_file_from_a_newer_program_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', ?)",
            (SCHEMA_VERSION + 1, STAMP),
        )
    conn.close()
    with pytest.raises(CannotOpen) as error:
        Store(db_path)
    assert error.value.kind == "too_new"
    assert (error.value.found, error.value.known) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)


def test_a_file_that_is_not_a_database_is_refused(db_path: Path) -> None:
    db_path.write_bytes(b"PK\x03\x04 this is a Word document, not a database" * 100)
    with pytest.raises(CannotOpen) as error:
        Store(db_path)
    assert error.value.kind == "not_a_database"
    assert error.value.path == str(db_path) and error.value.reason


def test_a_path_that_cannot_be_opened_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "nianbao.db"
    with pytest.raises(CannotOpen) as error:
        Store(missing)
    assert error.value.kind == "cannot_open"
    assert error.value.path == str(missing)
    assert not missing.parent.exists()


def test_several_stores_opening_a_new_file_at_once_migrate_it_once(db_path: Path) -> None:
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def open_store() -> None:
        try:
            barrier.wait()
            with Store(db_path) as store:
                store.save_conversation(threading.get_ident(), "{}")
        except BaseException as error:  # reported to the test below
            failures.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    conn = sqlite3.connect(db_path)
    try:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
        conversations = conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
    finally:
        conn.close()
    assert versions == [m.number for m in MIGRATIONS]
    assert conversations == 4


def test_a_file_held_locked_by_another_program_is_refused_as_busy_after_the_timeout(
    db_path: Path,
) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("CREATE TABLE held (x)")
        with pytest.raises(CannotOpen) as error:
            Store(db_path, busy_timeout=0.2)
    finally:
        holder.close()
    assert error.value.kind == "busy"
    assert error.value.path == str(db_path)
    with Store(db_path) as store:  # once released, the same file opens and is upgraded
        assert store.pragmas()["journal_mode"] == "wal"
