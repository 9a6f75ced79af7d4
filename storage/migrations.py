"""The schema, as numbered steps applied in order at start-up.

A step is never edited once released: a database made by an older version of the program is
upgraded by running the steps it has not seen yet. ``schema_migrations`` records the steps
applied. Each step runs in its own ``BEGIN IMMEDIATE`` transaction together with its record, so
two processes opening a new file at once apply it once, and a crash leaves no half-made step.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.codec import datetime_to_text, utc_now


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    statements: tuple[str, ...]


_ROLES = "('clerk', 'admin', 'supervisor')"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "organisations, people, reports, answers and the audit log",
        (
            """
            CREATE TABLE organisations (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                short_name TEXT NOT NULL,
                parent_id INTEGER REFERENCES organisations(id),
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX organisations_short_name ON organisations(short_name)",
            "CREATE INDEX organisations_parent ON organisations(parent_id)",
            """
            CREATE TABLE people (
                id INTEGER PRIMARY KEY,
                display_name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            f"""
            CREATE TABLE memberships (
                person_id INTEGER NOT NULL REFERENCES people(id),
                organisation_id INTEGER NOT NULL REFERENCES organisations(id),
                role TEXT NOT NULL CHECK (role IN {_ROLES}),
                created_at TEXT NOT NULL,
                PRIMARY KEY (person_id, organisation_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX memberships_organisation ON memberships(organisation_id)",
            f"""
            CREATE TABLE invites (
                code TEXT PRIMARY KEY,
                organisation_id INTEGER NOT NULL REFERENCES organisations(id),
                role TEXT NOT NULL CHECK (role IN {_ROLES}),
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_by INTEGER REFERENCES people(id),
                used_at TEXT
            )""",
            """
            CREATE TABLE reports (
                id INTEGER PRIMARY KEY,
                organisation_id INTEGER NOT NULL REFERENCES organisations(id),
                year INTEGER NOT NULL,
                format_id TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'final', 'imported')),
                version INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (organisation_id, year)
            )""",
            # One row per figure (target = cell id) or text (target = 'text:<part>'). A cleared
            # answer keeps its row with value NULL, so its version keeps counting up.
            """
            CREATE TABLE answers (
                report_id INTEGER NOT NULL REFERENCES reports(id),
                target TEXT NOT NULL,
                value TEXT,
                version INTEGER NOT NULL,
                person_id INTEGER REFERENCES people(id),
                updated_at TEXT NOT NULL,
                source TEXT,
                PRIMARY KEY (report_id, target)
            ) WITHOUT ROWID""",
            """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                report_id INTEGER NOT NULL REFERENCES reports(id),
                target TEXT NOT NULL,
                old TEXT,
                new TEXT,
                person_id INTEGER REFERENCES people(id),
                at TEXT NOT NULL,
                source TEXT
            )""",
            "CREATE INDEX audit_report ON audit(report_id)",
            """
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        ),
    ),
    Migration(
        2,
        "conversations, processed updates, reminders and accepted warnings",
        (
            # No foreign key to people: a conversation may begin before the person is known.
            """
            CREATE TABLE conversations (
                person_id INTEGER PRIMARY KEY,
                state TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """
            CREATE TABLE processed_updates (
                update_id INTEGER PRIMARY KEY,
                processed_at TEXT NOT NULL
            )""",
            """
            CREATE TABLE reminders (
                id INTEGER PRIMARY KEY,
                person_id INTEGER NOT NULL REFERENCES people(id),
                report_id INTEGER NOT NULL REFERENCES reports(id),
                due TEXT NOT NULL,
                kind TEXT NOT NULL,
                sent_at TEXT NOT NULL,
                UNIQUE (person_id, report_id, due, kind)
            )""",
            "CREATE INDEX reminders_report ON reminders(report_id)",
            """
            CREATE TABLE reminder_mutes (
                person_id INTEGER NOT NULL REFERENCES people(id),
                report_id INTEGER NOT NULL REFERENCES reports(id),
                muted_at TEXT NOT NULL,
                PRIMARY KEY (person_id, report_id)
            ) WITHOUT ROWID""",
            """
            CREATE TABLE accepted_warnings (
                report_id INTEGER NOT NULL REFERENCES reports(id),
                key TEXT NOT NULL,
                reason TEXT NOT NULL,
                person_id INTEGER REFERENCES people(id),
                accepted_at TEXT NOT NULL,
                PRIMARY KEY (report_id, key)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        3,
        "the chat message holding each person's live question",
        (
            """
            CREATE TABLE question_messages (
                person_id INTEGER PRIMARY KEY,
                message_id INTEGER NOT NULL,
                updated_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        4,
        "internal deadlines set by a parent office for its member organisations",
        (
            """
            CREATE TABLE internal_deadlines (
                organisation_id INTEGER NOT NULL REFERENCES organisations(id),
                year INTEGER NOT NULL,
                deadline TEXT NOT NULL,
                person_id INTEGER REFERENCES people(id),
                set_at TEXT NOT NULL,
                PRIMARY KEY (organisation_id, year)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        5,
        "how an office's ledger wording maps to table 3 (answers to ledger questions)",
        (
            # kind 'applicant': target is an applicant column id; kind 'outcome': a result row
            # id. wording is the ledger value, normalised (report.ledger_wording.normalise).
            """
            CREATE TABLE ledger_wording (
                organisation_id INTEGER NOT NULL REFERENCES organisations(id),
                kind TEXT NOT NULL CHECK (kind IN ('applicant', 'outcome')),
                wording TEXT NOT NULL,
                target TEXT NOT NULL,
                person_id INTEGER REFERENCES people(id),
                chosen_at TEXT NOT NULL,
                PRIMARY KEY (organisation_id, kind, wording)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        6,
        "review and sign-off: review status, its events with submission snapshots, comments",
        (
            # No row: the report is being filled in (drafting) and was never handed in.
            """
            CREATE TABLE reviews (
                report_id INTEGER PRIMARY KEY REFERENCES reports(id),
                status TEXT NOT NULL
                    CHECK (status IN ('drafting', 'submitted', 'returned', 'approved')),
                since TEXT NOT NULL,
                submitted_at TEXT,
                returned_at TEXT,
                approved_at TEXT,
                approved_by INTEGER REFERENCES people(id)
            )""",
            # Every step taken; a submission keeps the report as it was handed in (JSON).
            """
            CREATE TABLE review_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                report_id INTEGER NOT NULL REFERENCES reports(id),
                event TEXT NOT NULL,
                old_status TEXT NOT NULL,
                new_status TEXT NOT NULL,
                person_id INTEGER REFERENCES people(id),
                at TEXT NOT NULL,
                note TEXT,
                snapshot TEXT
            )""",
            "CREATE INDEX review_events_report ON review_events(report_id)",
            """
            CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events
            BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END""",
            """
            CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
            BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END""",
            # place: cell:<cell id>, row:<table>/<row id> or part:<part id> (report.review.Place).
            """
            CREATE TABLE review_comments (
                id INTEGER PRIMARY KEY,
                report_id INTEGER NOT NULL REFERENCES reports(id),
                event_id INTEGER NOT NULL REFERENCES review_events(id),
                place TEXT NOT NULL,
                text TEXT NOT NULL,
                person_id INTEGER REFERENCES people(id),
                created_at TEXT NOT NULL,
                answered_at TEXT,
                answered_by INTEGER REFERENCES people(id)
            )""",
            "CREATE INDEX review_comments_report ON review_comments(report_id)",
        ),
    ),
    Migration(
        7,
        "people the bot cannot reach (blocked it or deleted their account)",
        (
            """
            CREATE TABLE unreachable_people (
                person_id INTEGER PRIMARY KEY REFERENCES people(id),
                reason TEXT NOT NULL,
                since TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        8,
        "the inbox: fetched Telegram updates kept until processed, and the polling offset",
        (
            """
            CREATE TABLE inbox (
                bot_id INTEGER NOT NULL,
                update_id INTEGER NOT NULL,
                body TEXT NOT NULL,
                fetched_at TEXT NOT NULL,
                PRIMARY KEY (bot_id, update_id)
            )""",
            # Update ids are counted per bot: another token must not skip its own updates.
            """
            CREATE TABLE inbox_offset (
                bot_id INTEGER PRIMARY KEY,
                next_offset INTEGER NOT NULL,
                saved_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        9,
        "several bots over one database: updates counted per bot, the bot serving each office",
        (
            # Update ids are counted per bot. Rows of the one bot before this step get bot 0,
            # which that bot adopts at its next start (StateStore.adopt_updates).
            """
            CREATE TABLE processed_updates_by_bot (
                bot_id INTEGER NOT NULL,
                update_id INTEGER NOT NULL,
                processed_at TEXT NOT NULL,
                PRIMARY KEY (bot_id, update_id)
            ) WITHOUT ROWID""",
            """
            INSERT INTO processed_updates_by_bot (bot_id, update_id, processed_at)
            SELECT 0, update_id, processed_at FROM processed_updates""",
            "DROP TABLE processed_updates",
            "ALTER TABLE processed_updates_by_bot RENAME TO processed_updates",
            # The bots this deployment has run; position 0 is the first token (the default bot).
            """
            CREATE TABLE bots (
                id INTEGER PRIMARY KEY,
                username TEXT,
                position INTEGER NOT NULL,
                started_at TEXT NOT NULL
            )""",
            # The bot serving the office (NULL: none yet; the first bot serves it).
            "ALTER TABLE organisations ADD COLUMN bot_id INTEGER",
            # The bot the person joined the office through (NULL: they follow the office's).
            "ALTER TABLE memberships ADD COLUMN bot_id INTEGER",
        ),
    ),
)

LATEST = MIGRATIONS[-1].number

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""


def applied_versions(conn: sqlite3.Connection) -> list[int]:
    """The step numbers recorded in the database, in order (empty for a new file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [
        row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")
    ]


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest step applied, 0 for a new file."""
    versions = applied_versions(conn)
    return versions[-1] if versions else 0


def migrate(conn: sqlite3.Connection, *, target: int = LATEST) -> list[int]:
    """Apply the steps up to ``target`` that the database has not seen; return their numbers.

    ``conn`` must be in autocommit mode (``isolation_level=None``) with no open transaction.
    """
    applied = set(applied_versions(conn))
    pending = [s for s in MIGRATIONS if s.number <= target and s.number not in applied]
    done: list[int] = []
    for step in pending:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_LEDGER)
            # Another process may have applied it while we waited for the lock.
            seen = conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (step.number,)
            ).fetchone()
            if not seen:
                for statement in step.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (step.number, step.name, datetime_to_text(utc_now())),
                )
                done.append(step.number)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return done
