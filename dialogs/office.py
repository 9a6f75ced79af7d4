"""Commands beyond filling in: /deadline, /progress, /summary, and /last with a keyword or year.

Called by the engine (so the console has them too). Every action checks the person's own
membership and role first: a typed or forged request never shows or changes another office's
data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from html import escape

from dialogs import texts
from dialogs.buttons import RemindBehind
from dialogs.deadlines import (
    DEFAULT_ZONE,
    days_left,
    parse_deadline,
    reporting_year,
    statutory_deadline,
)
from dialogs.model import Document, OutMessage, button
from dialogs.progress import add_up
from dialogs.reminders import (
    FILLING_ROLES,
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


@dataclass(frozen=True)
class SummaryMember:
    """A member office as the summary tables show it: short name, report (None: nothing
    entered), whether it is final, and how many errors its figures carry."""

    name: str
    report: Report | None
    final: bool
    errors: int


#: Writes the summary tables: (parent office, its short name, year, the totals, each member).
WriteSummary = Callable[[str, str, int, Report, Sequence[SummaryMember]], list[Document]]


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
        self.zone = zone or DEFAULT_ZONE

    def supervised(self, person_id: int) -> list[Organisation]:
        """The organisations the person is directly a supervisor of."""
        return [
            self.store.organisation(m.organisation_id)
            for m in self.store.memberships(person_id)
            if m.role is Role.SUPERVISOR
        ]

    # --- roles: help and menus -------------------------------------------------------------

    def fills(self, person_id: int) -> bool:
        """Whether the person fills in some report (clerk or admin of an office)."""
        return any(m.role in FILLING_ROLES for m in self.store.memberships(person_id))

    def supervisor_help(self, person_id: int, *, asked_to_fill: bool = False) -> list[OutMessage]:
        """What a supervisor can do (empty for somebody who supervises nothing)."""
        supervised = self.supervised(person_id)
        if not supervised:
            return []
        offices = escape("、".join(o.name for o in supervised))
        lines = [texts.SUPERVISOR_NO_REPORT.format(offices=offices)] if asked_to_fill else []
        lines.append(texts.SUPERVISOR_MENU.format(offices=offices))
        return [OutMessage(text="\n".join(lines))]

    def commands_for(self, person_id: int) -> list[tuple[str, str]]:
        """The command menu of the person's chat: a clerk's, a supervisor's, or both."""
        supervises = bool(self.supervised(person_id))
        commands = list(texts.COMMANDS) if self.fills(person_id) or not supervises else []
        if supervises:
            known = {name for name, _ in commands}
            commands.extend(c for c in texts.SUPERVISOR_COMMANDS if c[0] not in known)
        return commands

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
            return self._set_deadline(person_id, supervised, year, args)
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
            statutory = statutory_deadline(year)
            lines.append(
                texts.DEADLINE_SHOW.format(
                    organisation=escape(org.name),
                    year=year,
                    date=format_date(deadline),
                    basis=texts.DEADLINE_INTERNAL.format(office=escape(office.name))
                    if office
                    else texts.DEADLINE_STATUTORY,
                    left=_left(left)
                    + (
                        texts.DEADLINE_STILL_DUE.format(date=format_date(statutory))
                        if left < 0 and deadline < statutory
                        else ""
                    ),
                )
            )
        return [OutMessage(text="\n".join(lines) or texts.NO_ORGANISATION)]

    def _set_deadline(
        self, person_id: int, supervised: list[Organisation], year: int, args: str
    ) -> list[OutMessage]:
        statutory = statutory_deadline(year)
        clear = args in texts.DEADLINE_CLEAR_WORDS
        chosen = None if clear else parse_deadline(args, year)
        if not clear:
            if chosen is None:
                return [OutMessage(text=texts.DEADLINE_BAD_DATE)]
            if not self.today() < chosen <= statutory:
                return [
                    OutMessage(
                        text=texts.DEADLINE_OUT_OF_RANGE.format(statutory=format_date(statutory))
                    )
                ]
        below = {o.id: o for org in supervised for o in self.store.descendants(org.id)}
        before = {org_id: deadline_for(self.store, org_id, year)[0] for org_id in below}
        for org in supervised:
            self.store.set_internal_deadline(org.id, year, chosen, person_id=person_id)
        offices = escape("、".join(o.short_name for o in self._children_of(supervised)))
        notices = self._tell_clerks(below, before, year, supervised)
        told = len({m.to for m in notices})
        if clear:
            done = texts.DEADLINE_CLEARED.format(
                offices=offices, year=year, date=format_date(statutory)
            )
        else:
            assert chosen is not None
            done = texts.DEADLINE_SET_DONE.format(
                year=year, date=format_date(chosen), offices=offices
            )
        done += texts.DEADLINE_TOLD.format(people=told) if told else texts.DEADLINE_TOLD_NOBODY
        return [OutMessage(text=done), *notices]

    def _children_of(self, supervised: list[Organisation]) -> list[Organisation]:
        """The offices directly below the supervised ones."""
        return [child for org in supervised for child in self.store.children(org.id)]

    def _tell_clerks(
        self,
        below: dict[int, Organisation],
        before: dict[int, date],
        year: int,
        supervised: list[Organisation],
    ) -> list[OutMessage]:
        """A notice to everyone filling in an unfinished report whose deadline just changed."""
        today = self.today()
        setter = escape("、".join(o.name for o in supervised))
        notices: list[OutMessage] = []
        for org_id, org in below.items():
            deadline, office = deadline_for(self.store, org_id, year)
            if deadline == before[org_id]:
                continue
            stored = self.store.report(org_id, year, create=False)
            if stored is not None and stored.status is ReportStatus.FINAL:
                continue
            text = (
                texts.DEADLINE_NOTICE_SET if office is not None else texts.DEADLINE_NOTICE_CLEARED
            ).format(
                office=setter,
                organisation=escape(org.name),
                year=year,
                date=format_date(deadline),
                left=_left(days_left(today, deadline)),
            )
            notices.extend(OutMessage(text=text, to=p) for p in fillers(self.store, org_id))
        return notices

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
        today = self.today()
        deadline, _ = deadline_for(self.store, members[0].id, year)
        lines = [
            texts.PROGRESS_TITLE.format(
                organisation=escape(parent.name),
                year=year,
                date=format_date(deadline),
                left=_left(days_left(today, deadline)),
            )
        ]
        done = 0
        late: list[str] = []
        now = datetime.now(UTC)
        reviews = {m.organisation.id: m for m in self.store.review_overview(parent.id, year, now)}
        for org in members:
            stored = self.store.report(org.id, year, create=False)
            activity = self.store.last_activity(stored.id) if stored else None
            overdue = ""
            if stored is not None and stored.status is ReportStatus.FINAL:
                done += 1
                mark, state, errors = "✅", texts.PROGRESS_DONE, 0
            else:
                if stored is None or activity is None:
                    mark, state, errors = "⬜", texts.PROGRESS_NOT_STARTED, 0
                else:
                    progress = report_completion(self.store, stored.id)
                    errors = len(progress.errors)
                    mark = "❌" if errors else "…"
                    state = texts.PROGRESS_PERCENT.format(percent=progress.percent)
                own, _ = deadline_for(self.store, org.id, year)
                if (behind := -days_left(today, own)) > 0:
                    overdue = texts.PROGRESS_LATE.format(days=behind)
                    late.append(org.short_name)
            people = fillers(self.store, org.id)
            gone = [self._name(p) for p in people if p in self.store.unreachable(people)]
            lines.append(
                texts.PROGRESS_LINE.format(
                    mark=mark,
                    name=escape(org.short_name),
                    state=state,
                    errors=(texts.PROGRESS_ERRORS.format(count=errors) if errors else "") + overdue,
                    activity=_moment(activity, self.zone) if activity else texts.PROGRESS_NEVER,
                )
                + (texts.PROGRESS_UNREACHABLE.format(names=escape("、".join(gone))) if gone else "")
                + review_state(reviews.get(org.id), now, self.zone)
            )
        lines.append(
            texts.PROGRESS_SUMMARY.format(total=len(members), done=done, behind=len(members) - done)
        )
        if late:
            lines.append(
                texts.PROGRESS_LATE_OFFICES.format(count=len(late), offices=escape("、".join(late)))
            )
        buttons = (
            [[button(texts.BTN_REMIND_BEHIND, RemindBehind(parent.id))]]
            if done < len(members)
            else []
        )
        return OutMessage(text="\n".join(lines), buttons=buttons)

    def remind_behind(self, person_id: int, parent_id: int) -> list[OutMessage]:
        """The 提醒未完成的单位 button: a reminder to everyone filling in an unfinished report.

        A clerk's 不再提醒 mutes the routine reminders only; the supervisor's nudge still
        reaches them. Skipped, and said so: finished offices, people the bot cannot reach,
        people already nudged today. The messages to the clerks come first and the count last,
        so the adapter can add who turned out unreachable while sending."""
        if parent_id not in {o.id for o in self.supervised(person_id)}:
            return [OutMessage(text=texts.NOT_SUPERVISOR)]
        parent = self.store.organisation(parent_id)
        today = self.today()
        year = reporting_year(today)
        out: list[OutMessage] = []
        offices: list[str] = []
        skipped: dict[str, list[str]] = {
            key: [] for key in ("finished", "nobody", "unreachable", "today")
        }
        muted: list[str] = []
        for org in self.store.children(parent_id):
            stored = self.store.report(org.id, year)
            assert stored is not None
            if stored.status is ReportStatus.FINAL or self.store.review(stored.id).status in LOCKED:
                # Finished, or waiting for the supervisor's own review.
                skipped["finished"].append(org.short_name)
                continue
            people = fillers(self.store, org.id)
            if not people:
                skipped["nobody"].append(org.short_name)
                continue
            gone = self.store.unreachable(people)
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
            reached = []
            for p in people:
                who = texts.NUDGE_WHO.format(name=self._name(p), office=org.short_name)
                if p in gone:
                    skipped["unreachable"].append(who)
                elif not self.store.record_reminder(p, stored.id, today, NUDGE_KIND):
                    skipped["today"].append(who)
                else:
                    reached.append(p)
                    if self.store.reminders_muted(p, stored.id):
                        muted.append(who)
            if reached:
                offices.append(org.short_name)
            out.extend(message.model_copy(update={"to": p}) for p in reached)
        lines = [
            texts.REMINDED_BEHIND.format(people=len(out), offices=escape("、".join(offices)))
            if out
            else texts.REMINDED_NOBODY
        ]
        if muted:
            lines.append(
                texts.NUDGE_MUTED.format(count=len(muted), people=escape("、".join(muted)))
            )
        for key, template in texts.NUDGE_SKIPPED.items():
            if skipped[key]:
                lines.append(template.format(names=escape("、".join(skipped[key]))))
        return [*out, OutMessage(text="\n".join(lines))]

    def _name(self, person_id: int) -> str:
        person = self.store.person(person_id)
        return person.display_name if person else str(person_id)

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
        members: list[SummaryMember] = []
        for org in children:
            stored = self.store.report(org.id, year, create=False)
            report = self.store.load(stored.id) if stored else None
            if stored is None or report is None or not report.figures:
                members.append(SummaryMember(org.short_name, None, False, 0))
                continue
            final = stored.status is ReportStatus.FINAL
            errors = len(report_completion(self.store, stored.id).errors)
            members.append(SummaryMember(org.short_name, report, final, errors))
        reported = [m.report for m in members if m.report is not None]
        if not reported:
            return [OutMessage(text=texts.SUMMARY_NO_DATA.format(year=year))]
        final_count = sum(1 for m in members if m.report is not None and m.final)
        totals = add_up(parent.name, year, reported)
        lines = [
            texts.SUMMARY_TITLE.format(organisation=escape(parent.name), year=year),
            texts.SUMMARY_COVERAGE.format(
                total=len(children), reported=len(reported), final=final_count
            ),
        ]
        provisional = [
            texts.SUMMARY_PROVISIONAL_OFFICE.format(
                name=escape(m.name),
                state=texts.SUMMARY_ERRORS.format(count=m.errors)
                if m.errors
                else texts.SUMMARY_DRAFT,
            )
            for m in members
            if m.report is not None and (m.errors or not m.final)
        ]
        if provisional:
            lines.append(texts.SUMMARY_PROVISIONAL.format(offices="、".join(provisional)))
        empty = [escape(m.name) for m in members if m.report is None]
        if empty:
            lines.append(texts.SUMMARY_EMPTY.format(offices="、".join(empty)))
        lines.append(
            "<pre>"
            + escape(
                "\n".join(
                    f"{pad(label, 14)} {_figure(totals.value(cell))}"
                    for cell, label in texts.MAIN_TOTALS
                )
            )
            + "</pre>"
        )
        out = [OutMessage(text="\n".join(lines))]
        if self.write_summary is not None:
            for document in self.write_summary(
                parent.name, parent.short_name, year, totals, members
            ):
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
            stored = self.store.report(org_id, wanted, create=False)
            status = stored.status.value if stored else ReportStatus.IMPORTED.value
            return [
                self._year(reports[wanted], org.name, status),
                self._trend(reports, texts.MAIN_TOTALS),
            ]
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

    def _year(self, report: Report, organisation: str, status: str) -> OutMessage:
        """The year's figures, labelled by what the report is (草稿, 已生成正式文件, 已导入)."""
        return review_messages(report, status, {}, [], organisation)[0]

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


def review_state(member: MemberReview | None, now: datetime, zone: tzinfo) -> str:
    """``；待审核3天``: the member's review status and for how many days (by the calendar in
    ``zone``: handed in yesterday evening is one day, not today) it has been in it."""
    if member is None:
        return ""
    status = member.status.label
    if member.since is not None:
        days = (now.astimezone(zone).date() - member.since.astimezone(zone).date()).days
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


def _left(days: int) -> str:
    """``还有5天。``, ``今天截止。`` or ``已过期3天。``"""
    if days > 0:
        return texts.DEADLINE_LEFT.format(days=days)
    return texts.DEADLINE_TODAY if days == 0 else texts.DEADLINE_PASSED.format(days=-days)


def _moment(at: datetime, zone: tzinfo) -> str:
    local = at.astimezone(zone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
