"""The two review hooks every write to a report goes through (the caller holds the transaction).

A report waiting for review or approved refuses writes; a write answers the open comments on
the places it touches. Kept apart from ``storage.reviews`` so ``storage.reports`` can call them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from report.formats import get_format
from report.review import LOCKED, Place, ReviewStatus, is_answered_by
from storage.codec import WARNING_PREFIX, datetime_to_text, part_of
from storage.errors import ReportLocked


def refuse_locked(conn: sqlite3.Connection, report_id: int) -> None:
    """Raise ReportLocked if the report waits for review or is approved."""
    row = conn.execute("SELECT status FROM reviews WHERE report_id = ?", (report_id,)).fetchone()
    if row is not None and ReviewStatus(row[0]) in LOCKED:
        raise ReportLocked(status=row[0])


def answer_comments(
    conn: sqlite3.Connection,
    report_id: int,
    targets: Iterable[str],
    *,
    person_id: int | None,
    now: datetime,
) -> int:
    """Mark answered every open comment on a place these written targets (cell ids and
    ``text:<part>``) touch; return how many."""
    changed = list(targets)
    if not changed:
        return 0
    open_rows = conn.execute(
        "SELECT id, place FROM review_comments WHERE report_id = ? AND answered_at IS NULL",
        (report_id,),
    ).fetchall()
    if not open_rows:
        return 0
    format_id = conn.execute("SELECT format_id FROM reports WHERE id = ?", (report_id,)).fetchone()[
        0
    ]
    fmt = get_format(format_id)
    parts = {p for t in changed if (p := part_of(t)) is not None}
    cells = {t for t in changed if part_of(t) is None and not t.startswith(WARNING_PREFIX)}
    answered = [
        comment_id
        for comment_id, place in open_rows
        if is_answered_by(fmt, Place.parse(place), cells, parts)
    ]
    if answered:
        conn.execute(
            "UPDATE review_comments SET answered_at = ?, answered_by = ?"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (datetime_to_text(now), person_id, json.dumps(answered)),
        )
    return len(answered)
