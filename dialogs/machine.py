"""The conversation as a pure step function: (state, event, context) -> outcome.

The context is a snapshot of what storage holds (the report, last year's, accepted warnings,
cell versions); the outcome is the new state, the messages to send and the writes to make. The
engine (``dialogs.engine``) loads the snapshot, applies the writes and the state in one
transaction, and only then hands the messages back, so every accepted answer is on disk before
the clerk sees a reply.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from html import escape

from dialogs import buttons, imports, ledger_flow, phrasing, render, review_flow, rows, texts
from dialogs.buttons import (
    Action,
    Answer,
    AnswerAction,
    AppendPart,
    ConfirmDraft,
    ConfirmImport,
    ConfirmLedger,
    Contents,
    ExplainWarning,
    Export,
    Fill,
    Jump,
    LedgerChoice,
    LedgerSources,
    OpenSection,
    Review,
    RowList,
    SaveExit,
    SubmitReview,
    WithdrawReview,
)
from dialogs.deadlines import DEFAULT_ZONE
from dialogs.model import (
    AcceptWarning,
    Button,
    ButtonPress,
    Command,
    ConversationState,
    Document,
    Effect,
    Event,
    FileInput,
    LedgerRead,
    Mode,
    OutMessage,
    RenderReport,
    SaveImported,
    SetStatus,
    TextInput,
    UploadRead,
    WriteFigures,
    WriteText,
    button,
    is_report_file,
)
from dialogs.plan import (
    APPLICATIONS_GATE,
    GateQuestion,
    PartQuestion,
    Question,
    RowQuestion,
    index_of,
    is_answered,
    plan_for,
    section_questions,
)
from report import carry
from report.compare import compare_with_stored
from report.fixes import may_offer_balance
from report.layout import RowRole, Table
from report.parsing import FigureError, format_figure, is_only_figures, parse_row, row_total
from report.rules import Severity, Violation, balance_remainders, check, rules_for
from report.values import MAX_TEXT_CHARS, Report

logger = logging.getLogger(__name__)

#: Telegram splits a message longer than 4096 characters: a part's message this long stays on
#: the part, since the rest of it is on the way.
SPLIT_CHARS = 4000


@dataclass
class Context:
    """What storage holds for this turn (read-only for the machine)."""

    report: Report
    status: str
    organisation: str
    short_name: str
    previous: Report | None = None
    accepted: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    #: Whether the engine can render the report as a document (``RenderReport``).
    can_render: bool = False
    #: The office's answers to ledger questions: (kind, normalised wording) -> target id.
    ledger_wording: dict[tuple[str, str], str] = field(default_factory=dict)
    report_id: int = 0
    #: The review status (a ``report.review.ReviewStatus`` value) of an office with a
    #: supervisor; None: nobody reviews this office's report, it finishes as before.
    review: str | None = None
    review_since: datetime | None = None
    #: The zone review times are shown in (``NIANBAO_TZ``).
    zone: tzinfo = DEFAULT_ZONE
    #: The places (``report.review.Place`` keys) of the returned comments not yet answered.
    open_comments: tuple[str, ...] = ()
    #: The engine's today (None: deadlines and export notes are not dated).
    today: date | None = None


@dataclass
class Outcome:
    state: ConversationState
    messages: list[OutMessage]
    effects: list[Effect]


def step(state: ConversationState, event: Event, context: Context) -> Outcome:
    """Handle one event for one person."""
    turn = _Turn(state.model_copy(deep=True), context)
    turn.handle(event)
    return Outcome(turn.state, turn.messages, turn.effects)


def stale_write(state: ConversationState, context: Context, who: str | None) -> Outcome:
    """The answer clashed with a colleague's newer write: say so and ask again."""
    turn = _Turn(state.model_copy(deep=True), context)
    if turn.state.mode is Mode.LEDGER:  # the confirmed counts clashed: show them again
        ledger_flow.stale(turn, who or texts.SOMEONE)
        return Outcome(turn.state, turn.messages, turn.effects)
    question = turn.current()
    who_text = escape(who or texts.SOMEONE)
    if isinstance(question, RowQuestion):
        values = render.figures([context.report.figures.get(c) for c in question.cells])
        turn.say(texts.STALE_WRITE.format(who=who_text, values=values))
    else:
        turn.say(texts.STALE_TEXT.format(who=who_text))
    turn.ask(turn.state.cursor)
    return Outcome(turn.state, turn.messages, turn.effects)


def parse_date(text: str) -> date | None:
    """``2027-01-20``, ``2027/1/20`` or ``2027年1月20日`` (None when it is not a date)."""
    match = re.fullmatch(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?", text.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_event(event: Event) -> str:
    """An event for the log: its kind and button data, never what the clerk typed."""
    if isinstance(event, ButtonPress):
        return f"button {event.data[:64]!r}"
    if isinstance(event, Command):
        return f"command /{event.name}"
    return event.kind


class _Turn:
    def __init__(self, state: ConversationState, context: Context) -> None:
        self.state = state
        self.ctx = context
        self.report = context.report
        self.plan = plan_for(self.report.format)
        self.messages: list[OutMessage] = []
        self.effects: list[Effect] = []
        self.reopened = False
        #: The keys of the rows this turn entered (the error they bring up always offers them).
        self.just_entered: tuple[str, ...] = ()
        self.entered_cells: set[str] = set()
        #: The chat message being answered (remembered per row, so an edit can correct it).
        self.message_id: int | None = None
        #: Open errors the row being saved is part of (to say when the new figures clear them).
        self.errors_before: set[str] = set()
        #: The audit source of this turn's writes when not the update ("document").
        self.write_source: str | None = None

    # --- plumbing ---------------------------------------------------------------------------

    def say(self, text: str, buttons: list[list[Button]] | None = None) -> None:
        self.messages.append(OutMessage(text=text, buttons=buttons or []))

    def current(self) -> Question:
        return self.plan[min(self.state.cursor, len(self.plan) - 1)]

    def violations(self) -> list[Violation]:
        return [v for v in check(self.report, self.ctx.previous) if v.key not in self.ctx.accepted]

    def hints(self, just_entered: tuple[str, ...] = ()) -> render.FixHints:
        """What ranks the rows to re-enter: the rows just entered and lately, last year."""
        return render.FixHints(
            just_entered=just_entered,
            recent=tuple(self.state.recent_rows),
            previous=self.ctx.previous,
        )

    def write_figures(self, figures: dict[str, Decimal]) -> None:
        """Write what changed, guarded by the versions the clerk saw: those of the question when
        it was asked, else those of this turn's snapshot (0 for a cell nobody has written)."""
        changed = {c: v for c, v in figures.items() if self.report.figures.get(c) != v}
        if not changed:
            return
        expected = {
            c: self.state.base_versions.get(c, self.ctx.versions.get(c, 0)) for c in changed
        }
        written: dict[str, Decimal | None] = dict(changed)
        self.effects.append(
            WriteFigures(figures=written, expected=expected, source=self.write_source)
        )
        self.report = self.report.with_figures(changed)
        self._reopen()

    def write_text(self, part_id: str, text: str) -> None:
        if self.report.texts.get(part_id) == text:
            return  # storage does not write (or version) an unchanged text
        expected = self.state.base_versions.get(f"text:{part_id}")
        self.effects.append(
            WriteText(part_id=part_id, text=text, expected=expected, source=self.write_source)
        )
        self.report = self.report.model_copy(update={"texts": {**self.report.texts, part_id: text}})
        self.state.base_versions[f"text:{part_id}"] = (expected or 0) + 1
        self._reopen()

    def reopen(self) -> None:
        """A final report is changed: back to draft, and say so (once per turn)."""
        self._reopen()

    def _reopen(self) -> None:
        if self.ctx.status == "final" and not self.reopened:
            self.effects.append(SetStatus(status="draft"))
            self.say(texts.REOPENED)
            self.reopened = True

    # --- asking -----------------------------------------------------------------------------

    def ask(self, index: int, appending: bool = False) -> None:
        index = max(0, min(index, len(self.plan) - 1))
        question = self.plan[index]
        self.state.mode = Mode.ASKING
        self.state.cursor = index
        self.state.seq += 1
        self.state.part_started = False
        if isinstance(question, RowQuestion):
            self.state.base_versions = {c: self.ctx.versions.get(c, 0) for c in question.cells}
        elif isinstance(question, PartQuestion):
            key = f"text:{question.part.id}"
            self.state.base_versions = {key: self.ctx.versions.get(key, 0)}
        else:
            self.state.base_versions = {}
        legend = True
        if isinstance(question, RowQuestion) and render.has_legend(question):
            legend = question.table.id not in self.state.legend_shown
            if legend:
                self.state.legend_shown = [*self.state.legend_shown, question.table.id]
        self.messages.append(
            render.question_message(
                question, index, self.state.seq, self.report, self.ctx.previous, legend, appending
            )
        )

    def answered(self, index: int) -> bool:
        return is_answered(self.plan[index], self.report, self.state.gates)

    def next_unanswered(self, after: int) -> int | None:
        order = [*range(after + 1, len(self.plan)), *range(after + 1)]
        return next((i for i in order if not self.answered(i)), None)

    def advance(self) -> None:
        """Go on to the next unanswered question, or to the finish when there is none."""
        index = self.next_unanswered(self.state.cursor)
        if index is None:
            self.finish()
        else:
            self.ask(index)

    def continue_filling(self) -> None:
        if self.state.cursor < len(self.plan) and not self.answered(self.state.cursor):
            self.ask(self.state.cursor)
        else:
            self.advance()

    def finish(self) -> None:
        self.state.mode = Mode.IDLE
        self.state.seq += 1
        problems = self.violations()
        errors = [v for v in problems if v.severity is Severity.ERROR]
        buttons = [
            [button(texts.BTN_REVIEW, Review()), button(texts.BTN_EXPORT, Export())],
            [button(texts.BTN_CONTENTS, Contents())],
        ]
        self.say(texts.ALL_DONE, buttons)
        if errors:
            self.messages.append(render.violation_message(errors[0], self.report, self.hints()))
        elif self.ctx.review is not None:
            self.messages.append(self.review_note())

    # --- events -----------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        """The transition table: every (mode, input) pair and the handler it goes to.

        Commands mean the same in every mode; text and buttons depend on the mode; whatever
        is not listed is unexpected, and is logged with the mode it arrived in.
        """
        mode = self.state.mode
        what: Event | Action | None = (
            buttons.decode(event.data) if isinstance(event, ButtonPress) else event
        )
        match mode, what:
            # -- commands (any mode) --
            case _, Command(name="fill" | "start"):
                self.fill()
            case _, Command(name="gap"):
                self.fill_first_gap()
            case _, Command(name="review"):
                self.review()
            case _, Command(name="export", args=args):
                self.export_command(args)
            case _, Command(name="cancel"):
                self.save_exit()
            case _, Command(name="contents"):
                self.contents()
            case _, Command(name="last"):
                self.last_year()
            case _, Command(name="ledger", args=args):
                ledger_flow.sources_command(self, args)
            case _, Command():
                self.say(texts.MENU)
            # -- typed text --
            case _, TextInput(edited=True) as edit:
                self.edited_text(edit)
            case Mode.ASKING, TextInput(seq=int() as seq) if seq != self.state.seq:
                self.say(texts.STALE_TEXT_ANSWER)
                self.ask(self.state.cursor)
            case Mode.ASKING, TextInput(text=text, message_id=message_id):
                self.message_id = message_id
                self.answer_text(text)
            case Mode.REASON, TextInput(text=text):
                self.accept_reason(text)
            case Mode.LEDGER, TextInput():
                ledger_flow.remind(self)
            case Mode.CONFIRM_IMPORT, TextInput():
                self.say(texts.IMPORT_CONFIRM + "？", [self._import_buttons()])
            case Mode.CONFIRM_DRAFT, TextInput():
                self.say(texts.DRAFT_PENDING, [self._draft_buttons()])
            case _, TextInput(text=text, message_id=message_id):
                self.message_id = message_id
                self.idle_text(text)
            # -- uploads (any mode) --
            case _, UploadRead() as upload:
                self.upload(upload)
            case _, LedgerRead() as ledger:
                ledger_flow.received(self, ledger)
            case _, FileInput(name=name):  # not read by the engine: no reader at hand
                self.upload(UploadRead(name=name))
            # -- buttons --
            case Mode.ASKING, Answer(seq=seq, action=action) if seq == self.state.seq:
                self.answer_button(action)
            case Mode.ASKING, Answer():
                self.say(texts.STALE_BUTTON)
                self.ask(self.state.cursor)
            case _, Contents():
                self.contents()
            case _, SaveExit():
                self.save_exit()
            case _, Review():
                self.review()
            case _, Export(draft=draft):
                self.export(draft=draft)
            case _, Fill():
                self.fill()
            case _, OpenSection(number=number) if any(
                s.number == number for s in self.report.format.sections
            ):
                indexes = section_questions(self.report.format, number)
                self.ask(next((i for i in indexes if not self.answered(i)), indexes[0]))
            case _, Jump(index=index) if index < len(self.plan):
                self.ask(index)
            case _, RowList(page=page):
                self.messages.append(rows.row_list(self.report, page))
            case _, AppendPart(index=index) if index < len(self.plan) and isinstance(
                self.plan[index], PartQuestion
            ):
                self.append_part(index)
            case _, ExplainWarning(rule=rule):
                self.start_reason(rule)
            # -- the application ledger (dialogs.ledger_flow) --
            case _, LedgerChoice() as choice:
                ledger_flow.choose(self, choice)
            case _, ConfirmLedger(confirmed=confirmed):
                ledger_flow.confirm(self, confirmed)
            case _, LedgerSources(row=row):
                ledger_flow.sources(self, row)
            case Mode.CONFIRM_IMPORT, ConfirmImport(confirmed=confirmed) if (
                self.state.pending_import is not None
            ):
                self.confirm_import(confirmed)
            case Mode.CONFIRM_DRAFT, ConfirmDraft(confirmed=confirmed) if (
                self.state.pending_import is not None
            ):
                self.confirm_draft(confirmed)
            case _:
                self.unexpected(event)

    def unexpected(self, event: Event) -> None:
        """An input this state does not take (a forged or outdated button): say so, and log
        it with the state it arrived in."""
        logger.info(
            "unexpected %s in mode %s at question %d",
            describe_event(event),
            self.state.mode,
            self.state.cursor,
        )
        self.say(texts.UNKNOWN_BUTTON)

    def fill(self) -> None:
        fresh = not self.report.figures and not self.report.texts
        if fresh:
            # Narrative checks read the tables: a clerk may fill them first.
            tables = next(s for s in self.report.format.sections if s.table is not None)
            self.say(
                self._opening() + "\n" + texts.START_TABLES_FIRST,
                [[button(texts.BTN_TABLES_FIRST, OpenSection(tables.number))]],
            )
        else:
            self.say(self._opening())
        self.state.mode = Mode.ASKING
        self.continue_filling()

    def fill_first_gap(self) -> None:
        """From a reminder: straight to the first question not yet answered."""
        self.say(self._opening())
        first = next((i for i in range(len(self.plan)) if not self.answered(i)), None)
        if first is None:
            self.finish()
        else:
            self.ask(first)

    def export_command(self, args: str) -> None:
        words = args.split()
        draft = any(w in ("draft", "草稿", "征求意见稿") for w in words)
        appendix = any(w in texts.APPENDIX_WORDS for w in words)
        dates = [
            w for w in words if w not in ("draft", "草稿", "征求意见稿", *texts.APPENDIX_WORDS)
        ]
        issued = parse_date(dates[0]) if dates else None
        if dates and issued is None:
            self.say(texts.EXPORT_BAD_DATE)
            return
        self.export(draft=draft, issued=issued, appendix=appendix)

    def _opening(self) -> str:
        fmt = self.report.format
        timing = (
            "\n" + phrasing.timing_sentence(self.report.year, self.ctx.today)
            if self.ctx.today is not None
            else ""
        )
        if not self.report.figures and not self.report.texts:
            return (
                texts.START_REPORT.format(
                    organisation=escape(self.ctx.organisation),
                    year=self.report.year,
                    format=fmt.name,
                )
                + timing
            )
        return (
            texts.RESUME_REPORT.format(
                organisation=escape(self.ctx.organisation), year=self.report.year
            )
            + timing
        )

    def answer_text(self, text: str) -> None:
        question = self.current()
        # At a narrative part a sentence may start like a code (一、…，…): only a clean row
        # code with its figures is taken there, a doubtful one is the part's text.
        if self.coded_row(text, refuse=not isinstance(question, PartQuestion)):
            return
        if isinstance(question, RowQuestion) and text.strip() in texts.LEGEND_REQUESTS:
            self.state.legend_shown = [t for t in self.state.legend_shown if t != question.table.id]
            self.ask(self.state.cursor)
            return
        if isinstance(question, PartQuestion):
            self.part_text(question, text)
        elif isinstance(question, RowQuestion):
            self.row_text(question, text)
        else:
            self.ask(self.state.cursor)

    def coded_row(self, text: str, refuse: bool = True) -> bool:
        """A row code with its figures, typed at any question: that row is entered, then the
        question the clerk was on is asked again (or the next one, if it is answered)."""
        coded = rows.coded_answer(text, self.report)
        if coded is None:
            return False
        if isinstance(coded, FigureError):
            if not refuse:
                return False
            self.say(texts.ROW_REFUSED.format(reason=escape(coded.message)))
            return True
        self.state.mode = Mode.ASKING
        self.save_row(coded.question, coded.figures, resume=True)
        return True

    def edited_text(self, edit: TextInput) -> None:
        """An edited message: if it was the last answer to a row, the row takes the new
        figures (the rules run again); any other edit is explained, never applied."""
        key = next((k for k, v in self.state.answer_messages.items() if v == edit.message_id), None)
        if key is None:
            self.say(texts.EDITED_OTHER)
            return
        question = self.plan[index_of(self.report.format, key)]
        assert isinstance(question, RowQuestion)
        try:
            values = parse_row(
                edit.text, question.columns, row_total(question.columns, question.block.columns)
            )
        except FigureError as error:
            self.say(texts.EDITED_REFUSED.format(reason=escape(error.message)))
            return
        self.say(texts.EDITED_APPLIED)
        self.message_id = edit.message_id
        self.state.mode = Mode.ASKING
        self.save_row(question, dict(zip(question.cells, values, strict=True)), resume=True)

    def idle_text(self, text: str = "") -> None:
        if self.state.mode is Mode.IDLE and self.coded_row(text):
            return
        self.say(
            texts.IDLE_TEXT,
            [[button(texts.BTN_CONTINUE, Fill()), button(texts.BTN_REVIEW, Review())]],
        )

    def answer_button(self, action: AnswerAction) -> None:
        """A button of the question being asked; which ones a question shows is in render."""
        question = self.current()
        index = self.state.cursor
        match action, question:
            case AnswerAction.BACK, _:
                if index == 0:
                    self.say(texts.FIRST_QUESTION)
                self.ask(index - 1)
            case AnswerAction.SKIP, _:
                self.ask(index + 1) if index + 1 < len(self.plan) else self.advance()
            case AnswerAction.PART_DONE | AnswerAction.KEEP_TEXT, PartQuestion():
                self.part_done(question)
            case AnswerAction.TEXT_AS_IS, PartQuestion():
                self.part_as_is(question)
            case AnswerAction.LAST_YEAR_TEXT, PartQuestion():
                self.part_last_year(question)
            case AnswerAction.ROW_ZERO, RowQuestion():
                self.save_row(question, {c: Decimal(0) for c in question.cells})
            case AnswerAction.SAME_AS_LAST_YEAR, RowQuestion():
                self.row_same_as_last_year(question)
            case AnswerAction.REST_ZERO, RowQuestion():
                self.rest_zero(question)
            case AnswerAction.GROUP_ZERO, RowQuestion() if rows.has_group_rest(
                self.report, question
            ):
                self.group_zero(question)
            case AnswerAction.BALANCE, RowQuestion() if (
                question.row.role is RowRole.CARRIED_FORWARD
                and may_offer_balance(self.report, self.violations())
            ):
                self.row_balance(question)
            case AnswerAction.YES | AnswerAction.NO, GateQuestion():
                self.gate(question, action is AnswerAction.YES)
            case _:
                logger.info("answer %s does not fit question %d", action, index)
                self.say(texts.UNKNOWN_BUTTON)

    # --- narrative parts --------------------------------------------------------------------

    def part_text(self, question: PartQuestion, text: str) -> None:
        """The part's text: saved, then on to the next question with a 补充 button (a second
        message is not needed). Only a message as long as Telegram splits stays on the part,
        since its continuation is on the way; a message of figures alone is questioned."""
        part_id = question.part.id
        text = text.strip()
        if not self.state.part_started and is_only_figures(text):
            self.state.pending_text = text
            seq = self.state.seq
            self.messages.append(
                OutMessage(
                    text=texts.PART_FIGURES_ONLY.format(text=escape(_clip(text, 40))),
                    # The navigation row carries 目录, which the text points to.
                    buttons=[
                        [render.answer_button(seq, texts.BTN_TEXT_AS_IS, AnswerAction.TEXT_AS_IS)],
                        render.navigation_row(seq),
                    ],
                    question=True,
                )
            )
            return
        previous = self.report.texts.get(part_id, "") if self.state.part_started else ""
        combined = f"{previous}\n{text}" if previous else text
        if len(combined) > MAX_TEXT_CHARS:
            self.say(texts.PART_TOO_LONG.format(limit=MAX_TEXT_CHARS))
            return
        if not text:
            self.say(texts.PART_EMPTY)
            return
        self.write_text(part_id, combined)
        self.state.part_started = True
        self.state.pending_text = None
        seq = self.state.seq
        if len(text) >= SPLIT_CHARS:
            self.messages.append(
                OutMessage(
                    text=texts.PART_RECEIVED.format(length=len(combined)),
                    buttons=[
                        [render.answer_button(seq, texts.BTN_PART_DONE, AnswerAction.PART_DONE)],
                        render.navigation_row(seq),
                    ],
                    question=True,
                )
            )
            return
        self.part_saved(len(combined))

    def part_as_is(self, question: PartQuestion) -> None:
        """The figures questioned at a part were meant as its text after all."""
        pending = self.state.pending_text
        if not pending:
            self.ask(self.state.cursor)
            return
        self.state.part_started = True  # the figures are the first message of the visit
        self.write_text(question.part.id, pending)
        self.state.pending_text = None
        self.part_saved(len(pending))

    def part_saved(self, length: int) -> None:
        """Confirm the part and ask the next question in one message, with a button there to
        add more to the part just saved (one Bot API call per answered part, as for rows)."""
        part = AppendPart(self.state.cursor)
        saved = len(self.messages)
        self.say(texts.PART_SAVED_NEXT.format(length=length))
        self.after_answer(set())
        following = self.messages[saved + 1 :]
        if following and following[0].question:
            following[0].buttons = [
                *following[0].buttons,
                [button(texts.BTN_APPEND_PREVIOUS, part)],
            ]
        else:  # nothing asked right after (the end of the report): the button stays here
            self.messages[saved].text = texts.PART_SAVED_APPEND.format(length=length)
            self.messages[saved].buttons = [[button(texts.BTN_APPEND, part)]]

    def append_part(self, index: int) -> None:
        """补充: the part is asked again, and what comes next is added to its text."""
        self.ask(index, appending=True)
        self.state.part_started = True

    def part_last_year(self, question: PartQuestion) -> None:
        part_id = question.part.id
        last = self.ctx.previous.texts.get(part_id, "") if self.ctx.previous else ""
        if last.strip():
            self.write_text(part_id, last)
            self.say(texts.PART_COPIED)
            self.ask(self.state.cursor)
            return
        self.part_done(question)

    def part_done(self, question: PartQuestion) -> None:
        if not self.report.texts.get(question.part.id, "").strip():
            self.say(texts.PART_EMPTY)
            self.ask(self.state.cursor)
            return
        self.after_answer(set())

    # --- table rows -------------------------------------------------------------------------

    def row_text(self, question: RowQuestion, text: str) -> None:
        try:
            values = parse_row(
                text, question.columns, row_total(question.columns, question.block.columns)
            )
        except FigureError as error:
            self.say(texts.ROW_REFUSED.format(reason=escape(error.message)))
            return
        self.save_row(question, dict(zip(question.cells, values, strict=True)))

    def row_same_as_last_year(self, question: RowQuestion) -> None:
        previous = self.ctx.previous
        last = (
            carry.same_as_last_year(
                self.report.format, previous, question.cells, question.last_year_cells
            )
            if previous is not None
            else None
        )
        values = [v for v in last or [] if v is not None]
        if previous is None or last is None or len(values) != len(last):
            self.say(texts.SAME_AS_LAST_YEAR_NONE)
            self.ask(self.state.cursor)
            return
        negative = [
            (column, value)
            for column, value in zip(question.columns, values, strict=True)
            if value < 0 and not column.signed
        ]
        if negative:
            column, value = negative[0]
            self.say(
                texts.SAME_AS_LAST_YEAR_NEGATIVE.format(
                    label=escape(column.name), value=format_figure(value)
                )
            )
            self.ask(self.state.cursor)
            return
        for note in render.stock_notes(question, self.report.format, previous, values):
            self.say(note)
        self.save_row(question, dict(zip(question.cells, values, strict=True)))

    def row_balance(self, question: RowQuestion) -> None:
        balance = [v for v in balance_remainders(self.report) if v is not None]
        if len(balance) != len(question.cells) or any(v < 0 for v in balance):
            self.ask(self.state.cursor)
            return
        self.save_row(question, dict(zip(question.cells, balance, strict=True)))

    def save_row(
        self, question: RowQuestion, figures: dict[str, Decimal], resume: bool = False
    ) -> None:
        open_now = self.violations()
        before = {v.key for v in open_now}
        self.errors_before = {
            v.key for v in open_now if v.severity is Severity.ERROR and set(figures) & set(v.cells)
        }
        self.write_figures(figures)
        self.just_entered = (question.key,)
        self.entered_cells = set(figures)
        answers = {k: v for k, v in self.state.answer_messages.items() if k != question.key}
        if self.message_id is not None:
            answers[question.key] = self.message_id
        self.state.answer_messages = answers
        self.state.recent_rows = [
            question.key,
            *(k for k in self.state.recent_rows if k != question.key),
        ][:12]
        target = rows.target_of(self.report.format, question.key)
        self.say(phrasing.row_echo(self.report.format, target, list(figures.values())))
        no_new_applications = self.state.gates.get(APPLICATIONS_GATE) is False
        if (
            question.row.role is RowRole.CARRIED_OVER
            and no_new_applications
            and not any(figures.values())
        ):
            # Nothing new and nothing carried over: the rest of table 3 can only be zeros.
            self.zero_table(question.table, announce=texts.GATE_NO_APPLICATIONS_DONE)
        self.after_answer(before, resume=resume)

    def rest_zero(self, question: RowQuestion) -> None:
        before = {v.key for v in self.violations()}
        results_only = render.is_result_row(question)
        rest = [
            q
            for q in self.plan[self.state.cursor :]
            if isinstance(q, RowQuestion)
            and q.table is question.table
            and (not results_only or render.is_result_row(q))
        ]
        zeros = {c: Decimal(0) for q in rest for c in q.cells if c not in self.report.figures}
        zeros.update({c: Decimal(0) for c in question.cells})
        rows = sum(1 for q in rest if any(c in zeros for c in q.cells))
        self.write_figures(zeros)
        if results_only:
            self.say(texts.RESULTS_REST_ZERO_DONE.format(count=rows))
        else:
            self.say(texts.REST_ZERO_DONE.format(table=question.table.title, count=rows))
        self.after_answer(before)

    def group_zero(self, question: RowQuestion) -> None:
        """This row and the rest of its group (（三）不予公开 1–8, （四）…) are 0."""
        before = {v.key for v in self.violations()}
        label, zeros, count = rows.group_rest_zeros(self.report, question)
        self.write_figures(zeros)
        self.just_entered = (question.key,)
        self.say(texts.GROUP_REST_ZERO_DONE.format(group=escape(label), count=count))
        self.after_answer(before)

    def zero_table(self, table: Table, announce: str) -> None:
        zeros = {
            c.id: Decimal(0)
            for c in table.cells
            if not c.computed and c.id not in self.report.figures
        }
        self.write_figures(zeros)
        self.say(announce)

    def gate(self, question: GateQuestion, yes: bool) -> None:
        self.state.gates[question.gate] = yes
        before = {v.key for v in self.violations()}
        if yes:
            self.ask(self.state.cursor + 1)
            return
        if question.gate == APPLICATIONS_GATE:
            block = question.table.blocks[0]
            new_row = block.row_with(RowRole.NEW)
            carried_over = block.row_with(RowRole.CARRIED_OVER)
            assert new_row is not None and carried_over is not None
            self.write_figures(
                {block.cell_id(new_row, c): Decimal(0) for c in block.entered_columns},
            )
            previous = self.ctx.previous
            carried = carry.carried_forward_total(previous) if previous else None
            if carried == 0:
                self.write_figures(
                    {block.cell_id(carried_over, c): Decimal(0) for c in block.entered_columns},
                )
                self.zero_table(question.table, texts.GATE_NO_APPLICATIONS_DONE)
            elif carried is None:
                self.say(texts.GATE_NO_APPLICATIONS_ASK_CARRY)
            else:
                self.say(texts.GATE_NO_APPLICATIONS_CARRY)
        else:
            self.zero_table(question.table, texts.GATE_NO_APPEALS_DONE)
        self.after_answer(before)

    def after_answer(self, before: set[str], resume: bool = False) -> None:
        """Show every problem the answer brought to light, then ask the next question.

        A row re-entered while an error it is part of stays open is told so at once (the
        clerk meant to fix it), with the rows that can."""
        now = self.violations()
        fresh = [v for v in now if v.key not in before]
        before = {k for k in before if k in self.errors_before}
        hints = self.hints(self.just_entered)
        for kind in dict.fromkeys(v.kind for v in fresh):
            self.messages.append(
                render.violations_message([v for v in fresh if v.kind == kind], self.report, hints)
            )
        cells = self.entered_cells
        still = [
            v
            for v in now
            if v.key in before and v.severity is Severity.ERROR and cells & set(v.cells)
        ]
        if still:
            message = render.violations_message(still, self.report, hints)
            message.text = texts.STILL_OPEN + "\n" + message.text
            self.messages.append(message)
        elif cells and any(k not in {v.key for v in now} for k in before):
            self.say(texts.ERROR_CLEARED)
        if resume:
            self.continue_filling()
        else:
            self.advance()

    # --- warnings ---------------------------------------------------------------------------

    def start_reason(self, rule_number: int) -> None:
        rules = rules_for(self.report.format)
        open_warnings = {v.key for v in self.violations() if v.severity is Severity.WARNING}
        if rule_number >= len(rules) or rules[rule_number].key not in open_warnings:
            self.say(texts.UNKNOWN_BUTTON)
            return
        self.state.mode = Mode.REASON
        self.state.warning_key = rules[rule_number].key
        self.state.seq += 1
        warning = next(v for v in self.violations() if v.key == rules[rule_number].key)
        self.say(
            texts.WARNING_ASK_REASON_FOR.format(description=escape(warning.describe()))
            + texts.WARNING_ASK_REASON,
            [[button(texts.BTN_RETURN, Fill())]],
        )

    def accept_reason(self, reason: str) -> None:
        reason = " ".join(reason.split())[:500]
        if not any(ch.isalpha() for ch in reason):
            # Figures typed out of habit are not a reason (and must not be taken for one).
            self.say(texts.WARNING_REASON_EMPTY, [[button(texts.BTN_RETURN, Fill())]])
            return
        key = self.state.warning_key or ""
        self.state.warning_key = None
        open_warnings = {v.key for v in self.violations() if v.severity is Severity.WARNING}
        if key not in open_warnings:
            # Fixed meanwhile (by a colleague), or never a warning: nothing to explain.
            self.say(texts.WARNING_GONE)
            self.continue_filling()
            return
        self.effects.append(AcceptWarning(key=key, reason=reason))
        self.ctx.accepted = {**self.ctx.accepted, key: reason}
        self.state.warning_key = None
        self.say(texts.WARNING_ACCEPTED.format(reason=escape(reason)))
        self.continue_filling()

    # --- navigation -------------------------------------------------------------------------

    def contents(self) -> None:
        self.messages.append(
            render.contents_message(self.report, self.state.gates, self.violations())
        )

    def last_year(self) -> None:
        previous = self.ctx.previous
        if previous is None:
            self.say(texts.LAST_YEAR_NONE.format(year=self.report.year - 1))
            return
        overview = render.review_messages(previous, "imported", {}, [], previous.organisation)[0]
        _, _, body = overview.text.partition("\n")
        self.say(texts.LAST_YEAR_TITLE.format(year=previous.year) + "\n" + body)

    def save_exit(self) -> None:
        self.state.mode = Mode.IDLE
        self.state.seq += 1
        self.say(texts.SAVED_EXIT)

    def review(self) -> None:
        self.messages.extend(
            render.review_messages(
                self.report,
                self.ctx.status,
                self.state.gates,
                self.violations(),
                self.ctx.organisation,
                self.hints(),
            )
        )
        if self.ctx.review is not None:
            self.messages.append(self.review_note())

    # --- review and sign-off (the clerk's side; the rest is dialogs.review_flow) -------------

    def review_note(self) -> OutMessage:
        """Where the report is in its review, with 提交上级审核 once it may be handed in."""
        status = self.ctx.review
        when = review_flow.moment(self.ctx.review_since, self.ctx.zone)
        if status == "submitted":
            return OutMessage(
                text=texts.REVIEW_WAITING.format(when=when),
                buttons=[[button(texts.BTN_WITHDRAW, WithdrawReview(self.ctx.report_id))]],
            )
        if status == "approved":
            return OutMessage(text=texts.REVIEW_IS_APPROVED.format(when=when))
        problems = self.violations()
        missing = sum(1 for i in range(len(self.plan)) if not self.answered(i))
        refused = review_flow.ready_refusal(
            missing,
            tuple(v.key for v in problems if v.severity is Severity.ERROR),
            tuple(v.key for v in problems if v.severity is Severity.WARNING),
            status or "drafting",
        )
        if refused is not None:
            return OutMessage(text=refused)
        label = texts.BTN_RESUBMIT if status == "returned" else texts.BTN_SUBMIT
        text = texts.REVIEW_CAN_SUBMIT.format(button=label)
        still_open = review_flow.still_open(
            self.report.format, self.ctx.open_comments, self.effects
        )
        if status == "returned" and still_open:
            text = texts.REVIEW_RETURNED_OPEN.format(count=still_open) + "\n" + text
        return OutMessage(text=text, buttons=[[button(label, SubmitReview(self.ctx.report_id))]])

    # --- documents --------------------------------------------------------------------------

    def export(self, draft: bool, issued: date | None = None, appendix: bool = False) -> None:
        problems = self.violations()
        errors = [v for v in problems if v.severity is Severity.ERROR]
        missing = [i for i in range(len(self.plan)) if not self.answered(i)]
        if not draft and (errors or missing):
            buttons: list[list[Button]] = []
            if errors:
                self.say(texts.EXPORT_BLOCKED.format(count=len(errors)))
                for violation in errors[:3]:
                    self.messages.append(
                        render.violation_message(violation, self.report, self.hints())
                    )
            else:
                sections = "、".join(
                    dict.fromkeys(self.plan[i].section.heading.split("、")[0] for i in missing)
                )
                buttons.append([button(texts.BTN_CONTINUE, Fill())])
                self.say(
                    texts.EXPORT_MISSING.format(count=len(missing), sections=sections), buttons
                )
            self.messages[-1].buttons.append([button(texts.BTN_EXPORT_DRAFT, Export(draft=True))])
            return
        if not self.ctx.can_render:
            self.say(texts.EXPORT_UNAVAILABLE)
            return
        filename = texts.FILENAME.format(
            short=self.ctx.short_name,
            year=self.report.year,
            suffix=texts.FILENAME_DRAFT if draft else "",
        )
        template = texts.EXPORT_DRAFT_DONE if draft else texts.EXPORT_DONE
        if not draft and self.ctx.review not in (None, "approved"):
            # A reviewed office's report is a draft until the office above approves it.
            draft, template = True, texts.REVIEW_LOCKED_EXPORT
            filename = texts.FILENAME.format(
                short=self.ctx.short_name, year=self.report.year, suffix=texts.FILENAME_DRAFT
            )
        text = template.format(
            filename=escape(filename), publish_by=f"{self.report.year + 1}年1月31日"
        )
        if not draft and self.ctx.today is not None:
            note = phrasing.export_note(self.report.year, self.ctx.today)
            text = texts.EXPORT_DONE_NOTE.format(filename=escape(filename), note=note)
        self.messages.append(
            OutMessage(
                text=text,
                document=Document(filename=filename),
            )
        )
        self.effects.append(
            RenderReport(
                message=len(self.messages) - 1, draft=draft, issued=issued, appendix=appendix
            )
        )
        if not draft:
            self.effects.append(SetStatus(status="final"))
        self.state.mode = Mode.IDLE
        self.state.seq += 1

    def upload(self, event: UploadRead) -> None:
        if not is_report_file(event.name):
            self.say(texts.FILE_NOT_DOCX)
            return
        if event.refusal is not None:
            self.say(texts.IMPORT_REJECTED.format(reason=escape(event.refusal)))
            return
        if event.report_json is None:
            self.say(texts.IMPORT_UNAVAILABLE)
            return
        imported = Report.from_json(event.report_json)
        if imports.nothing_read(imported):
            self.say(texts.IMPORT_NOTHING_READ)
            return
        if imported.year == self.report.year:
            self.upload_draft(event, imported)
            return
        if imported.year > self.report.year:
            self.say(texts.IMPORT_LATER_YEAR.format(year=imported.year, current=self.report.year))
            return
        text = texts.IMPORT_PREVIEW.format(
            organisation=escape(imported.organisation),
            year=imported.year,
            format=imported.format.name,
            summary=imports.preview(imported),
        )
        warning = imports.organisation_warning(
            event.organisation, self.ctx.organisation, self.ctx.short_name
        )
        text = "\n\n".join(t for t in (warning, text, self._problems_text(event)) if t)
        if self.ctx.previous is not None and self.ctx.previous.year == imported.year:
            text += "\n" + texts.IMPORT_REPLACES.format(year=imported.year)
        self.state.pending_import = event.report_json
        self.state.mode = Mode.CONFIRM_IMPORT
        self.say(text, [self._import_buttons()])

    def _problems_text(self, event: UploadRead) -> str:
        if not event.problems:
            return ""
        problems = "\n".join(f"· {p.where}：{_clip(p.message, 80)}" for p in event.problems[:10])
        return texts.IMPORT_PROBLEMS.format(count=len(event.problems), problems=escape(problems))

    def _import_buttons(self) -> list[Button]:
        return [
            button(texts.IMPORT_CONFIRM, ConfirmImport(confirmed=True)),
            button(texts.IMPORT_CANCEL, ConfirmImport(confirmed=False)),
        ]

    def confirm_import(self, confirmed: bool) -> None:
        assert self.state.pending_import is not None
        imported = Report.from_json(self.state.pending_import)
        self.state.pending_import = None
        self.state.mode = Mode.IDLE
        if confirmed:
            self.effects.append(SaveImported(year=imported.year, report_json=imported.to_json()))
            self.say(
                texts.IMPORT_DONE.format(year=imported.year),
                [[button(texts.BTN_CONTINUE, Fill())]],
            )
        else:
            self.say(texts.IMPORT_CANCELLED, [[button(texts.BTN_CONTINUE, Fill())]])

    # --- this year's report sent as a file (texts built in dialogs/imports.py) --------------

    def upload_draft(self, event: UploadRead, imported: Report) -> None:
        """This year's report read from a file: what was read and how it differs from the
        stored draft; nothing is written before the clerk confirms."""
        if imported.format_id != self.report.format_id:
            self.say(
                texts.DRAFT_FORMAT_DIFFERS.format(
                    read=imported.format.name, expected=self.report.format.name
                )
            )
            return
        comparison = compare_with_stored(imported, self.report)
        blocks = [
            imports.organisation_warning(
                event.organisation, self.ctx.organisation, self.ctx.short_name
            ),
            texts.DRAFT_PREVIEW.format(
                organisation=escape(imported.organisation),
                year=imported.year,
                format=imported.format.name,
                preview=imports.preview(imported),
            ),
        ]
        if comparison.identical:
            blocks += [self._problems_text(event), texts.DRAFT_IDENTICAL]
            self.say("\n\n".join(b for b in blocks if b))
            return
        blocks += [
            texts.DRAFT_DIFFERENCES.format(
                count=imports.difference_count(comparison),
                lines=imports.differences(comparison),
            ),
            self._problems_text(event),
            texts.DRAFT_FINAL_WARNING if self.ctx.status == "final" else None,
            texts.DRAFT_ASK,
        ]
        self.state.pending_import = event.report_json
        self.state.mode = Mode.CONFIRM_DRAFT
        self.say("\n\n".join(b for b in blocks if b), [self._draft_buttons()])

    def _draft_buttons(self) -> list[Button]:
        final = self.ctx.status == "final"
        confirm = texts.DRAFT_CONFIRM_FINAL if final else texts.DRAFT_CONFIRM
        return [
            button(confirm, ConfirmDraft(confirmed=True)),
            button(texts.IMPORT_CANCEL, ConfirmDraft(confirmed=False)),
        ]

    def confirm_draft(self, confirmed: bool) -> None:
        """Write the differences as typed answers would be written (versions guarded, a final
        report reopened, the rules run), with the audit source "document"."""
        assert self.state.pending_import is not None
        imported = Report.from_json(self.state.pending_import)
        self.state.pending_import = None
        self.state.mode = Mode.IDLE
        if not confirmed:
            self.say(texts.DRAFT_CANCELLED, [[button(texts.BTN_CONTINUE, Fill())]])
            return
        # Compared again with what is stored now: a colleague may have written meanwhile.
        comparison = compare_with_stored(imported, self.report)
        self.write_source = "document"
        self.state.base_versions = {
            f"text:{p.part_id}": self.ctx.versions.get(f"text:{p.part_id}", 0)
            for p in comparison.parts
        }
        self.write_figures({c.cell_id: c.read for c in comparison.cells})
        for part in comparison.parts:
            self.write_text(part.part_id, part.read)
        self.write_source = None
        self.state.base_versions = {}
        self.say(texts.DRAFT_DONE.format(what=imports.written(comparison)))
        issues = self.violations()
        follow = [[button(texts.BTN_REVIEW, Review())], [button(texts.BTN_CONTINUE, Fill())]]
        if issues:
            self.say(texts.DRAFT_CHECKED_ISSUES.format(count=len(issues)), follow)
        else:
            self.say(texts.DRAFT_CHECKED_CLEAN, follow)
