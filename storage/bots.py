"""Several bots over one database: which bots run, which bot serves each office and person.

Telegram lets a bot write only to people who started it, so each person is written to through
the bot they joined their office through (or, if none is recorded, the bot serving the office;
if none serves it yet, the deployment's first bot, which the adapter knows).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.base import StoreBase
from storage.codec import datetime_to_text


@dataclass(frozen=True)
class BotRecord:
    """A bot this deployment has run: its Telegram id, username and place in the token list
    (0: the first token, the default bot)."""

    id: int
    username: str | None
    position: int


class BotStore(StoreBase):
    def record_bot(self, bot_id: int, username: str | None, position: int) -> None:
        """Remember a bot at its start (its username names it in invite links)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO bots (id, username, position, started_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET username = excluded.username,"
                " position = excluded.position, started_at = excluded.started_at",
                (bot_id, username, position, datetime_to_text(self._now())),
            )

    def bots(self) -> list[BotRecord]:
        """The bots this deployment has run, the first token's first."""
        rows = self._all("SELECT * FROM bots ORDER BY position, id")
        return [BotRecord(r["id"], r["username"], r["position"]) for r in rows]

    def find_bot(self, name: str) -> BotRecord | None:
        """A known bot by its username (with or without @) or its numeric id."""
        wanted = name.strip().lstrip("@").lower()
        for bot in self.bots():
            if wanted == str(bot.id) or wanted == (bot.username or "").lower():
                return bot
        return None

    def office_bot(self, org_id: int) -> int | None:
        """The bot serving the office (None: none assigned yet)."""
        row = self._conn.execute(
            "SELECT bot_id FROM organisations WHERE id = ?", (org_id,)
        ).fetchone()
        return row[0] if row else None

    def assign_bot(self, org_id: int, bot_id: int) -> None:
        """Let this bot serve the office from now on; its people follow it (they must start
        that bot to be written to)."""
        with self.transaction():
            self._organisation_row(org_id)
            self._conn.execute("UPDATE organisations SET bot_id = ? WHERE id = ?", (bot_id, org_id))
            self._conn.execute(
                "UPDATE memberships SET bot_id = NULL WHERE organisation_id = ?", (org_id,)
            )

    def claim_office(self, org_id: int, bot_id: int) -> int:
        """The bot serving the office, which becomes this one if none serves it yet (an invite
        was made, or somebody joined, through it)."""
        with self.transaction():
            self._conn.execute(
                "UPDATE organisations SET bot_id = ? WHERE id = ? AND bot_id IS NULL",
                (bot_id, org_id),
            )
            served = self.office_bot(org_id)
        return bot_id if served is None else served

    def adopt_offices(self, bot_id: int) -> int:
        """The first bot serves the offices that had people before bots were told apart;
        returns how many."""
        with self.transaction():
            cursor = self._conn.execute(
                "UPDATE organisations SET bot_id = ? WHERE bot_id IS NULL AND EXISTS"
                " (SELECT 1 FROM memberships m WHERE m.organisation_id = organisations.id)",
                (bot_id,),
            )
            return cursor.rowcount

    def joined_through(self, person_id: int, org_id: int, bot_id: int) -> None:
        """The person joined (or rejoined) the office through this bot: they are written to
        through it."""
        with self.transaction():
            self._conn.execute(
                "UPDATE memberships SET bot_id = ? WHERE person_id = ? AND organisation_id = ?",
                (bot_id, person_id, org_id),
            )

    def person_bot(self, person_id: int, org_id: int | None = None) -> int | None:
        """The bot to write to the person through: that of their membership of ``org_id`` if
        they have one, else of their first membership (None: the first bot, or no member)."""
        row = self._conn.execute(
            "SELECT COALESCE(m.bot_id, o.bot_id) FROM memberships m"
            " JOIN organisations o ON o.id = m.organisation_id WHERE m.person_id = ?"
            " ORDER BY m.organisation_id IS ? DESC, m.created_at, m.organisation_id LIMIT 1",
            (person_id, org_id),
        ).fetchone()
        return row[0] if row else None

    def person_bots(self, person_id: int) -> set[int | None]:
        """Every bot the person's memberships are served by (None: the first bot)."""
        rows = self._conn.execute(
            "SELECT DISTINCT COALESCE(m.bot_id, o.bot_id) FROM memberships m"
            " JOIN organisations o ON o.id = m.organisation_id WHERE m.person_id = ?",
            (person_id,),
        ).fetchall()
        return {r[0] for r in rows}
