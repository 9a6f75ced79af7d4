"""Review and sign-off: a report's review status, its steps, comments and submission snapshots.

The decisions are the pure table of ``report.review``; this module gathers the facts for it
(who is acting, open errors and warnings), records the outcome in one transaction with the
audit log, and keeps the two hooks ``ReportStore`` calls on every write: a report waiting for
review or approved refuses writes, and a write answers the open comments on its places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from report.formats import get_format
from report.review import (
    TRANSITIONS,
    AcceptedWarning,
    Actor,
    Audience,
    Change,
    Place,
    ReviewContext,
    ReviewEvent,
    ReviewEvidence,
    ReviewStatus,
    SectionAuthors,
    TransitionRefused,
    check_place,
    diff_reports,
    far_from_last_year,
    hand_in_event,
    next_status,
    refusal,
    reminded,
)
from report.rules import Severity, check
from report.values import Report
from storage.base import Row
from storage.codec import datetime_to_text, text_to_datetime
from storage.errors import CommentRefused, ReviewRefused
from storage.models import Comment, MemberReview, Review, ReviewRecord, Role
from storage.reports import ReportStore

#: Audit target of a review step (old -> new status; the event is the audit's source).
REVIEW_TARGET = "review"
#: Audit target of a comment: ``comment:<id>``, new = ``<place>|<text>``.
COMMENT_PREFIX = "comment:"
MAX_COMMENT_CHARS = 500
FILLING_ROLES = (Role.CLERK, Role.ADMIN)


@dataclass(frozen=True)
class NewComment:
    """A comment to give with a return."""

    place: Place
    text: str


class ReviewStore(ReportStore):
    # -- reading ---------------------------------------------------------------------------

    def review(self, report_id: int) -> Review:
        """The report's review status and its timestamps (drafting if never handed in)."""
        self._report_row(report_id)
        row = self._one("SELECT * FROM reviews WHERE report_id = ?", (report_id,))
        if row is None:
            return Review(report_id, ReviewStatus.DRAFTING, None, None, None, None, None)
        return _review(row)

    def review_history(self, report_id: int) -> list[ReviewRecord]:
        """Every review step of the report, oldest first."""
        rows = self._all(
            "SELECT * FROM review_events WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_record(r) for r in rows]

    def comments(self, report_id: int, *, open_only: bool = False) -> list[Comment]:
        """The report's comments in the order they were given (only the open ones if asked)."""
        sql = "SELECT * FROM review_comments WHERE report_id = ?"
        if open_only:
            sql += " AND answered_at IS NULL"
        return [_comment(r) for r in self._all(sql + " ORDER BY id", (report_id,))]

    def comment(self, comment_id: int) -> Comment | None:
        """One comment by its id (None if there is none)."""
        row = self._one("SELECT * FROM review_comments WHERE id = ?", (comment_id,))
        return _comment(row) if row is not None else None

    def submission(self, event_id: int) -> Report | None:
        """The report as it was handed in at this submit/resubmit step."""
        row = self._one("SELECT snapshot FROM review_events WHERE id = ?", (event_id,))
        return Report.from_json(row["snapshot"]) if row and row["snapshot"] else None

    def changes_since_return(self, report_id: int) -> tuple[Change, ...]:
        """What changed, cell by cell, between the version last returned and the report now
        (empty if it was never returned)."""
        with self._snapshot():
            history = self.review_history(report_id)
            returns = [r for r in history if r.event is ReviewEvent.RETURN]
            if not returns:
                return ()
            last = returns[-1]
            handed = [
                r
                for r in history
                if r.id < last.id and r.event in (ReviewEvent.SUBMIT, ReviewEvent.RESUBMIT)
            ]
            before = self.submission(handed[-1].id) if handed else None
            now = self.load(report_id)
        if before is None:
            return ()
        return diff_reports(before, now)

    def supervisors_of(self, org_id: int) -> list[int]:
        """The people who supervise an office above this one, the nearest office first."""
        rows = self._all(
            """
            WITH RECURSIVE above(id, depth) AS (
                SELECT parent_id, 1 FROM organisations WHERE id = ? AND parent_id IS NOT NULL
                UNION
                SELECT o.parent_id, above.depth + 1 FROM organisations o JOIN above
                ON o.id = above.id WHERE o.parent_id IS NOT NULL
            )
            SELECT m.person_id FROM memberships m JOIN above ON m.organisation_id = above.id
            WHERE m.role = 'supervisor' ORDER BY above.depth, m.created_at, m.person_id
            """,
            (org_id,),
        )
        return list(dict.fromkeys(r["person_id"] for r in rows))

    def review_context(
        self, report_id: int, person_id: int, event: ReviewEvent, *, comments: int = 0
    ) -> ReviewContext:
        """The facts ``report.review.next_status`` decides ``event`` by, for this person."""
        stored = self._report_row(report_id)
        org_id = stored.organisation_id
        actor = self._actor(person_id, org_id, event)
        report = self.load(report_id)
        previous = self.previous_report(org_id, stored.year)
        accepted = self.accepted_warnings(report_id)
        found = check(report, previous)
        fmt = report.format
        missing = len(report.missing_cells()) + sum(
            1 for p in fmt.parts if p.required and not report.texts.get(p.id, "").strip()
        )
        return ReviewContext(
            actor=actor,
            has_supervisor=bool(self.supervisors_of(org_id)),
            missing=missing,
            open_errors=tuple(v.key for v in found if v.severity is Severity.ERROR),
            unaccepted_warnings=tuple(
                v.key
                for v in found
                if v.severity is Severity.WARNING and not accepted.get(v.key, "").strip()
            ),
            comments=comments,
        )

    def allowed_steps(self, report_id: int, person_id: int) -> list[ReviewEvent]:
        """The review steps this person may take on the report now (the buttons to show);
        a return is listed when the report may be returned once comments are written."""
        status = self.review(report_id).status
        allowed = []
        for event in ReviewEvent:
            if (status, event) not in TRANSITIONS:
                continue
            context = self.review_context(report_id, person_id, event, comments=1)
            if refusal(status, event, context) is None:
                allowed.append(event)
        return allowed

    # -- the steps -------------------------------------------------------------------------

    def submit(self, report_id: int, *, person_id: int, note: str | None = None) -> Review:
        """Hand the report in for review (a resubmission after a return); the report is kept
        as it was handed in. Refused (ReviewRefused) unless complete, free of errors and with
        every warning accepted with a reason, by a clerk of an office with a supervisor."""
        with self.transaction():
            event = hand_in_event(self.review(report_id).status)
            return self._step(report_id, event, person_id=person_id, note=note)

    def withdraw(self, report_id: int, *, person_id: int) -> Review:
        """The clerk takes a submitted report back to correct it before it is reviewed."""
        return self._step(report_id, ReviewEvent.WITHDRAW, person_id=person_id)

    def return_report(
        self,
        report_id: int,
        comments: Sequence[NewComment],
        *,
        person_id: int,
        note: str | None = None,
    ) -> tuple[Review, list[Comment]]:
        """The supervisor sends the report back with at least one comment pinned to a place."""
        cleaned = [_clean_comment(c) for c in comments]
        with self.transaction():
            fmt = get_format(self._report_row(report_id).format_id)
            for comment in cleaned:
                check_place(fmt, comment.place)
            review = self._step(
                report_id,
                ReviewEvent.RETURN,
                person_id=person_id,
                note=note,
                comments=len(cleaned),
            )
            event_id = self.review_history(report_id)[-1].id
            now = self._now()
            stamp = datetime_to_text(now)
            for comment in cleaned:
                cursor = self._conn.execute(
                    "INSERT INTO review_comments (report_id, event_id, place, text, person_id,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (report_id, event_id, comment.place.key, comment.text, person_id, stamp),
                )
                self._audit(
                    report_id,
                    f"{COMMENT_PREFIX}{cursor.lastrowid}",
                    None,
                    f"{comment.place.key}|{comment.text}",
                    person_id=person_id,
                    source=ReviewEvent.RETURN.value,
                    now=now,
                )
            given = [c for c in self.comments(report_id) if c.event_id == event_id]
        return review, given

    def approve(self, report_id: int, *, person_id: int, note: str | None = None) -> Review:
        """The supervisor approves a submitted report: it is final and nobody writes to it."""
        return self._step(report_id, ReviewEvent.APPROVE, person_id=person_id, note=note)

    def reopen(self, report_id: int, *, person_id: int, note: str | None = None) -> Review:
        """The supervisor reopens an approved report for changes (recorded with ``note``)."""
        return self._step(report_id, ReviewEvent.REOPEN, person_id=person_id, note=note)

    # -- /progress and reminders -----------------------------------------------------------

    def review_overview(self, org_id: int, year: int, now: datetime) -> list[MemberReview]:
        """Each office directly under ``org_id``: its report's review status on ``year`` and how
        long it has been in it (``now`` - since), with the count of open comments."""
        rows = self._all(
            """
            SELECT o.id AS org_id, r.id AS report_id, v.status, v.since,
                   (SELECT count(*) FROM review_comments c
                    WHERE c.report_id = r.id AND c.answered_at IS NULL) AS open_comments
            FROM organisations o
            LEFT JOIN reports r ON r.organisation_id = o.id AND r.year = ?
            LEFT JOIN reviews v ON v.report_id = r.id
            WHERE o.parent_id = ? ORDER BY o.id
            """,
            (year, org_id),
        )
        overview = []
        for row in rows:
            since = text_to_datetime(row["since"]) if row["since"] else None
            overview.append(
                MemberReview(
                    organisation=self._organisation_row(row["org_id"]),
                    report_id=row["report_id"],
                    status=ReviewStatus(row["status"] or ReviewStatus.DRAFTING),
                    since=since,
                    waited=now - since if since else None,
                    open_comments=row["open_comments"] or 0,
                )
            )
        return overview

    def reminder_recipients(self, report_id: int) -> list[int]:
        """Who a reminder about the report goes to now: its clerks while it is being filled in
        or was returned, the supervisors above while it waits for review, nobody once approved."""
        stored = self._report_row(report_id)
        audience = reminded(self.review(report_id).status)
        if audience is Audience.SUPERVISORS:
            return self.supervisors_of(stored.organisation_id)
        if audience is Audience.NOBODY:
            return []
        rows = self._all(
            "SELECT person_id, role FROM memberships WHERE organisation_id = ?"
            " ORDER BY created_at, person_id",
            (stored.organisation_id,),
        )
        return [r["person_id"] for r in rows if Role(r["role"]) in FILLING_ROLES]

    # -- the review appendix ---------------------------------------------------------------

    def review_evidence(self, report_id: int) -> ReviewEvidence:
        """What the review appendix shows: every accepted warning with its reason, every
        figure far from last year's, who entered each section, and who approved it when."""
        with self._snapshot():
            stored = self._report_row(report_id)
            report = self.load(report_id)
            previous = self.previous_report(stored.organisation_id, stored.year)
            review = self.review(report_id)
            accepted_rows = self._all(
                "SELECT key, reason, person_id, accepted_at FROM accepted_warnings"
                " WHERE report_id = ? ORDER BY accepted_at, key",
                (report_id,),
            )
            writes = self._all(
                "SELECT target, person_id, at FROM audit WHERE report_id = ? ORDER BY id",
                (report_id,),
            )
            names = {
                r["id"]: r["display_name"] for r in self._all("SELECT id, display_name FROM people")
            }
        found = {v.key: v for v in check(report, previous)}
        accepted = tuple(
            AcceptedWarning(
                description=found[r["key"]].describe() if r["key"] in found else r["key"],
                reason=r["reason"],
                person=names.get(r["person_id"], "") if r["person_id"] else "",
                at=text_to_datetime(r["accepted_at"]),
            )
            for r in accepted_rows
        )
        return ReviewEvidence(
            status=review.status,
            accepted=accepted,
            far=far_from_last_year(report, previous),
            authors=_authors(report, writes, names),
            approved_by=names.get(review.approved_by) if review.approved_by else None,
            approved_at=review.approved_at if review.status is ReviewStatus.APPROVED else None,
            compared=previous is not None,
        )

    # -- internals -------------------------------------------------------------------------

    def _actor(self, person_id: int, org_id: int, event: ReviewEvent) -> Actor:
        actors: list[Actor] = []
        row = self._one(
            "SELECT role FROM memberships WHERE person_id = ? AND organisation_id = ?",
            (person_id, org_id),
        )
        if row is not None and Role(row["role"]) in FILLING_ROLES:
            actors.append(Actor.FILLER)
        if person_id in self.supervisors_of(org_id):
            actors.append(Actor.SUPERVISOR)
        if not actors:
            return Actor.OUTSIDER
        wanted = Actor.SUPERVISOR if event in _SUPERVISOR_EVENTS else Actor.FILLER
        return wanted if wanted in actors else actors[0]

    def _step(
        self,
        report_id: int,
        event: ReviewEvent,
        *,
        person_id: int,
        note: str | None = None,
        comments: int = 0,
    ) -> Review:
        with self.transaction():
            self._require_person(person_id)
            current = self.review(report_id)
            context = self.review_context(report_id, person_id, event, comments=comments)
            try:
                status = next_status(current.status, event, context)
            except TransitionRefused as refused:
                raise ReviewRefused(
                    reason=refused.reason.value,
                    status=refused.status.value,
                    event=refused.event.value,
                    count=refused.count,
                ) from None
            now = self._now()
            stamp = datetime_to_text(now)
            snapshot = None
            if event in (ReviewEvent.SUBMIT, ReviewEvent.RESUBMIT):
                snapshot = self.load(report_id).to_json()
            self._conn.execute(
                "INSERT INTO review_events (report_id, event, old_status, new_status, person_id,"
                " at, note, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    event.value,
                    current.status.value,
                    status.value,
                    person_id,
                    stamp,
                    note,
                    snapshot,
                ),
            )
            stamps = {
                ReviewEvent.SUBMIT: "submitted_at",
                ReviewEvent.RESUBMIT: "submitted_at",
                ReviewEvent.RETURN: "returned_at",
                ReviewEvent.APPROVE: "approved_at",
            }
            column = stamps.get(event)
            self._conn.execute(
                "INSERT INTO reviews (report_id, status, since) VALUES (?, ?, ?)"
                " ON CONFLICT (report_id) DO UPDATE SET status = excluded.status,"
                " since = excluded.since",
                (report_id, status.value, stamp),
            )
            if column is not None:
                self._conn.execute(
                    f"UPDATE reviews SET {column} = ? WHERE report_id = ?", (stamp, report_id)
                )
            if event is ReviewEvent.APPROVE:
                self._conn.execute(
                    "UPDATE reviews SET approved_by = ? WHERE report_id = ?",
                    (person_id, report_id),
                )
            if event is ReviewEvent.REOPEN:
                self._conn.execute(
                    "UPDATE reviews SET approved_at = NULL, approved_by = NULL WHERE report_id = ?",
                    (report_id,),
                )
            self._audit(
                report_id,
                REVIEW_TARGET,
                current.status.value,
                status.value,
                person_id=person_id,
                source=event.value if not note else f"{event.value}: {note}",
                now=now,
            )
            return self.review(report_id)


_SUPERVISOR_EVENTS = (ReviewEvent.RETURN, ReviewEvent.APPROVE, ReviewEvent.REOPEN)


def _clean_comment(comment: NewComment) -> NewComment:
    text = comment.text.strip()
    if not text:
        raise CommentRefused("empty")
    if len(text) > MAX_COMMENT_CHARS:
        raise CommentRefused("too_long", limit=MAX_COMMENT_CHARS)
    return NewComment(comment.place, text)


def _authors(
    report: Report, writes: list[Row], names: dict[int, str]
) -> tuple[SectionAuthors, ...]:
    """For each section, the people whose answers it holds (first entry first) and its last
    change, from the audit log."""
    fmt = report.format
    section_of: dict[str, int] = {}
    for section in fmt.sections:
        if section.table is not None:
            for cell in section.table.cells:
                section_of[cell.id] = section.number
        for part in section.parts:
            section_of[f"text:{part.id}"] = section.number
    people: dict[int, list[str]] = {}
    last: dict[int, datetime] = {}
    for write in writes:
        number = section_of.get(write["target"])
        if number is None:
            continue
        at = text_to_datetime(write["at"])
        last[number] = max(last.get(number, at), at)
        name = names.get(write["person_id"]) if write["person_id"] else None
        if name and name not in people.setdefault(number, []):
            people[number].append(name)
    return tuple(
        SectionAuthors(s.heading, tuple(people.get(s.number, ())), last.get(s.number))
        for s in fmt.sections
    )


def _review(row: Row) -> Review:
    def moment(key: str) -> datetime | None:
        return text_to_datetime(row[key]) if row[key] else None

    return Review(
        report_id=row["report_id"],
        status=ReviewStatus(row["status"]),
        since=moment("since"),
        submitted_at=moment("submitted_at"),
        returned_at=moment("returned_at"),
        approved_at=moment("approved_at"),
        approved_by=row["approved_by"],
    )


def _record(row: Row) -> ReviewRecord:
    return ReviewRecord(
        id=row["id"],
        report_id=row["report_id"],
        event=ReviewEvent(row["event"]),
        old_status=ReviewStatus(row["old_status"]),
        new_status=ReviewStatus(row["new_status"]),
        person_id=row["person_id"],
        at=text_to_datetime(row["at"]),
        note=row["note"],
    )


def _comment(row: Row) -> Comment:
    return Comment(
        id=row["id"],
        report_id=row["report_id"],
        event_id=row["event_id"],
        place=Place.parse(row["place"]),
        text=row["text"],
        person_id=row["person_id"],
        created_at=text_to_datetime(row["created_at"]),
        answered_at=text_to_datetime(row["answered_at"]) if row["answered_at"] else None,
        answered_by=row["answered_by"],
    )
