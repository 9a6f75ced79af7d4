"""The connection under a ``Store``: pragmas, migrations, transactions and row conversions."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlite_utils import Database

from storage.codec import datetime_to_text, text_to_datetime, utc_now
from storage.errors import CannotOpen, DatabaseFault, NotFound, fault_kind
from storage.migrations import LATEST, migrate, schema_version
from storage.models import Organisation, ReportStatus, StoredReport

DEFAULT_BUSY_TIMEOUT = 30.0

Row = dict[str, Any]


class StoreBase:
    """Opens (creating if needed) and upgrades the database; owns its one connection.

    A store is used from one thread. Several stores, in threads or processes, may share a file:
    WAL mode lets readers run beside the one writer, and the busy timeout makes writers queue.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self._clock = clock or utc_now
        self._depth = 0
        self._durable_commits = 0
        try:
            # isolation_level=None: the driver opens no transaction of its own; transaction() does.
            conn = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise CannotOpen("cannot_open", path=self.path, reason=str(error)) from error
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            _enter_wal_mode(conn, deadline=time.monotonic() + busy_timeout)
            # FULL: a commit reaches the disk before the caller replies, even in WAL mode.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            found = schema_version(conn)
            if found > LATEST:
                raise CannotOpen("too_new", path=self.path, found=found, known=LATEST)
            migrate(conn)
        except sqlite3.Error as error:
            conn.close()
            raise _open_error(self.path, error) from error
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._db = Database(conn, execute_plugins=False)

    @classmethod
    def open(cls, path: str | os.PathLike[str], **options: Any) -> Self:
        """Open (create, upgrade) the database at ``path``."""
        return cls(path, **options)

    def close(self) -> None:
        """Close the connection; an unfinished transaction is rolled back."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def durable_commits(self) -> int:
        """How many commits that wrote something this store has made durable (fsync'd): each
        one also makes durable every commit made before it on the same file."""
        return self._durable_commits

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[None]:
        """One atomic unit of work, committed when the outermost block exits.

        A commit reaches the disk before the block exits, unless ``durable`` is False: then it
        is only written to the log (safe from a crash of the process, not from a power loss)
        and becomes durable with the next durable commit on the file (see ``durable_commits``).
        Only the outermost block's ``durable`` counts.

        The outermost block takes the write lock at once (``BEGIN IMMEDIATE``), so what is read
        inside cannot change before it is written. A nested block joins it as a savepoint: an
        exception leaving the nested block undoes only its own writes.

        Do not ``await`` inside the block: a store has one connection, so whatever else runs on
        it meanwhile would join this transaction.
        """
        conn = self._conn
        if self._depth == 0:
            if not durable:
                # In WAL mode NORMAL writes the commit to the log without an fsync.
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not durable:
                    with suppress(sqlite3.Error):
                        conn.execute("PRAGMA synchronous = FULL")
                raise _fault(error) from error
            self._depth = 1
            changes = conn.total_changes
            try:
                yield
                wrote = conn.total_changes != changes
                conn.execute("COMMIT")
                if durable and wrote:
                    self._durable_commits += 1
            except sqlite3.OperationalError as error:
                _roll_back(conn)
                raise _fault(error) from error
            except BaseException:
                _roll_back(conn)
                raise
            finally:
                self._depth = 0
                if not durable:
                    with suppress(sqlite3.Error):
                        conn.execute("PRAGMA synchronous = FULL")
        else:
            savepoint = f"nested_{self._depth}"
            conn.execute(f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                raise
            else:
                conn.execute(f"RELEASE {savepoint}")
            finally:
                self._depth -= 1

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the database (a read transaction)."""
        if self._depth:
            yield
            return
        self._conn.execute("BEGIN")
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self._conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        """The highest migration step applied."""
        return schema_version(self._conn)

    def pragmas(self) -> dict[str, int | str]:
        """The connection settings durability depends on (for checks and diagnostics)."""
        names = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        return {name: self._conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names}

    def integrity_check(self) -> list[str]:
        """SQLite's own check of the file: ``["ok"]`` when sound."""
        return [row[0] for row in self._conn.execute("PRAGMA integrity_check")]

    # -- helpers for the mixins ------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock()

    def _audit(
        self,
        report_id: int,
        target: str,
        old: str | None,
        new: str | None,
        *,
        person_id: int | None,
        source: str | None,
        now: datetime,
    ) -> None:
        """One audit entry, in the caller's transaction (every writer of a report uses it)."""
        self._conn.execute(
            "INSERT INTO audit (report_id, target, old, new, person_id, at, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (report_id, target, old, new, person_id, datetime_to_text(now), source),
        )

    def _all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[Row]:
        # Fetch everything and close the cursor: a half-read statement would pin an old snapshot.
        cursor = self._conn.execute(sql, params)
        try:
            keys = [d[0] for d in cursor.description]
            return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def _one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Row | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _require_person(self, person_id: int | None) -> None:
        if person_id is None:
            return
        if self._conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise NotFound("person", person_id)

    def _organisation_row(self, org_id: int) -> Organisation:
        row = self._one("SELECT * FROM organisations WHERE id = ?", (org_id,))
        if row is None:
            raise NotFound("organisation", org_id)
        return organisation_from_row(row)

    def _report_row(self, report_id: int) -> StoredReport:
        row = self._one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise NotFound("report", report_id)
        return stored_report_from_row(row)


def _enter_wal_mode(conn: sqlite3.Connection, *, deadline: float) -> None:
    """Switch the file to WAL, waiting while another connection holds it.

    SQLite does not call the busy handler while it changes the journal mode, so two processes
    opening a new file at once would otherwise see "database is locked" straight away.
    """
    pause = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _fault(error: sqlite3.OperationalError) -> DatabaseFault:
    return DatabaseFault(fault_kind(error))


def _roll_back(conn: sqlite3.Connection) -> None:
    """Undo the open transaction; if even that fails (the disk is gone) SQLite undoes it when
    the connection closes or the next one opens the file (the journal is still there)."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _open_error(path: str, error: sqlite3.Error) -> CannotOpen:
    if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
        return CannotOpen("busy", path=path, reason=str(error))
    if isinstance(error, sqlite3.OperationalError):
        return CannotOpen("cannot_open", path=path, reason=str(error))
    return CannotOpen("not_a_database", path=path, reason=str(error))


def organisation_from_row(row: Row) -> Organisation:
    return Organisation(row["id"], row["name"], row["short_name"], row["parent_id"])


def stored_report_from_row(row: Row) -> StoredReport:
    return StoredReport(
        id=row["id"],
        organisation_id=row["organisation_id"],
        year=row["year"],
        format_id=row["format_id"],
        status=ReportStatus(row["status"]),
        version=row["version"],
        updated_at=text_to_datetime(row["updated_at"]),
    )
