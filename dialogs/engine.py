"""The conversation engine: storage in, one event, storage out, messages back.

Each call loads the person's state and a snapshot of their report, runs the pure step function
(``dialogs.machine``), and writes the answers and the new state in ONE transaction, committed
before the messages are returned: a reply is never sent for an answer that is not on disk, and a
redelivered Telegram update (same ``update_id``) is never applied twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Protocol

from dialogs import buttons, texts
from dialogs.buttons import (
    ChooseOrganisation,
    Fill,
    MuteReminders,
    OpenReport,
    RemindBehind,
    WithdrawReview,
)
from dialogs.deadlines import DEFAULT_ZONE, reporting_year
from dialogs.errors import colleague, describe
from dialogs.machine import (
    Context,
    Outcome,
    describe_event,
    stale_write,
    step,
)
from dialogs.model import (
    AcceptWarning,
    ButtonPress,
    Command,
    ConversationState,
    Event,
    FileInput,
    ImportProblem,
    LedgerRead,
    Mode,
    OutMessage,
    RememberLedgerWording,
    RenderReport,
    SaveImported,
    SetStatus,
    TextInput,
    UploadRead,
    WriteFigures,
    WriteLedgerCounts,
    WriteText,
    builds_document,
    button,
    is_report_file,
)
from dialogs.office import Office, WriteSummary
from dialogs.reminders import FILLING_ROLES
from dialogs.review_flow import RenderDocx, ReviewFlow, is_review_action
from report.formats import FIRST_YEAR
from report.ledger import Ledger
from report.values import Report
from storage import NotFound, ReportLocked, ReportStatus, StaleWrite, Store, update_source

__all__ = [
    "FILLING_ROLES",
    "LEDGER_SUFFIXES",
    "DocumentError",
    "Engine",
    "NotALedger",
    "ReadDocx",
    "ReadLedger",
    "RenderDocx",
    "UnreadableWord",
    "reporting_year",
]


class ReadProblem(Protocol):
    where: str
    message: str


class ReadOutcome(Protocol):
    report: Report
    problems: list[ReadProblem]
    #: The year the document's title names (None: no title was found).
    year: int | None
    #: The organisation the title names (None: no title).
    organisation: str | None


class DocumentError(Exception):
    """Raised by a document reader for a file it refuses; ``message`` is for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotALedger(DocumentError):
    """Raised by the ledger reader for a .docx without a ledger header (not meant as one)."""


class UnreadableWord(NotALedger):
    """Raised by the ledger reader for a .docx it cannot open at all (over a limit, damaged):
    it may be a report or a ledger, so the report reader is asked too, and when both refuse
    in different words the clerk reads both."""


ReadDocx = Callable[[bytes], ReadOutcome]
#: Reads an uploaded ledger (its bytes and file name); raises DocumentError (or NotALedger).
ReadLedger = Callable[[bytes, str], Ledger]

#: Uploads always taken for an application ledger (a .docx may be a report or a ledger).
LEDGER_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".csv")

logger = logging.getLogger(__name__)


class Engine:
    """Runs the conversation for every person against one ``Store``."""

    def __init__(
        self,
        store: Store,
        *,
        render_docx: RenderDocx | None = None,
        read_docx: ReadDocx | None = None,
        read_ledger: ReadLedger | None = None,
        today: Callable[[], date] | None = None,
        write_summary: WriteSummary | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.render_docx = render_docx
        self.read_docx = read_docx
        self.read_ledger = read_ledger
        self.today = today or (lambda: datetime.now(UTC).date())
        #: The zone times are shown in (``NIANBAO_TZ``).
        self.zone = zone or DEFAULT_ZONE
        self.office = Office(store, self.today, write_summary, self.zone)
        self.review = ReviewFlow(store, render_docx, self.today, self._open, self.zone)

    def handle(
        self, person_id: int, event: Event, *, update_id: int | None = None, bot_id: int = 0
    ) -> list[OutMessage]:
        """Apply one event from one person; returns the messages to send, after committing.

        ``update_id`` is counted per bot (``bot_id``): it makes a redelivery harmless."""
        source = update_source(bot_id, update_id) if update_id is not None else "console"
        if isinstance(event, FileInput):
            event = self._read(event)  # before the transaction: reading touches no storage
        try:
            with self.store.transaction():
                if (
                    update_id is not None
                    and not self.store.claim_update(update_id, bot_id)
                    and not builds_document(event)
                ):
                    # Redelivered after a crash: the answer is already stored; show where we
                    # are. A document is made again: that changes nothing stored, and the
                    # crash may have come before it was sent.
                    event = Command(name="fill")
                state = self._load_state(person_id)
                messages, event = self._route(person_id, state, event)
                if messages is not None:
                    self.store.save_conversation(person_id, state.model_dump_json())
                    return messages
                context = self._context(state)
                outcome = step(state, event, context)
                self._apply(outcome, state.report_id, person_id, source)  # type: ignore[arg-type]
                self._render(outcome, context)
                self.store.save_conversation(person_id, outcome.state.model_dump_json())
                return outcome.messages
        except StaleWrite as clash:
            with self.store.transaction():
                # The rollback undid the claim too: claim again, so that a redelivery of this
                # update is not applied over the colleague's newer figures.
                if update_id is not None:
                    self.store.claim_update(update_id, bot_id)
                state = self._load_state(person_id)
                context = self._context(state)
                who = colleague(self.store, clash.person_id)
                outcome = stale_write(state, context, who)
                self.store.save_conversation(person_id, outcome.state.model_dump_json())
                return outcome.messages
        except ReportLocked as locked:
            # Handed in for review or approved: nothing was written; say so plainly.
            with self.store.transaction():
                if update_id is not None:
                    self.store.claim_update(update_id, bot_id)
                state = self._load_state(person_id)
                return [locked_message(locked, state.report_id)]

    def once(
        self, update_id: int | None, action: Callable[[], list[OutMessage]], bot_id: int = 0
    ) -> list[OutMessage]:
        """Run an action outside the conversation (joining by invite, creating an office) in one
        transaction, once per Telegram update: a redelivered update gets no reply at all."""
        with self.store.transaction():
            if update_id is not None and not self.store.claim_update(update_id, bot_id):
                return []
            return action()

    # --- the engine's part of the transition table ------------------------------------------

    def _route(
        self, person_id: int, state: ConversationState, event: Event
    ) -> tuple[list[OutMessage] | None, Event]:
        """What is answered before the report's step (``machine._Turn.handle`` has the rest):
        commands that need no report of one's own, the buttons of reminders and of choosing an
        office, and making sure the state points at a report this person may fill in.

        Returns the messages (None: on to the step) and the event to go on with.
        """
        press = buttons.decode(event.data) if isinstance(event, ButtonPress) else None
        match event, press:
            case Command(name="deadline", args=args), _:
                return self.office.deadline(person_id, args), event
            case Command(name="progress"), _:
                return self.office.progress(person_id), event
            case Command(name="summary", args=args), _:
                return self.office.summary(person_id, args), event
            case Command(name="help"), _ if self.office.fills(person_id) and (
                supervisor := self.office.supervisor_help(person_id)
            ):
                return [OutMessage(text=texts.MENU), *supervisor], event
            # A supervisor who fills in no report: their own menu instead of "join an office".
            case Command(name=name), _ if not self.office.fills(person_id) and (
                menu := self.office.supervisor_help(
                    person_id, asked_to_fill=name not in ("help", "start", "cancel")
                )
            ):
                return menu, event
            case _, Fill() if not self.office.fills(person_id) and (
                menu := self.office.supervisor_help(person_id, asked_to_fill=True)
            ):
                return menu, event
            case _, RemindBehind(parent_id=parent_id):
                return self.office.remind_behind(person_id, parent_id), event
            case _, OpenReport() | MuteReminders():
                return self._reminder_button(person_id, state, event, press)
            # -- review and sign-off (dialogs.review_flow) --
            case _, action if is_review_action(action):
                return self.review.press(person_id, state, action)  # type: ignore[arg-type]
            case TextInput(text=text), _ if self.review.awaits_comment(state):
                return self.review.comment_text(state, text), event
            case TextInput(), _ if state.return_draft is not None:
                return self.review.pick_first(state), event
            # --
            case _, ChooseOrganisation(organisation_id=org_id):
                if self.store.role_in(person_id, org_id) not in FILLING_ROLES:
                    return [self._unexpected(person_id, state, event)], event
                self._open(state, org_id, reporting_year(self.today()))
                return None, Command(name="fill")
        messages, event = self._select_report(person_id, state, event)
        if messages is None:
            messages = self._last(state, event)
        return messages, event

    def _reminder_button(
        self,
        person_id: int,
        state: ConversationState,
        event: Event,
        press: OpenReport | MuteReminders,
    ) -> tuple[list[OutMessage] | None, Event]:
        """A reminder's 继续填写 (on as /gap), 暂停提醒 and 恢复提醒."""
        try:
            stored = self.store.report_by_id(press.report_id)
        except NotFound:
            return [self._unexpected(person_id, state, event)], event
        if self.store.role_in(person_id, stored.organisation_id) not in FILLING_ROLES:
            return [self._unexpected(person_id, state, event)], event
        if isinstance(press, OpenReport):
            self._open(state, stored.organisation_id, stored.year)
            return None, Command(name="gap")
        self.store.mute_reminders(person_id, stored.id, muted=press.muted)
        if press.muted:
            unmute = button(texts.BTN_UNMUTE, MuteReminders(stored.id, muted=False))
            text = texts.MUTED.format(year=stored.year)
            return [OutMessage(text=text, buttons=[[unmute]])], event
        return [OutMessage(text=texts.UNMUTED.format(year=stored.year))], event

    @staticmethod
    def _unexpected(person_id: int, state: ConversationState, event: Event) -> OutMessage:
        """A button this person may not press (another office's, or forged): log it with the
        state it arrived in, and say the button is no longer valid."""
        logger.info(
            "person %d: unexpected %s in mode %s", person_id, describe_event(event), state.mode
        )
        return OutMessage(text=texts.UNKNOWN_BUTTON)

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
            choices = [
                [button(self.store.organisation(o).name, ChooseOrganisation(o))] for o in orgs
            ]
            # Not on a question while choosing: typed text must not answer the old report's.
            state.mode = Mode.IDLE
            return [OutMessage(text=texts.CHOOSE_ORGANISATION, buttons=choices)], event
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
        reviewed = bool(self.store.supervisors_of(stored.organisation_id))
        review = self.store.review(stored.id) if reviewed else None
        return Context(
            report_id=stored.id,
            review=review.status.value if review else None,
            review_since=review.since if review else None,
            zone=self.zone,
            open_comments=tuple(c.place.key for c in self.store.comments(stored.id, open_only=True))
            if reviewed
            else (),
            report=report,
            status=str(stored.status),
            organisation=organisation.name,
            short_name=organisation.short_name,
            previous=self.store.previous_report(stored.organisation_id, stored.year),
            accepted=self.store.accepted_warnings(stored.id),
            versions=self.store.cell_versions(stored.id, targets),
            can_render=self.render_docx is not None,
            ledger_wording=self.store.ledger_wording(stored.organisation_id),
            today=self.today(),
        )

    def _read(self, event: FileInput) -> UploadRead | LedgerRead:
        """An upload as the step takes it: the report or the ledger read from it, or why not.

        A spreadsheet or CSV is always a ledger. A .docx is tried by both readers: it is a
        ledger when one of its tables has a ledger header (申请人类型, 答复日期 …) and it is not a
        report, i.e. the report reader refuses it or finds no report title in it (a ledger's
        table of outcomes is otherwise half-read as a table 三); any other .docx is a report,
        or gets the report reader's refusal, as before ledgers were read.
        """
        name = event.name.lower()
        if name.endswith(LEDGER_SUFFIXES):
            return self._read_ledger(event) or LedgerRead(name=event.name)
        if not is_report_file(event.name) or self.read_docx is None:
            return UploadRead(name=event.name)
        # Only a Word file may be a ledger as well as a report.
        unreadable: str | None = None
        try:
            as_ledger = self._read_ledger(event) if name.endswith(".docx") else None
        except UnreadableWord as unopened:
            as_ledger, unreadable = None, unopened.message
        try:
            result = self.read_docx(event.data)
        except DocumentError as error:
            if as_ledger is not None:
                return as_ledger
            refusal = error.message
            if unreadable is not None and unreadable != refusal:
                refusal = texts.REFUSED_AS_REPORT_AND_LEDGER.format(
                    report=refusal, ledger=unreadable
                )
            return UploadRead(name=event.name, refusal=refusal)
        if as_ledger is not None and result.year is None:
            return as_ledger
        return UploadRead(
            name=event.name,
            report_json=result.report.to_json(),
            problems=[ImportProblem(where=p.where, message=p.message) for p in result.problems],
            organisation=result.organisation,
        )

    def _read_ledger(self, event: FileInput) -> LedgerRead | None:
        """The upload read as a ledger, or the reader's refusal; None when there is no ledger
        reader, or the file (a .docx) has no ledger header; raises UnreadableWord for a .docx
        the ledger reader cannot open."""
        if self.read_ledger is None:
            return None
        try:
            ledger = self.read_ledger(event.data, event.name)
        except UnreadableWord:
            raise
        except NotALedger:
            return None
        except DocumentError as error:
            return LedgerRead(name=event.name, refusal=error.message)
        return LedgerRead(name=event.name, ledger_json=ledger.to_json())

    def _render(self, outcome: Outcome, context: Context) -> None:
        """Build the documents the step asked for into the messages that carry them."""
        for effect in outcome.effects:
            if isinstance(effect, RenderReport):
                assert self.render_docx is not None  # the step asks only when it can
                message = outcome.messages[effect.message]
                assert message.document is not None
                evidence = (
                    self.store.review_evidence(context.report_id) if effect.appendix else None
                )
                data = self.render_docx(context.report, effect.draft, effect.issued, evidence)
                message.document = message.document.model_copy(update={"data": data})

    def _apply(self, outcome: Outcome, report_id: int, person_id: int, source: str) -> None:
        for effect in outcome.effects:
            if isinstance(effect, WriteFigures):
                figures: dict[str, Decimal | None] = dict(effect.figures)
                self.store.write_figures(
                    report_id,
                    figures,
                    person_id=person_id,
                    source=effect.source or source,
                    expected=effect.expected,
                )
            elif isinstance(effect, WriteText):
                self.store.write_text(
                    report_id,
                    effect.part_id,
                    effect.text,
                    person_id=person_id,
                    source=effect.source or source,
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
            elif isinstance(effect, RememberLedgerWording):
                stored = self.store.report_by_id(report_id)
                self.store.remember_ledger_wording(
                    stored.organisation_id,
                    effect.kind,
                    effect.key,
                    effect.target,
                    person_id=person_id,
                )
            elif isinstance(effect, WriteLedgerCounts):
                self.store.write_ledger_counts(
                    report_id,
                    effect.counting,
                    person_id=person_id,
                    file_name=effect.file_name,
                    expected=effect.expected,
                )


def locked_message(locked: ReportLocked, report_id: int | None) -> OutMessage:
    """A typed answer to a report handed in for review or approved: why nothing was saved."""
    buttons = []
    if locked.status == "submitted" and report_id is not None:
        buttons = [[button(texts.BTN_WITHDRAW, WithdrawReview(report_id))]]
    return OutMessage(text=texts.LOCKED_NOT_SAVED + describe(locked), buttons=buttons)


def _year_argument(event: Event, last_year: int) -> int | None:
    """The year asked for by ``/fill 2025`` (None: none given; -1: not a valid year)."""
    if not isinstance(event, Command) or event.name != "fill" or not event.args.strip():
        return None
    text = event.args.strip().removesuffix("年")
    if re.fullmatch(r"[0-9]{4}", text) and FIRST_YEAR <= int(text) <= last_year:
        return int(text)
    return -1
