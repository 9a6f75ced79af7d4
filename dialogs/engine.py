"""The conversation engine: storage in, one event, storage out, messages back.

Each call loads the person's state and a snapshot of their report, runs the pure step function
(``dialogs.machine``), and writes the answers and the new state in ONE transaction, committed
before the messages are returned: a reply is never sent for an answer that is not on disk, and a
redelivered Telegram update (same ``update_id``) is never applied twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from dialogs import texts
from dialogs.deadlines import reporting_year
from dialogs.machine import Context, Outcome, ReadDocx, RenderDocx, stale_write, step
from dialogs.model import (
    AcceptWarning,
    Button,
    ButtonPress,
    Command,
    ConversationState,
    Event,
    Mode,
    OutMessage,
    SaveImported,
    SetStatus,
    WriteFigures,
    WriteText,
    builds_document,
)
from dialogs.office import Office, WriteSummary
from dialogs.reminders import FILLING_ROLES
from report.formats import FIRST_YEAR
from report.values import Report
from storage import NotFound, ReportStatus, StaleWrite, Store

__all__ = ["FILLING_ROLES", "Engine", "reporting_year"]


class Engine:
    """Runs the conversation for every person against one ``Store``."""

    def __init__(
        self,
        store: Store,
        *,
        render_docx: RenderDocx | None = None,
        read_docx: ReadDocx | None = None,
        today: Callable[[], date] | None = None,
        write_summary: WriteSummary | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.render_docx = render_docx
        self.read_docx = read_docx
        self.today = today or (lambda: datetime.now(UTC).date())
        self.office = Office(store, self.today, write_summary, zone)

    def handle(
        self, person_id: int, event: Event, *, update_id: int | None = None
    ) -> list[OutMessage]:
        """Apply one event from one person; returns the messages to send, after committing."""
        source = f"update:{update_id}" if update_id is not None else "console"
        try:
            with self.store.transaction():
                if (
                    update_id is not None
                    and not self.store.claim_update(update_id)
                    and not builds_document(event)
                ):
                    # Redelivered after a crash: the answer is already stored; show where we
                    # are. A document is made again: that changes nothing stored, and the
                    # crash may have come before it was sent.
                    event = Command(name="fill")
                state = self._load_state(person_id)
                messages, event = self._office(person_id, state, event)
                if messages is None:
                    messages, event = self._select_report(person_id, state, event)
                if messages is None:
                    messages = self._last(state, event)
                if messages is not None:
                    self.store.save_conversation(person_id, state.model_dump_json())
                    return messages
                context = self._context(state)
                outcome = step(state, event, context)
                self._apply(outcome, state.report_id, person_id, source)  # type: ignore[arg-type]
                self.store.save_conversation(person_id, outcome.state.model_dump_json())
                return outcome.messages
        except StaleWrite as clash:
            with self.store.transaction():
                # The rollback undid the claim too: claim again, so that a redelivery of this
                # update is not applied over the colleague's newer figures.
                if update_id is not None:
                    self.store.claim_update(update_id)
                state = self._load_state(person_id)
                context = self._context(state)
                who = self.store.person(clash.person_id) if clash.person_id else None
                outcome = stale_write(state, context, who.display_name if who else None)
                self.store.save_conversation(person_id, outcome.state.model_dump_json())
                return outcome.messages

    # --- office commands and reminder buttons ---------------------------------------------------

    def _office(
        self, person_id: int, state: ConversationState, event: Event
    ) -> tuple[list[OutMessage] | None, Event]:
        """Commands that need no report of one's own, and the buttons of reminders.

        Returns the messages (None: go on with the conversation) and the event to go on with.
        """
        if isinstance(event, Command):
            if event.name == "deadline":
                return self.office.deadline(person_id, event.args), event
            if event.name == "progress":
                return self.office.progress(person_id), event
            if event.name == "summary":
                return self.office.summary(person_id, event.args), event
            if (
                event.name == "help"
                and self.office.fills(person_id)
                and (supervisor := self.office.supervisor_help(person_id))
            ):
                return [OutMessage(text=texts.MENU), *supervisor], event
            # A supervisor who fills in no report: their own menu instead of "join an office".
            if not self.office.fills(person_id) and (
                menu := self.office.supervisor_help(
                    person_id, asked_to_fill=event.name not in ("help", "start", "cancel")
                )
            ):
                return menu, event
            return None, event
        if (
            event == ButtonPress(data="f")
            and not self.office.fills(person_id)
            and (menu := self.office.supervisor_help(person_id, asked_to_fill=True))
        ):
            return menu, event
        if not isinstance(event, ButtonPress):
            return None, event
        head, _, rest = event.data.partition(".")
        if head not in ("p", "r", "q", "u"):
            return None, event
        if not re.fullmatch(r"[0-9]{1,9}", rest):
            return [OutMessage(text=texts.UNKNOWN_BUTTON)], event
        if head == "p":
            return self.office.remind_behind(person_id, int(rest)), event
        try:
            stored = self.store.report_by_id(int(rest))
        except NotFound:
            return [OutMessage(text=texts.UNKNOWN_BUTTON)], event
        if self.store.role_in(person_id, stored.organisation_id) not in FILLING_ROLES:
            return [OutMessage(text=texts.UNKNOWN_BUTTON)], event
        if head == "r":
            self._open(state, stored.organisation_id, stored.year)
            return None, Command(name="gap")
        self.store.mute_reminders(person_id, stored.id, muted=head == "q")
        if head == "q":
            button = Button(label=texts.BTN_UNMUTE, data=f"u.{stored.id}")
            return [
                OutMessage(text=texts.MUTED.format(year=stored.year), buttons=[[button]])
            ], event
        return [OutMessage(text=texts.UNMUTED.format(year=stored.year))], event

    def _last(self, state: ConversationState, event: Event) -> list[OutMessage] | None:
        """``/last 2023`` and ``/last 行政复议`` (a plain /last stays in the conversation)."""
        if not isinstance(event, Command) or event.name != "last" or not event.args.strip():
            return None
        assert state.report_id is not None
        stored = self.store.report_by_id(state.report_id)
        return self.office.last(stored.organisation_id, stored.year, event.args)

    # --- state and report selection -------------------------------------------------------------

    def _load_state(self, person_id: int) -> ConversationState:
        raw = self.store.load_conversation(person_id)
        if raw:
            try:
                return ConversationState.model_validate_json(raw)
            except ValueError:
                pass  # a state from an incompatible version: start over at the menu
        return ConversationState()

    def _select_report(
        self, person_id: int, state: ConversationState, event: Event
    ) -> tuple[list[OutMessage] | None, Event]:
        """Make sure the state points at a report this person may fill in.

        Returns messages when the person has to do something first (join, choose), else None;
        and the event to go on with (choosing an organisation goes on as /fill).
        """
        if isinstance(event, ButtonPress) and event.data.startswith("o."):
            org_id = int(event.data[2:]) if re.fullmatch(r"[0-9]{1,9}", event.data[2:]) else -1
            if self.store.role_in(person_id, org_id) not in FILLING_ROLES:
                return [OutMessage(text=texts.UNKNOWN_BUTTON)], event
            self._open(state, org_id, reporting_year(self.today()))
            return None, Command(name="fill")
        last_year = self.today().year
        wanted_year = _year_argument(event, last_year)
        if wanted_year == -1:
            return [OutMessage(text=texts.BAD_YEAR.format(last=last_year))], event
        switching = isinstance(event, Command) and event.name == "switch"
        current = (
            self.store.report_by_id(state.report_id) if state.report_id and not switching else None
        )
        if (
            current is not None
            and self.store.role_in(person_id, current.organisation_id) not in FILLING_ROLES
        ):
            current = None
            state.report_id = None
        if current is not None and wanted_year in (None, current.year):
            return None, event
        orgs = [
            m.organisation_id for m in self.store.memberships(person_id) if m.role in FILLING_ROLES
        ]
        if current is not None:
            orgs = [current.organisation_id]
        if not orgs:
            return [OutMessage(text=texts.NO_ORGANISATION)], event
        if len(orgs) > 1:
            buttons = [[Button(label=self.store.organisation(o).name, data=f"o.{o}")] for o in orgs]
            state.mode = Mode.CHOOSE_ORG
            return [OutMessage(text=texts.CHOOSE_ORGANISATION, buttons=buttons)], event
        if switching:
            return [OutMessage(text=texts.ONLY_ONE_ORGANISATION)], event
        self._open(state, orgs[0], wanted_year or reporting_year(self.today()))
        return None, event

    def _open(self, state: ConversationState, org_id: int, year: int) -> None:
        stored = self.store.report(org_id, year)
        assert stored is not None
        if state.report_id != stored.id:
            state.report_id = stored.id
            state.cursor = 0
            state.mode = Mode.IDLE
            state.gates = {}
            state.seq += 1

    def _context(self, state: ConversationState) -> Context:
        assert state.report_id is not None
        stored = self.store.report_by_id(state.report_id)
        report = self.store.load(stored.id)
        organisation = self.store.organisation(stored.organisation_id)
        targets = [*report.format.cells_by_id, *(f"text:{p.id}" for p in report.format.parts)]
        return Context(
            report=report,
            status=str(stored.status),
            organisation=organisation.name,
            short_name=organisation.short_name,
            previous=self.store.previous_report(stored.organisation_id, stored.year),
            accepted=self.store.accepted_warnings(stored.id),
            versions=self.store.cell_versions(stored.id, targets),
            render_docx=self.render_docx,
            read_docx=self.read_docx,
        )

    def _apply(self, outcome: Outcome, report_id: int, person_id: int, source: str) -> None:
        for effect in outcome.effects:
            if isinstance(effect, WriteFigures):
                figures: dict[str, Decimal | None] = dict(effect.figures)
                self.store.write_figures(
                    report_id, figures, person_id=person_id, source=source, expected=effect.expected
                )
            elif isinstance(effect, WriteText):
                self.store.write_text(
                    report_id,
                    effect.part_id,
                    effect.text,
                    person_id=person_id,
                    source=source,
                    expected=effect.expected,
                )
            elif isinstance(effect, AcceptWarning):
                self.store.accept_warning(report_id, effect.key, effect.reason, person_id=person_id)
            elif isinstance(effect, SetStatus):
                self.store.set_status(report_id, ReportStatus(effect.status), person_id=person_id)
            elif isinstance(effect, SaveImported):
                stored = self.store.report_by_id(report_id)
                imported = Report.from_json(effect.report_json)
                self.store.save_imported(
                    stored.organisation_id,
                    effect.year,
                    imported,
                    person_id=person_id,
                    source=source,
                )


def _year_argument(event: Event, last_year: int) -> int | None:
    """The year asked for by ``/fill 2025`` (None: none given; -1: not a valid year)."""
    if not isinstance(event, Command) or event.name != "fill" or not event.args.strip():
        return None
    text = event.args.strip().removesuffix("年")
    if re.fullmatch(r"[0-9]{4}", text) and FIRST_YEAR <= int(text) <= last_year:
        return int(text)
    return -1
