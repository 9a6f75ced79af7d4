"""Organisations, people, memberships and invites."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from report.cleaning import default_short_name, has_forbidden_name_characters
from storage.base import Row, StoreBase, organisation_from_row
from storage.codec import datetime_to_text, text_to_datetime
from storage.errors import AmbiguousName, BadName, InviteError
from storage.models import Invite, Membership, Organisation, Person, Role

MAX_NAME_CHARS = 200
#: 16 characters of [A-Za-z0-9_-] (96 random bits): fits Telegram's deep-link start parameter.
INVITE_BYTES = 12


class OrganisationStore(StoreBase):
    # -- organisations -------------------------------------------------------------------------

    def add_organisation(
        self, name: str, *, short_name: str | None = None, parent_id: int | None = None
    ) -> Organisation:
        """Register an organisation under its full official name (unique)."""
        name = _clean_name(name)
        short = _clean_name(short_name) if short_name is not None else default_short_name(name)
        with self.transaction():
            if parent_id is not None:
                self._organisation_row(parent_id)
            if self._one("SELECT 1 FROM organisations WHERE name = ?", (name,)):
                raise BadName("duplicate", name=name)
            record = {
                "name": name,
                "short_name": short,
                "parent_id": parent_id,
                "created_at": datetime_to_text(self._now()),
            }
            org_id = self._db.table("organisations").insert(record).last_pk
            return Organisation(org_id, name, short, parent_id)

    def organisation(self, org_id: int) -> Organisation:
        """The organisation with this id; NotFound otherwise."""
        return self._organisation_row(org_id)

    def find_organisation(self, name: str) -> Organisation | None:
        """The organisation with this full name, else the only one with this short name.

        Raises AmbiguousName when several organisations share the short name.
        """
        name = name.strip()
        row = self._one("SELECT * FROM organisations WHERE name = ?", (name,))
        if row is not None:
            return organisation_from_row(row)
        rows = self._all("SELECT * FROM organisations WHERE short_name = ? ORDER BY id", (name,))
        if len(rows) > 1:
            candidates = tuple(r["name"] for r in rows)
            raise AmbiguousName(name, candidates)
        return organisation_from_row(rows[0]) if rows else None

    def organisations(self) -> list[Organisation]:
        """Every organisation, in the order they were added."""
        return [
            organisation_from_row(r) for r in self._all("SELECT * FROM organisations ORDER BY id")
        ]

    def children(self, org_id: int) -> list[Organisation]:
        """The organisations directly under this one."""
        rows = self._all("SELECT * FROM organisations WHERE parent_id = ? ORDER BY id", (org_id,))
        return [organisation_from_row(r) for r in rows]

    def descendants(self, org_id: int) -> list[Organisation]:
        """Every organisation below this one, at any depth, parents before their children."""
        rows = self._all(
            """
            WITH RECURSIVE below(id, depth) AS (
                SELECT id, 1 FROM organisations WHERE parent_id = ?
                UNION
                SELECT o.id, below.depth + 1
                FROM organisations o JOIN below ON o.parent_id = below.id
            )
            SELECT o.* FROM organisations o JOIN below USING (id) ORDER BY below.depth, o.id
            """,
            (org_id,),
        )
        return [organisation_from_row(r) for r in rows]

    # -- people and memberships ----------------------------------------------------------------

    def upsert_person(self, person_id: int, display_name: str) -> Person:
        """Register a person by Telegram user id, or update their display name.

        Writes (and commits) only when the person is new or the name changed: every update
        calls this, and an unchanged row would cost a commit each time.
        """
        display_name = display_name.strip()
        row = self._conn.execute(
            "SELECT display_name FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        if row is not None and row[0] == display_name:
            return Person(person_id, display_name)
        now = datetime_to_text(self._now())
        with self.transaction():
            self._conn.execute(
                "INSERT INTO people (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,"
                " updated_at = excluded.updated_at",
                (person_id, display_name, now, now),
            )
        return Person(person_id, display_name)

    def person(self, person_id: int) -> Person | None:
        row = self._one("SELECT id, display_name FROM people WHERE id = ?", (person_id,))
        return Person(row["id"], row["display_name"]) if row else None

    def add_membership(self, person_id: int, org_id: int, role: Role) -> Membership:
        """Make a person a member of an organisation; adding again changes the role."""
        role = Role(role)
        with self.transaction():
            self._require_person(person_id)
            self._organisation_row(org_id)
            self._conn.execute(
                "INSERT INTO memberships (person_id, organisation_id, role, created_at)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (person_id, organisation_id) DO UPDATE SET role = excluded.role",
                (person_id, org_id, role.value, datetime_to_text(self._now())),
            )
        return Membership(person_id, org_id, role)

    def memberships(self, person_id: int) -> list[Membership]:
        """The organisations a person belongs to directly."""
        rows = self._all(
            "SELECT * FROM memberships WHERE person_id = ? ORDER BY created_at, organisation_id",
            (person_id,),
        )
        return [_membership(r) for r in rows]

    def members(self, org_id: int) -> list[Membership]:
        """The direct members of an organisation."""
        rows = self._all(
            "SELECT * FROM memberships WHERE organisation_id = ? ORDER BY created_at, person_id",
            (org_id,),
        )
        return [_membership(r) for r in rows]

    def role_in(self, person_id: int, org_id: int) -> Role | None:
        """The person's own role in the organisation, or SUPERVISOR if they supervise an
        organisation above it; None if neither."""
        row = self._one(
            "SELECT role FROM memberships WHERE person_id = ? AND organisation_id = ?",
            (person_id, org_id),
        )
        if row is not None:
            return Role(row["role"])
        row = self._one(
            """
            WITH RECURSIVE above(id) AS (
                SELECT parent_id FROM organisations WHERE id = ? AND parent_id IS NOT NULL
                UNION
                SELECT o.parent_id FROM organisations o JOIN above ON o.id = above.id
                WHERE o.parent_id IS NOT NULL
            )
            SELECT 1 FROM memberships
            WHERE person_id = ? AND role = 'supervisor'
              AND organisation_id IN (SELECT id FROM above)
            """,
            (org_id, person_id),
        )
        return Role.SUPERVISOR if row is not None else None

    # -- invites -------------------------------------------------------------------------------

    def create_invite(
        self,
        org_id: int,
        role: Role = Role.CLERK,
        *,
        valid_for: timedelta = timedelta(days=14),
        now: datetime | None = None,
    ) -> Invite:
        """A new single-use invite code to join the organisation with this role."""
        role = Role(role)
        now = now or self._now()
        expires_at = now + valid_for
        code = secrets.token_urlsafe(INVITE_BYTES)
        with self.transaction():
            self._organisation_row(org_id)
            record = {
                "code": code,
                "organisation_id": org_id,
                "role": role.value,
                "created_at": datetime_to_text(now),
                "expires_at": datetime_to_text(expires_at),
            }
            self._db.table("invites").insert(record)
        return Invite(code, org_id, role, text_to_datetime(datetime_to_text(expires_at)), None)

    def invite(self, code: str) -> Invite | None:
        """The invite with this code, used or not."""
        row = self._one("SELECT * FROM invites WHERE code = ?", (code.strip(),))
        return _invite(row) if row else None

    def redeem_invite(
        self, code: str, person_id: int, *, now: datetime | None = None
    ) -> Membership:
        """Use an invite: the person joins its organisation with its role.

        Raises InviteError (unknown, used, expired). Redeeming again by the person who used it
        returns their membership, so a repeated /start does no harm.
        """
        now = now or self._now()
        with self.transaction():
            self._require_person(person_id)
            row = self._one("SELECT * FROM invites WHERE code = ?", (code.strip(),))
            if row is None:
                raise InviteError("unknown")
            invite = _invite(row)
            if invite.used_by is not None:
                if invite.used_by == person_id:
                    current = self._one(
                        "SELECT * FROM memberships WHERE person_id = ? AND organisation_id = ?",
                        (person_id, invite.organisation_id),
                    )
                    if current is not None:
                        return _membership(current)
                raise InviteError("used")
            if now >= invite.expires_at:
                raise InviteError("expired")
            self._conn.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ?",
                (person_id, datetime_to_text(now), invite.code),
            )
            return self.add_membership(person_id, invite.organisation_id, invite.role)


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BadName("empty")
    if len(name) > MAX_NAME_CHARS:
        raise BadName("too_long", name=name, limit=MAX_NAME_CHARS)
    if has_forbidden_name_characters(name):
        raise BadName("forbidden", name=name)
    return name


def _membership(row: Row) -> Membership:
    return Membership(row["person_id"], row["organisation_id"], Role(row["role"]))


def _invite(row: Row) -> Invite:
    return Invite(
        code=row["code"],
        organisation_id=row["organisation_id"],
        role=Role(row["role"]),
        expires_at=text_to_datetime(row["expires_at"]),
        used_by=row["used_by"],
    )
