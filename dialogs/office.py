"""Commands beyond filling in: /deadline, /progress, /summary, and /last with a keyword or year.

Called by the engine (so the console has them too). Every action checks the person's own
membership and role first: a typed or forged request never shows or changes another office's
data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from dialogs import texts
from dialogs.buttons import RemindBehind
from dialogs.deadlines import days_left, parse_deadline, reporting_year, statutory_deadline
from dialogs.model import Document, OutMessage, button
from dialogs.progress import add_up
from dialogs.reminders import (
    deadline_for,
    fillers,
    format_date,
    reminder_message,
    report_completion,
)
from dialogs.render import figures, pad, review_messages
from report.formats import CURRENT, FIRST_YEAR, LEGACY
from report.review import LOCKED
from report.values import Report
from storage import MemberReview, Organisation, ReportStatus, Role, Store

NUDGE_KIND = "nudge"
MAX_KEYWORD_CELLS = 8
Members = Sequence[tuple[str, Report | None]]
#: Writes the summary tables: (parent office, year, the totals, each member office).
WriteSummary = Callable[[str, int, Report, Members], list[Document]]


class Office:
    """The office-level commands for one store."""

    def __init__(
        self,
        store: Store,
        today: Callable[[], date],
        write_summary: WriteSummary | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.today = today
        self.write_summary = write_summary
        self.zone = zone or ZoneInfo("Asia/Shanghai")

    def supervised(self, person_id: int) -> list[Organisation]:
        """The organisations the person is directly a supervisor of."""
        return [
            self.store.organisation(m.organisation_id)
            for m in self.store.memberships(person_id)
            if m.role is Role.SUPERVISOR
        ]

    # --- /deadline --------------------------------------------------------------------------

    def deadline(self, person_id: int, args: str) -> list[OutMessage]:
        year = reporting_year(self.today())
        args = args.strip()
        supervised = self.supervised(person_id)
        if args:
            if not supervised:
                return [
                    *self._show_deadlines(person_id, year),
                    OutMessage(text=texts.DEADLINE_NOT_SUPERVISOR),
                ]
            return [self._set_deadline(person_id, supervised, year, args)]
        return self._show_deadlines(person_id, year)

    def _show_deadlines(self, person_id: int, year: int) -> list[OutMessage]:
        lines = []
        for membership in self.store.memberships(person_id):
            org = self.store.organisation(membership.organisation_id)
            if membership.role is Role.SUPERVISOR:
                own = self.store.internal_deadline(org.id, year)
                lines.append(
                    texts.DEADLINE_OWN.format(year=year, date=format_date(own))
                    if own
                    else texts.DEADLINE_OWN_NONE.format(
                        year=year, date=format_date(statutory_deadline(year))
                    )
                )
                lines.append(texts.DEADLINE_SET_USAGE)
                continue
            deadline, office = deadline_for(self.store, org.id, year)
            left = days_left(self.today(), deadline)
            lines.append(
                texts.DEADLINE_SHOW.format(
                    organisation=escape(org.name),
                    year=year,
                    date=format_date(deadline),
                    basis=texts.DEADLINE_INTERNAL.format(office=escape(office.name))
                    if office
                    else texts.DEADLINE_STATUTORY,
                    left=texts.DEADLINE_LEFT.format(days=left)
                    if left > 0
                    else texts.DEADLINE_TODAY
                    if left == 0
                    else texts.DEADLINE_PASSED.format(days=-left),
                )
            )
        return [OutMessage(text="\n".join(lines) or texts.NO_ORGANISATION)]

    def _set_deadline(
        self, person_id: int, supervised: list[Organisation], year: int, args: str
    ) -> OutMessage:
        offices = "、".join(o.name for o in supervised)
        statutory = statutory_deadline(year)
        if args in texts.DEADLINE_CLEAR_WORDS:
            for org in supervised:
                self.store.set_internal_deadline(org.id, year, None)
            return OutMessage(
                text=texts.DEADLINE_CLEARED.format(
                    offices=escape(offices), year=year, date=format_date(statutory)
                )
            )
        chosen = parse_deadline(args, year)
        if chosen is None:
            return OutMessage(text=texts.DEADLINE_BAD_DATE)
        if not self.today() < chosen <= statutory:
            return OutMessage(
                text=texts.DEADLINE_OUT_OF_RANGE.format(statutory=format_date(statutory))
            )
        for org in supervised:
            self.store.set_internal_deadline(org.id, year, chosen, person_id=person_id)
        return OutMessage(
            text=texts.DEADLINE_SET_DONE.format(
                year=year, date=format_date(chosen), offices=escape(offices)
            )
        )

    # --- /progress --------------------------------------------------------------------------

    def progress(self, person_id: int) -> list[OutMessage]:
        supervised = self.supervised(person_id)
        if not supervised:
            return [OutMessage(text=texts.NOT_SUPERVISOR)]
        year = reporting_year(self.today())
        return [self._progress_of(org, year) for org in supervised]

    def _progress_of(self, parent: Organisation, year: int) -> OutMessage:
        members = self.store.children(parent.id)
        if not members:
            return OutMessage(text=texts.NO_MEMBER_OFFICES.format(organisation=escape(parent.name)))
        deadline, _ = deadline_for(self.store, members[0].id, year)
        lines = [
            texts.PROGRESS_TITLE.format(
                organisation=escape(parent.name),
                year=year,
                date=format_date(deadline),
                days=days_left(self.today(), deadline),
            )
        ]
        done = 0
        reviews = {
            m.organisation.id: m
            for m in self.store.review_overview(parent.id, year, datetime.now(UTC))
        }
        for org in members:
            stored = self.store.report(org.id, year, create=False)
            activity = self.store.last_activity(stored.id) if stored else None
            if stored is not None and stored.status is ReportStatus.FINAL:
                done += 1
                mark, state, errors = "✅", texts.PROGRESS_DONE, 0
            elif stored is None or activity is None:
                mark, state, errors = "⬜", texts.PROGRESS_NOT_STARTED, 0
            else:
                progress = report_completion(self.store, stored.id)
                errors = len(progress.errors)
                mark = "❌" if errors else "…"
                state = texts.PROGRESS_PERCENT.format(percent=progress.percent)
            lines.append(
                texts.PROGRESS_LINE.format(
                    mark=mark,
                    name=escape(org.short_name),
                    state=state,
                    errors=texts.PROGRESS_ERRORS.format(count=errors) if errors else "",
                    activity=_moment(activity, self.zone) if activity else texts.PROGRESS_NEVER,
                )
                + _review_state(reviews.get(org.id))
            )
        lines.append(
            texts.PROGRESS_SUMMARY.format(total=len(members), done=done, behind=len(members) - done)
        )
        buttons = (
            [[button(texts.BTN_REMIND_BEHIND, RemindBehind(parent.id))]]
            if done < len(members)
            else []
        )
        return OutMessage(text="\n".join(lines), buttons=buttons)

    def remind_behind(self, person_id: int, parent_id: int) -> list[OutMessage]:
        """The 提醒未完成的单位 button: a reminder to everyone filling in an unfinished report."""
        if parent_id not in {o.id for o in self.supervised(person_id)}:
            return [OutMessage(text=texts.NOT_SUPERVISOR)]
        parent = self.store.organisation(parent_id)
        today = self.today()
        year = reporting_year(today)
        out: list[OutMessage] = []
        offices: list[str] = []
        for org in self.store.children(parent_id):
            stored = self.store.report(org.id, year)
            assert stored is not None
            if stored.status is ReportStatus.FINAL or self.store.review(stored.id).status in LOCKED:
                continue  # finished, or waiting for the supervisor's own review
            deadline, _ = deadline_for(self.store, org.id, year)
            message = reminder_message(
                org.name, year, stored.id, deadline, today, report_completion(self.store, stored.id)
            )
            message = message.model_copy(
                update={
                    "text": texts.NUDGE_FROM.format(office=escape(parent.name))
                    + "\n"
                    + message.text
                }
            )
            reached = [
                p
                for p in fillers(self.store, org.id)
                if not self.store.reminders_muted(p, stored.id)
                and self.store.record_reminder(p, stored.id, today, NUDGE_KIND)
            ]
            if reached:
                offices.append(org.short_name)
            out.extend(message.model_copy(update={"to": p}) for p in reached)
        if not out:
            return [OutMessage(text=texts.REMINDED_NOBODY)]
        done = texts.REMINDED_BEHIND.format(people=len(out), offices=escape("、".join(offices)))
        return [OutMessage(text=done), *out]

    # --- /summary ---------------------------------------------------------------------------

    def summary(self, person_id: int, args: str) -> list[OutMessage]:
        supervised = self.supervised(person_id)
        if not supervised:
            return [OutMessage(text=texts.NOT_SUPERVISOR)]
        text = args.strip().removesuffix("年")
        if text and not (re.fullmatch(r"[0-9]{4}", text) and FIRST_YEAR <= int(text) <= 2100):
            return [OutMessage(text=texts.SUMMARY_BAD_YEAR)]
        year = int(text) if text else reporting_year(self.today())
        out: list[OutMessage] = []
        for parent in supervised:
            out.extend(self._summary_of(parent, year))
        return out

    def _summary_of(self, parent: Organisation, year: int) -> list[OutMessage]:
        children = self.store.children(parent.id)
        if not children:
            return [
                OutMessage(text=texts.NO_MEMBER_OFFICES.format(organisation=escape(parent.name)))
            ]
        members: list[tuple[str, Report | None]] = []
        final = 0
        for org in children:
            stored = self.store.report(org.id, year, create=False)
            report = self.store.load(stored.id) if stored else None
            members.append((org.short_name, report if report and report.figures else None))
            final += stored is not None and stored.status is ReportStatus.FINAL
        reported = [r for _, r in members if r is not None]
        if not reported:
            return [OutMessage(text=texts.SUMMARY_NO_DATA.format(year=year))]
        totals = add_up(parent.name, year, reported)
        lines = [
            texts.SUMMARY_TITLE.format(organisation=escape(parent.name), year=year),
            texts.SUMMARY_COVERAGE.format(total=len(children), reported=len(reported), final=final),
            "<pre>"
            + escape(
                "\n".join(
                    f"{pad(label, 14)} {_figure(totals.value(cell))}"
                    for cell, label in texts.MAIN_TOTALS
                )
            )
            + "</pre>",
        ]
        out = [OutMessage(text="\n".join(lines))]
        if self.write_summary is not None:
            for document in self.write_summary(parent.name, year, totals, members):
                out.append(OutMessage(text=escape(document.filename), document=document))
        return out

    # --- /last with a year or a keyword -----------------------------------------------------

    def last(self, org_id: int, year: int, args: str) -> list[OutMessage]:
        org = self.store.organisation(org_id)
        years = [y for y in self.store.years(org_id) if y <= year]
        reports = {
            y: r for y in years if (r := self.store.report_for_year(org_id, y)) and r.figures
        }
        query = args.strip().removesuffix("年")
        if re.fullmatch(r"[0-9]{4}", query):
            wanted = int(query)
            if wanted not in reports:
                known = "、".join(str(y) for y in sorted(reports)) or texts.PROGRESS_NEVER
                return [
                    OutMessage(
                        text=texts.LAST_NO_YEAR.format(
                            organisation=escape(org.name), year=wanted, years=known
                        )
                    )
                ]
            return [self._year(reports[wanted], org.name), self._trend(reports, texts.MAIN_TOTALS)]
        cells = keyword_cells(query)
        if not cells:
            return [OutMessage(text=texts.LAST_NO_MATCH.format(keyword=escape(query)))]
        if not reports:
            return [OutMessage(text=texts.LAST_NO_YEARS)]
        title = texts.LAST_KEYWORD_TITLE.format(
            organisation=escape(org.name), keyword=escape(query)
        )
        message = self._trend(reports, cells[:MAX_KEYWORD_CELLS], title, long_labels=True)
        if len(cells) > MAX_KEYWORD_CELLS:
            message.text += "\n" + texts.LAST_MORE.format(count=len(cells) - MAX_KEYWORD_CELLS)
        return [message]

    def _year(self, report: Report, organisation: str) -> OutMessage:
        return review_messages(report, "imported", {}, [], organisation)[0]

    def _trend(
        self,
        reports: dict[int, Report],
        cells: Sequence[tuple[str, str]],
        title: str = texts.LAST_TREND_TITLE,
        *,
        long_labels: bool = False,
    ) -> OutMessage:
        """Figures by year (the last five), "—" where a year's format lacks the cell. Long
        labels go on a line of their own above their figures, so a phone shows them whole."""
        years = sorted(reports)[-5:]
        indent = 2 if long_labels else 14
        lines = [f"{pad('', indent)} " + " ".join(f"{y:>6}" for y in years)]
        for cell, label in cells:
            values = []
            for y in years:
                report = reports[y]
                value = report.value(cell) if cell in report.format.cells_by_id else None
                values.append(f"{_figure(value):>6}")
            if long_labels:
                lines.extend((label, f"{pad('', indent)} " + " ".join(values)))
            else:
                lines.append(f"{pad(label, indent)} " + " ".join(values))
        return OutMessage(text=title + "\n<pre>" + escape("\n".join(lines)) + "</pre>")


def keyword_cells(keyword: str) -> list[tuple[str, str]]:
    """The cells (id, short label) of either format whose table, block, row or column matches
    ``keyword``; totals first. Ids shared by both formats appear once."""
    keyword = "".join(keyword.split())
    if not keyword:
        return []
    found: dict[str, str] = {}
    for fmt in (CURRENT, LEGACY):
        for table in fmt.tables:
            for cell in table.cells:
                haystack = " ".join(
                    (
                        table.title,
                        cell.block.title or "",
                        cell.row.full_label,
                        cell.block.group_label(cell.column.id),
                        cell.column.label,
                    )
                ).replace("\n", "")
                if keyword in haystack and cell.id not in found:
                    found[cell.id] = cell.label
    return sorted(found.items(), key=lambda item: not item[0].endswith("total"))


def _review_state(member: MemberReview | None) -> str:
    """``；待审核3天``: the member's review status and how long it has been in it."""
    if member is None:
        return ""
    status = member.status.label
    if member.waited is not None:
        days = member.waited.days
        status = (
            texts.PROGRESS_WAITED.format(status=status, days=days)
            if days
            else texts.PROGRESS_WAITED_TODAY.format(status=status)
        )
    if member.open_comments:
        status += texts.PROGRESS_OPEN_COMMENTS.format(count=member.open_comments)
    return texts.PROGRESS_REVIEW.format(status=status)


def _figure(value: Decimal | None) -> str:
    return texts.NOT_AVAILABLE if value is None else figures([value])


def _moment(at: datetime, zone: tzinfo) -> str:
    local = at.astimezone(zone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
