"""The conversation as a pure step function: (state, event, context) -> outcome.

The context is a snapshot of what storage holds (the report, last year's, accepted warnings,
cell versions); the outcome is the new state, the messages to send and the writes to make. The
engine (``dialogs.engine``) loads the snapshot, applies the writes and the state in one
transaction, and only then hands the messages back, so every accepted answer is on disk before
the clerk sees a reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape
from typing import Protocol

from dialogs import render, texts
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
    Mode,
    OutMessage,
    SaveImported,
    SetStatus,
    TextInput,
    WriteFigures,
    WriteText,
)
from dialogs.plan import (
    APPLICATIONS_GATE,
    CARRIED_FORWARD_ROW,
    CARRIED_OVER_ROW,
    NEW_ROW,
    GateQuestion,
    PartQuestion,
    Question,
    RowQuestion,
    is_answered,
    plan_for,
    section_questions,
)
from report.parsing import FigureError, format_figure, parse_row
from report.rules import Severity, Violation, check, rules_for
from report.values import MAX_TEXT_CHARS, Report


class ReadProblem(Protocol):
    where: str
    message: str


class ReadOutcome(Protocol):
    report: Report
    problems: list[ReadProblem]


class DocumentError(Exception):
    """Raised by a document reader for a file it refuses; ``message`` is for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


RenderDocx = Callable[[Report, bool, date | None], bytes]
ReadDocx = Callable[[bytes], ReadOutcome]


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
    render_docx: RenderDocx | None = None
    read_docx: ReadDocx | None = None


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


def _is_number(text: str) -> bool:
    # str.isdigit() accepts "²", which int() refuses.
    return re.fullmatch(r"[0-9]{1,6}", text) is not None


class _Turn:
    def __init__(self, state: ConversationState, context: Context) -> None:
        self.state = state
        self.ctx = context
        self.report = context.report
        self.plan = plan_for(self.report.format)
        self.messages: list[OutMessage] = []
        self.effects: list[Effect] = []
        self.reopened = False

    # --- plumbing ---------------------------------------------------------------------------

    def say(self, text: str, buttons: list[list[Button]] | None = None) -> None:
        self.messages.append(OutMessage(text=text, buttons=buttons or []))

    def current(self) -> Question:
        return self.plan[min(self.state.cursor, len(self.plan) - 1)]

    def violations(self) -> list[Violation]:
        return [v for v in check(self.report, self.ctx.previous) if v.key not in self.ctx.accepted]

    def write_figures(self, figures: dict[str, Decimal]) -> None:
        """Write what changed, guarded by the versions the clerk saw: those of the question when
        it was asked, else those of this turn's snapshot (0 for a cell nobody has written)."""
        changed = {c: v for c, v in figures.items() if self.report.figures.get(c) != v}
        if not changed:
            return
        expected = {
            c: self.state.base_versions.get(c, self.ctx.versions.get(c, 0)) for c in changed
        }
        self.effects.append(WriteFigures(figures=changed, expected=expected))
        self.report = self.report.with_figures(changed)
        self._reopen()

    def write_text(self, part_id: str, text: str) -> None:
        if self.report.texts.get(part_id) == text:
            return  # storage does not write (or version) an unchanged text
        expected = self.state.base_versions.get(f"text:{part_id}")
        self.effects.append(WriteText(part_id=part_id, text=text, expected=expected))
        self.report = self.report.model_copy(update={"texts": {**self.report.texts, part_id: text}})
        self.state.base_versions[f"text:{part_id}"] = (expected or 0) + 1
        self._reopen()

    def _reopen(self) -> None:
        if self.ctx.status == "final" and not self.reopened:
            self.effects.append(SetStatus(status="draft"))
            self.say(texts.REOPENED)
            self.reopened = True

    # --- asking -----------------------------------------------------------------------------

    def ask(self, index: int) -> None:
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
        self.messages.append(
            render.question_message(question, index, self.state.seq, self.report, self.ctx.previous)
        )

    def answered(self, index: int) -> bool:
        return is_answered(self.plan[index], self.report, self.state.gates)

    def next_unanswered(self, after: int) -> int | None:
        for index in (*range(after + 1, len(self.plan)), *range(after + 1)):
            if not self.answered(index):
                return index
        return None

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
            [Button(label=texts.BTN_REVIEW, data="v"), Button(label=texts.BTN_EXPORT, data="e")],
            [Button(label=texts.BTN_CONTENTS, data="m")],
        ]
        self.say(texts.ALL_DONE, buttons)
        if errors:
            self.messages.append(render.violation_message(errors[0], self.report))

    # --- events -----------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if isinstance(event, Command):
            self.command(event.name, event.args)
        elif isinstance(event, ButtonPress):
            self.button(event.data)
        elif isinstance(event, FileInput):
            self.file(event)
        elif isinstance(event, TextInput):
            self.text(event.text)

    def command(self, name: str, args: str) -> None:
        if name in ("fill", "start"):
            self.say(self._opening())
            self.state.mode = Mode.ASKING
            self.continue_filling()
        elif name == "gap":
            # From a reminder: straight to the first question not yet answered.
            self.say(self._opening())
            first = next((i for i in range(len(self.plan)) if not self.answered(i)), None)
            if first is None:
                self.finish()
            else:
                self.ask(first)
        elif name == "review":
            self.review()
        elif name == "export":
            words = args.split()
            draft = any(w in ("draft", "草稿", "征求意见稿") for w in words)
            dates = [w for w in words if w not in ("draft", "草稿", "征求意见稿")]
            issued = parse_date(dates[0]) if dates else None
            if dates and issued is None:
                self.say(texts.EXPORT_BAD_DATE)
                return
            self.export(draft=draft, issued=issued)
        elif name == "cancel":
            self.save_exit()
        elif name == "contents":
            self.contents()
        elif name == "last":
            self.last_year()
        else:
            self.say(texts.MENU)

    def _opening(self) -> str:
        fmt = self.report.format
        if not self.report.figures and not self.report.texts:
            return texts.START_REPORT.format(
                organisation=escape(self.ctx.organisation), year=self.report.year, format=fmt.name
            )
        return texts.RESUME_REPORT.format(
            organisation=escape(self.ctx.organisation), year=self.report.year
        )

    def text(self, text: str) -> None:
        if self.state.mode is Mode.REASON:
            self.accept_reason(text)
        elif self.state.mode is Mode.ASKING:
            question = self.current()
            if isinstance(question, PartQuestion):
                self.part_text(question, text)
            elif isinstance(question, RowQuestion):
                self.row_text(question, text)
            else:
                self.ask(self.state.cursor)
        elif self.state.mode is Mode.CONFIRM_IMPORT:
            self.say(texts.IMPORT_CONFIRM + "？", [self._import_buttons()])
        else:
            self.say(
                texts.IDLE_TEXT,
                [
                    [
                        Button(label=texts.BTN_CONTINUE, data="f"),
                        Button(label=texts.BTN_REVIEW, data="v"),
                    ]
                ],
            )

    def button(self, data: str) -> None:
        head, _, rest = data.partition(".")
        if head == "a":
            seq_text, _, action = rest.partition(".")
            if (
                self.state.mode is not Mode.ASKING
                or not _is_number(seq_text)
                or int(seq_text) != self.state.seq
            ):
                self.say(
                    texts.STALE_BUTTON if self.state.mode is Mode.ASKING else texts.UNKNOWN_BUTTON
                )
                if self.state.mode is Mode.ASKING:
                    self.ask(self.state.cursor)
                return
            self.answer_button(action)
        elif head == "m":
            self.contents()
        elif head == "x":
            self.save_exit()
        elif head == "v":
            self.review()
        elif head == "e":
            self.export(draft=rest == "d")
        elif head == "f":
            self.command("fill", "")
        elif (
            head == "g"
            and _is_number(rest)
            and any(s.number == int(rest) for s in self.report.format.sections)
        ):
            indexes = section_questions(self.report.format, int(rest))
            self.ask(next((i for i in indexes if not self.answered(i)), indexes[0]))
        elif head == "j" and _is_number(rest) and int(rest) < len(self.plan):
            self.ask(int(rest))
        elif head == "w" and _is_number(rest):
            self.start_reason(int(rest))
        elif head == "i" and rest in ("c", "x"):
            self.confirm_import(rest == "c")
        else:
            self.say(texts.UNKNOWN_BUTTON)

    def answer_button(self, action: str) -> None:
        question = self.current()
        index = self.state.cursor
        if action == "b":
            if index == 0:
                self.say(texts.FIRST_QUESTION)
            self.ask(index - 1)
        elif action == "s":
            self.ask(index + 1) if index + 1 < len(self.plan) else self.advance()
        elif isinstance(question, PartQuestion) and action in ("d", "k", "t"):
            self.part_button(question, action)
        elif isinstance(question, RowQuestion) and action in ("z", "r", "l", "c"):
            self.row_button(question, action)
        elif isinstance(question, GateQuestion) and action in ("y", "n"):
            self.gate(question, action == "y")
        else:
            self.say(texts.UNKNOWN_BUTTON)

    # --- narrative parts --------------------------------------------------------------------

    def part_text(self, question: PartQuestion, text: str) -> None:
        part_id = question.part.id
        text = text.strip()
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
        seq = self.state.seq
        self.messages.append(
            OutMessage(
                text=texts.PART_RECEIVED.format(length=len(combined)),
                buttons=[
                    [render.answer_button(seq, texts.BTN_PART_DONE, "d")],
                    render.navigation_row(seq),
                ],
                question=True,
            )
        )

    def part_button(self, question: PartQuestion, action: str) -> None:
        part_id = question.part.id
        if action == "t":
            last = self.ctx.previous.texts.get(part_id, "") if self.ctx.previous else ""
            if last.strip():
                self.write_text(part_id, last)
                self.say(texts.PART_COPIED)
                self.ask(self.state.cursor)
                return
        if not self.report.texts.get(part_id, "").strip():
            self.say(texts.PART_EMPTY)
            self.ask(self.state.cursor)
            return
        self.after_answer(set())

    # --- table rows -------------------------------------------------------------------------

    def row_text(self, question: RowQuestion, text: str) -> None:
        try:
            values = parse_row(text, question.columns)
        except FigureError as error:
            self.say(texts.ROW_REFUSED.format(reason=escape(error.message)))
            return
        self.save_row(question, dict(zip(question.cells, values, strict=True)))

    def row_button(self, question: RowQuestion, action: str) -> None:
        if action == "z":
            self.save_row(question, {c: Decimal(0) for c in question.cells})
        elif action == "l":
            values = render.same_as_last_year(question, self.report.format, self.ctx.previous)
            if values is None or None in values:
                self.say(texts.SAME_AS_LAST_YEAR_NONE)
                self.ask(self.state.cursor)
                return
            negative = [
                (column, value)
                for column, value in zip(question.columns, values, strict=True)
                if value < 0 and not column.signed  # type: ignore[operator]
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
            for note in render.stock_notes(question, self.report.format, self.ctx.previous, values):  # type: ignore[arg-type]
                self.say(note)
            self.save_row(question, dict(zip(question.cells, values, strict=True)))  # type: ignore[arg-type]
        elif action == "r":
            self.rest_zero(question)
        elif action == "c" and question.row.id == CARRIED_FORWARD_ROW:
            balance = render.balance_values(self.report)
            if None in balance or any(v < 0 for v in balance):  # type: ignore[operator]
                self.ask(self.state.cursor)
                return
            self.save_row(question, dict(zip(question.cells, balance, strict=True)))  # type: ignore[arg-type]

    def save_row(self, question: RowQuestion, figures: dict[str, Decimal]) -> None:
        before = {v.key for v in self.violations()}
        self.write_figures(figures)
        self.say(
            texts.ROW_SAVED.format(
                label=escape(question.label), values=render.figures(list(figures.values()))
            )
        )
        no_new_applications = self.state.gates.get(APPLICATIONS_GATE) is False
        if (
            question.row.id == CARRIED_OVER_ROW
            and no_new_applications
            and not any(figures.values())
        ):
            # Nothing new and nothing carried over: the rest of table 3 can only be zeros.
            self.zero_table(question.table, announce=texts.GATE_NO_APPLICATIONS_DONE)
        self.after_answer(before)

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

    def zero_table(self, table, announce: str) -> None:  # type: ignore[no-untyped-def]
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
            new_row = block.row(NEW_ROW)
            self.write_figures(
                {block.cell_id(new_row, c): Decimal(0) for c in block.entered_columns},
            )
            carried = render.carried_forward_last_year(self.ctx.previous)
            if carried == 0:
                self.write_figures(
                    {
                        block.cell_id(block.row(CARRIED_OVER_ROW), c): Decimal(0)
                        for c in block.entered_columns
                    },
                )
                self.zero_table(question.table, texts.GATE_NO_APPLICATIONS_DONE)
            elif carried is None:
                self.say(texts.GATE_NO_APPLICATIONS_ASK_CARRY)
            else:
                self.say(texts.GATE_NO_APPLICATIONS_CARRY)
        else:
            self.zero_table(question.table, texts.GATE_NO_APPEALS_DONE)
        self.after_answer(before)

    def after_answer(self, before: set[str]) -> None:
        """Show every problem the answer brought to light, then ask the next question."""
        fresh = [v for v in self.violations() if v.key not in before]
        for kind in dict.fromkeys(v.kind for v in fresh):
            self.messages.append(
                render.violations_message([v for v in fresh if v.kind == kind], self.report)
            )
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
        self.say(texts.WARNING_ASK_REASON, [[Button(label=texts.BTN_RETURN, data="f")]])

    def accept_reason(self, reason: str) -> None:
        reason = " ".join(reason.split())[:500]
        if not any(ch.isalpha() for ch in reason):
            # Figures typed out of habit are not a reason (and must not be taken for one).
            self.say(texts.WARNING_REASON_EMPTY, [[Button(label=texts.BTN_RETURN, data="f")]])
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
            )
        )

    # --- documents --------------------------------------------------------------------------

    def export(self, draft: bool, issued: date | None = None) -> None:
        problems = self.violations()
        errors = [v for v in problems if v.severity is Severity.ERROR]
        missing = [i for i in range(len(self.plan)) if not self.answered(i)]
        if not draft and (errors or missing):
            buttons: list[list[Button]] = []
            if errors:
                self.say(texts.EXPORT_BLOCKED.format(count=len(errors)))
                for violation in errors[:3]:
                    self.messages.append(render.violation_message(violation, self.report))
            else:
                sections = "、".join(
                    dict.fromkeys(self.plan[i].section.heading.split("、")[0] for i in missing)
                )
                buttons.append([Button(label=texts.BTN_CONTINUE, data="f")])
                self.say(
                    texts.EXPORT_MISSING.format(count=len(missing), sections=sections), buttons
                )
            self.messages[-1].buttons.append([Button(label=texts.BTN_EXPORT_DRAFT, data="e.d")])
            return
        if self.ctx.render_docx is None:
            self.say(texts.EXPORT_UNAVAILABLE)
            return
        data = self.ctx.render_docx(self.report, draft, issued)
        filename = texts.FILENAME.format(
            short=self.ctx.short_name,
            year=self.report.year,
            suffix=texts.FILENAME_DRAFT if draft else "",
        )
        template = texts.EXPORT_DRAFT_DONE if draft else texts.EXPORT_DONE
        self.messages.append(
            OutMessage(
                text=template.format(
                    filename=escape(filename), publish_by=f"{self.report.year + 1}年1月31日"
                ),
                document=Document(filename=filename, data=data),
            )
        )
        if not draft:
            self.effects.append(SetStatus(status="final"))
        self.state.mode = Mode.IDLE
        self.state.seq += 1

    def file(self, event: FileInput) -> None:
        if not event.name.lower().endswith(".docx"):
            self.say(texts.FILE_NOT_DOCX)
            return
        if self.ctx.read_docx is None:
            self.say(texts.IMPORT_UNAVAILABLE)
            return
        try:
            result = self.ctx.read_docx(event.data)
        except DocumentError as error:
            self.say(texts.IMPORT_REJECTED.format(reason=escape(error.message)))
            return
        imported = result.report
        if not imported.figures and not imported.texts:  # an import that reads nothing
            self.say(texts.IMPORT_NOTHING_READ)
            return
        if imported.year >= self.report.year:
            self.say(
                texts.IMPORT_NOT_LAST_YEAR.format(
                    year=imported.year, year_before=self.report.year - 1
                )
            )
            return
        lines = [
            f"{t.title}："
            + "、".join(
                f"{render.row_code(c.row.labels) or c.block.group_label(c.column.id)}{format_figure(v)}"
                for c in (
                    imported.format.cell(i)
                    for i in imported.figures
                    if imported.format.cell(i).table is t
                )
                if (v := imported.figures[c.id]) != 0
            )[:300]
            or f"{t.title}：全部为0"
            for t in imported.format.tables
        ]
        text = texts.IMPORT_PREVIEW.format(
            organisation=escape(imported.organisation),
            year=imported.year,
            format=imported.format.name,
            summary=escape("\n".join(lines)),
        )
        if result.problems:
            problems = "\n".join(
                f"· {p.where}：{_clip(p.message, 80)}" for p in result.problems[:10]
            )
            text += "\n" + texts.IMPORT_PROBLEMS.format(
                count=len(result.problems), problems=escape(problems)
            )
        if self.ctx.previous is not None and self.ctx.previous.year == imported.year:
            text += "\n" + texts.IMPORT_REPLACES.format(year=imported.year)
        self.state.pending_import = imported.to_json()
        self.state.mode = Mode.CONFIRM_IMPORT
        self.say(text, [self._import_buttons()])

    def _import_buttons(self) -> list[Button]:
        return [
            Button(label=texts.IMPORT_CONFIRM, data="i.c"),
            Button(label=texts.IMPORT_CANCEL, data="i.x"),
        ]

    def confirm_import(self, confirmed: bool) -> None:
        if self.state.mode is not Mode.CONFIRM_IMPORT or self.state.pending_import is None:
            self.say(texts.UNKNOWN_BUTTON)
            return
        imported = Report.from_json(self.state.pending_import)
        self.state.pending_import = None
        self.state.mode = Mode.IDLE
        if confirmed:
            self.effects.append(SaveImported(year=imported.year, report_json=imported.to_json()))
            self.say(
                texts.IMPORT_DONE.format(year=imported.year),
                [[Button(label=texts.BTN_CONTINUE, data="f")]],
            )
        else:
            self.say(texts.IMPORT_CANCELLED, [[Button(label=texts.BTN_CONTINUE, data="f")]])
