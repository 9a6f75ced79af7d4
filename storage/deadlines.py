"""Internal deadlines: the date by which a parent office wants its members' reports."""

from __future__ import annotations

from datetime import date

from storage.base import StoreBase
from storage.codec import date_to_text, datetime_to_text, text_to_date
from storage.models import Organisation


class DeadlineStore(StoreBase):
    def set_internal_deadline(
        self, org_id: int, year: int, deadline: date | None, *, person_id: int | None = None
    ) -> None:
        """Set (or with ``None`` clear) the deadline ``org_id`` gives its members for ``year``."""
        with self.transaction():
            self._organisation_row(org_id)
            if deadline is None:
                self._conn.execute(
                    "DELETE FROM internal_deadlines WHERE organisation_id = ? AND year = ?",
                    (org_id, year),
                )
                return
            if person_id is not None:
                self._require_person(person_id)
            self._conn.execute(
                "INSERT INTO internal_deadlines (organisation_id, year, deadline, person_id,"
                " set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (organisation_id, year) DO UPDATE"
                " SET deadline = excluded.deadline, person_id = excluded.person_id,"
                " set_at = excluded.set_at",
                (org_id, year, date_to_text(deadline), person_id, datetime_to_text(self._now())),
            )

    def internal_deadline(self, org_id: int, year: int) -> date | None:
        """The deadline ``org_id`` set for its members' reports on ``year``, if any."""
        row = self._conn.execute(
            "SELECT deadline FROM internal_deadlines WHERE organisation_id = ? AND year = ?",
            (org_id, year),
        ).fetchone()
        return text_to_date(row[0]) if row else None

    def ancestors(self, org_id: int) -> list[Organisation]:
        """The organisations above this one, nearest first."""
        above: list[Organisation] = []
        current = self._organisation_row(org_id)
        while current.parent_id is not None and len(above) < 32:
            current = self._organisation_row(current.parent_id)
            above.append(current)
        return above

    def deadlines_above(self, org_id: int, year: int) -> list[date]:
        """Every internal deadline the offices above ``org_id`` set for ``year``."""
        found = (self.internal_deadline(o.id, year) for o in self.ancestors(org_id))
        return [d for d in found if d is not None]
