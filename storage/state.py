"""What the bot keeps between messages: conversations, processed updates, reminders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from storage.base import Row, StoreBase
from storage.codec import date_to_text, datetime_to_text, text_to_date, text_to_datetime
from storage.models import Reminder

UPDATE_ID_REUSE = timedelta(days=7)


class StateStore(StoreBase):
    # -- conversation state --------------------------------------------------------------------

    def load_conversation(self, person_id: int) -> str | None:
        """The saved conversation state of a person (opaque text owned by dialogs/)."""
        row = self._conn.execute(
            "SELECT state FROM conversations WHERE person_id = ?", (person_id,)
        ).fetchone()
        return row[0] if row else None

    def save_conversation(self, person_id: int, state: str) -> None:
        """Replace the person's conversation state."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO conversations (person_id, state, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (person_id) DO UPDATE SET state = excluded.state,"
                " updated_at = excluded.updated_at",
                (person_id, state, datetime_to_text(self._now())),
            )

    def clear_conversation(self, person_id: int) -> None:
        """Forget the person's conversation state."""
        with self.transaction():
            self._conn.execute("DELETE FROM conversations WHERE person_id = ?", (person_id,))

    def swap_question_message(self, person_id: int, message_id: int) -> int | None:
        """Record the chat message that holds the person's live question; return the previous one
        (whose buttons the adapter then removes)."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT message_id FROM question_messages WHERE person_id = ?", (person_id,)
            ).fetchone()
            self._conn.execute(
                "INSERT INTO question_messages (person_id, message_id, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (person_id) DO UPDATE SET message_id = excluded.message_id,"
                " updated_at = excluded.updated_at",
                (person_id, message_id, datetime_to_text(self._now())),
            )
            return row[0] if row else None

    def forget_question_message(self, person_id: int, message_id: int) -> None:
        """The adapter stripped this message's buttons itself: it is no longer the live question."""
        with self.transaction():
            self._conn.execute(
                "DELETE FROM question_messages WHERE person_id = ? AND message_id = ?",
                (person_id, message_id),
            )

    # -- Telegram updates ----------------------------------------------------------------------

    def claim_update(self, update_id: int, bot_id: int = 0) -> bool:
        """Mark a Telegram update of this bot processed: True the first time, False if it
        already was (update ids are counted per bot: another bot's same id is another update).

        Call it in the same transaction as the writes the update causes, so that both happen
        or neither does.
        """
        now = self._now()
        with self.transaction():
            # Telegram picks update ids at random after a week without updates, so an id seen
            # more than a week ago is a new update that happens to reuse the number.
            cursor = self._conn.execute(
                "INSERT INTO processed_updates (bot_id, update_id, processed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (bot_id, update_id)"
                " DO UPDATE SET processed_at = excluded.processed_at"
                " WHERE processed_updates.processed_at < ?",
                (bot_id, update_id, datetime_to_text(now), datetime_to_text(now - UPDATE_ID_REUSE)),
            )
            return cursor.rowcount == 1

    def adopt_updates(self, bot_id: int) -> int:
        """Give the updates processed before bots were told apart (bot 0) to this bot, the
        deployment's first; returns how many."""
        with self.transaction():
            cursor = self._conn.execute(
                "UPDATE OR IGNORE processed_updates SET bot_id = ? WHERE bot_id = 0", (bot_id,)
            )
            self._conn.execute("DELETE FROM processed_updates WHERE bot_id = 0")
            return cursor.rowcount

    def prune_updates(self) -> int:
        """Forget processed update ids older than Telegram's reuse window; returns how many."""
        with self.transaction():
            cursor = self._conn.execute(
                "DELETE FROM processed_updates WHERE processed_at < ?",
                (datetime_to_text(self._now() - UPDATE_ID_REUSE),),
            )
            return cursor.rowcount

    # -- the inbox of fetched updates -----------------------------------------------------------

    def save_inbox(
        self,
        bot_id: int,
        updates: list[tuple[int, str]],
        done: Iterable[int],
        next_offset: int | None,
        *,
        durable: bool = True,
    ) -> set[int]:
        """In one commit: keep the bot's fetched updates (id, JSON) not kept yet, forget the
        ``done`` ones, and remember the offset that confirms them. Returns the ids newly kept.

        With ``durable=False`` the commit is not fsync'd: the caller confirms the updates to
        Telegram only once a later durable commit (``durable_commits`` moved on) covers it."""
        now = datetime_to_text(self._now())
        kept: set[int] = set()
        with self.transaction(durable=durable):
            self._conn.executemany(
                "DELETE FROM inbox WHERE bot_id = ? AND update_id = ?",
                [(bot_id, uid) for uid in done],
            )
            for update_id, body in updates:
                cursor = self._conn.execute(
                    "INSERT INTO inbox (bot_id, update_id, body, fetched_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (bot_id, update_id) DO NOTHING",
                    (bot_id, update_id, body, now),
                )
                if cursor.rowcount == 1:
                    kept.add(update_id)
            if next_offset is not None:
                self._save_offset(bot_id, next_offset, now)
        return kept

    def _save_offset(self, bot_id: int, next_offset: int, now: str) -> None:
        """The bot's next ``getUpdates`` offset (inside the caller's transaction)."""
        self._conn.execute(
            "INSERT INTO inbox_offset (bot_id, next_offset, saved_at) VALUES (?, ?, ?)"
            " ON CONFLICT (bot_id) DO UPDATE SET next_offset = excluded.next_offset,"
            " saved_at = excluded.saved_at",
            (bot_id, next_offset, now),
        )

    def sync_inbox(
        self, bot_id: int, done: Iterable[int], next_offset: int | None, kept: Iterable[int] = ()
    ) -> None:
        """One durable commit that makes every earlier commit durable too: forget the ``done``
        updates and write the offset again (polling), or the ``kept`` updates' rows (webhook)."""
        now = datetime_to_text(self._now())
        with self.transaction():
            self._conn.executemany(
                "DELETE FROM inbox WHERE bot_id = ? AND update_id = ?",
                [(bot_id, uid) for uid in done],
            )
            self._conn.executemany(
                "UPDATE inbox SET fetched_at = fetched_at WHERE bot_id = ? AND update_id = ?",
                [(bot_id, uid) for uid in kept],
            )
            if next_offset is not None:
                self._save_offset(bot_id, next_offset, now)

    def inbox(self, bot_id: int) -> list[tuple[int, str]]:
        """The bot's kept updates not yet done (id, JSON), oldest first."""
        return [
            (row[0], row[1])
            for row in self._conn.execute(
                "SELECT update_id, body FROM inbox WHERE bot_id = ? ORDER BY update_id", (bot_id,)
            )
        ]

    def inbox_offset(self, bot_id: int) -> int | None:
        """The offset that confirms every update already kept, unless it is older than
        Telegram's reuse window (after which update ids start again at random)."""
        row = self._conn.execute(
            "SELECT next_offset, saved_at FROM inbox_offset WHERE bot_id = ?", (bot_id,)
        ).fetchone()
        if row is None or text_to_datetime(row[1]) < self._now() - UPDATE_ID_REUSE:
            return None
        return int(row[0])

    # -- reminders -----------------------------------------------------------------------------

    def record_reminder(self, person_id: int, report_id: int, due: date, kind: str) -> bool:
        """Record that a reminder was sent; False if this one was recorded already."""
        with self.transaction():
            self._require_person(person_id)
            self._report_row(report_id)
            cursor = self._conn.execute(
                "INSERT INTO reminders (person_id, report_id, due, kind, sent_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, report_id, due, kind) DO NOTHING",
                (person_id, report_id, date_to_text(due), kind, datetime_to_text(self._now())),
            )
            return cursor.rowcount == 1

    def record_reminders(self, reminders: list[tuple[int, int, date, str]]) -> list[bool]:
        """Record many reminders (person, report, due, kind) in one transaction; for each,
        whether it was new."""
        stamp = datetime_to_text(self._now())
        new: list[bool] = []
        with self.transaction():
            for person_id, report_id, due, kind in reminders:
                cursor = self._conn.execute(
                    "INSERT INTO reminders (person_id, report_id, due, kind, sent_at)"
                    " VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (person_id, report_id, due, kind) DO NOTHING",
                    (person_id, report_id, date_to_text(due), kind, stamp),
                )
                new.append(cursor.rowcount == 1)
        return new

    def forget_reminder(self, person_id: int, report_id: int, due: date, kind: str) -> None:
        """Undo the record of a reminder that could not be delivered (so it is sent again, or
        not counted as sent)."""
        with self.transaction():
            self._conn.execute(
                "DELETE FROM reminders WHERE person_id = ? AND report_id = ? AND due = ?"
                " AND kind = ?",
                (person_id, report_id, date_to_text(due), kind),
            )

    def mark_unreachable(self, person_id: int, reason: str) -> None:
        """The person blocked the bot or deleted their account (Telegram answered 403)."""
        with self.transaction():
            self._require_person(person_id)
            self._conn.execute(
                "INSERT INTO unreachable_people (person_id, reason, since) VALUES (?, ?, ?)"
                " ON CONFLICT (person_id) DO UPDATE SET reason = excluded.reason",
                (person_id, reason, datetime_to_text(self._now())),
            )

    def mark_reachable(self, person_id: int) -> bool:
        """The person wrote to the bot again; returns whether they had been unreachable."""
        if person_id not in self.unreachable([person_id]):
            return False
        with self.transaction():
            self._conn.execute("DELETE FROM unreachable_people WHERE person_id = ?", (person_id,))
        return True

    def unreachable(self, person_ids: list[int] | None = None) -> set[int]:
        """Which of these people (or of everybody) the bot cannot reach."""
        if person_ids is None:
            rows = self._conn.execute("SELECT person_id FROM unreachable_people").fetchall()
        else:
            marks = ",".join("?" * len(person_ids))
            rows = self._conn.execute(
                f"SELECT person_id FROM unreachable_people WHERE person_id IN ({marks})",
                person_ids,
            ).fetchall()
        return {r[0] for r in rows}

    def reminders(self, report_id: int | None = None) -> list[Reminder]:
        """The reminders sent (about one report, or all), oldest first."""
        if report_id is None:
            rows = self._all("SELECT * FROM reminders ORDER BY id")
        else:
            rows = self._all(
                "SELECT * FROM reminders WHERE report_id = ? ORDER BY id", (report_id,)
            )
        return [_reminder(r) for r in rows]

    def mute_reminders(self, person_id: int, report_id: int, muted: bool = True) -> None:
        """Stop (or, with ``muted=False``, resume) reminders to a person about a report."""
        with self.transaction():
            if muted:
                self._require_person(person_id)
                self._report_row(report_id)
                self._conn.execute(
                    "INSERT INTO reminder_mutes (person_id, report_id, muted_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (person_id, report_id) DO NOTHING",
                    (person_id, report_id, datetime_to_text(self._now())),
                )
            else:
                self._conn.execute(
                    "DELETE FROM reminder_mutes WHERE person_id = ? AND report_id = ?",
                    (person_id, report_id),
                )

    def reminders_muted(self, person_id: int, report_id: int) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM reminder_mutes WHERE person_id = ? AND report_id = ?",
            (person_id, report_id),
        ).fetchone()
        return row is not None


def _reminder(row: Row) -> Reminder:
    return Reminder(
        person_id=row["person_id"],
        report_id=row["report_id"],
        due=text_to_date(row["due"]),
        kind=row["kind"],
        sent_at=text_to_datetime(row["sent_at"]),
    )
