"""The application ledger in the chat: sent, understood, asked about, confirmed into table 三.

The engine reads an uploaded ledger before the step (``LedgerRead``); here the step counts it for
the report being filled, shows what was understood (columns, counts, skipped rows, and the
differences from table 三's figures), asks each wording it could not map once with a button per
candidate (the answer is remembered for the office: ``RememberLedgerWording``), and writes the
counts only when the clerk confirms (``WriteLedgerCounts``: the same path as typed answers, rules
run, audited as the ledger). The ledger stays in the conversation state afterwards, so that
``/ledger`` (or the button on the summary) shows which ledger rows make up each figure.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from dialogs import render, texts
from dialogs.buttons import ConfirmLedger, Fill, LedgerChoice, LedgerSources, Review
from dialogs.model import (
    Button,
    LedgerRead,
    Mode,
    OutMessage,
    RememberLedgerWording,
    WriteLedgerCounts,
    button,
)
from report import texts as report_texts
from report.formats import APPLICANT_COLUMNS
from report.ledger import Counting, Ledger, Question, count_ledger, explain, rows_text, table_cells
from report.ledger_summary import (
    CountRow,
    candidate_label,
    count_lines,
    count_rows,
    difference_lines,
    question_text,
    summarise,
    summary_lines,
)
from report.ledger_wording import normalise

if TYPE_CHECKING:
    from dialogs.machine import _Turn

#: A confirmed ledger is kept in the conversation state (for ``/ledger``) up to this size of
#: JSON; the state is read and written on every turn. A township's ledger is a few kilobytes.
MAX_KEPT_JSON = 1_000_000


def counting(turn: _Turn) -> Counting | None:
    """The ledger in the state counted for the report being filled (None: no ledger for it)."""
    state = turn.state
    if state.ledger_json is None or state.ledger_report_id != state.report_id:
        return None
    ledger = Ledger.from_json(state.ledger_json)
    return count_ledger(ledger, turn.report.year, turn.report.format, turn.ctx.ledger_wording)


def received(turn: _Turn, read: LedgerRead) -> None:
    """A ledger was sent: show what was understood, then ask or offer to confirm."""
    if read.refusal is not None:
        turn.say(texts.LEDGER_REJECTED.format(reason=escape(read.refusal)))
        return
    if read.ledger_json is None:
        turn.say(texts.LEDGER_UNAVAILABLE)
        return
    state = turn.state
    state.ledger_json = read.ledger_json
    state.ledger_name = read.name
    state.ledger_report_id = state.report_id
    state.ledger_pending = True
    state.ledger_versions = {
        c: turn.ctx.versions.get(c, 0) for c in table_cells(turn.report.format)
    }
    state.mode = Mode.LEDGER
    state.seq += 1  # the question shown before is not being answered now
    found = counting(turn)
    assert found is not None
    show(turn, found)


def show(turn: _Turn, found: Counting, *, brief: bool = False) -> None:
    """The summary (``brief``: only the counts and differences, after an answer, the rest was
    shown with the question); then the first open question, or the buttons to confirm."""
    summary = summarise(found, report=turn.report, previous=turn.ctx.previous)
    if brief and found.complete:
        lines = [report_texts.LEDGER_COUNTS_HEADING, *count_lines(summary.rows)]
        lines += [
            report_texts.LEDGER_CARRY_WARNING.format(message=v.describe())
            for v in summary.carry_warnings
        ]
        if summary.has_figures:
            lines += difference_lines(summary.differences)
    else:
        # The open questions are asked right below, one by one: not listed twice.
        asked = {
            report_texts.LEDGER_QUESTIONS_HEADING.format(count=len(found.questions)),
            *(f"  {question_text(found, q)}" for q in found.questions),
        }
        lines = [
            line
            for line in summary_lines(
                summary, with_candidates=False, other_year=texts.LEDGER_OTHER_YEAR_FILL
            )
            if line not in asked
        ]
    body = escape("\n".join(lines))
    heading = texts.LEDGER_SUMMARY_AGAIN if brief else texts.LEDGER_SUMMARY
    text = heading.format(name=escape(turn.state.ledger_name), body=body)
    if found.questions:
        turn.say(text)
        ask(turn, found, found.questions[0])
        return
    turn.state.ledger_question = None
    prompt = texts.LEDGER_CONFIRM_REPLACE if summary.has_figures else texts.LEDGER_CONFIRM
    turn.messages.append(
        OutMessage(text=f"{text}\n\n{prompt}", buttons=_confirm_buttons(), question=True)
    )


def _confirm_buttons() -> list[list[Button]]:
    return [
        [
            button(texts.BTN_LEDGER_CONFIRM, ConfirmLedger(confirmed=True)),
            button(texts.BTN_LEDGER_CANCEL, ConfirmLedger(confirmed=False)),
        ],
        [button(texts.BTN_LEDGER_SOURCES, LedgerSources())],
    ]


def ask(turn: _Turn, found: Counting, question: Question) -> None:
    """One unmapped wording, with a button per candidate (most likely first)."""
    state = turn.state
    state.ledger_question = _key(question)
    state.ledger_step += 1
    rows = [
        [button(candidate_label(found, question, c), LedgerChoice(state.ledger_step, n))]
        for n, c in enumerate(question.candidates)
    ]
    rows.append([button(texts.BTN_LEDGER_CANCEL, ConfirmLedger(confirmed=False))])
    text = texts.LEDGER_QUESTION.format(
        count=len(found.questions), question=escape(question_text(found, question))
    )
    turn.messages.append(OutMessage(text=text, buttons=rows, question=True))


def _expired(turn: _Turn, found: Counting | None) -> None:
    """A ledger button of a ledger no longer waiting: written already, or dropped."""
    written = found is not None and not turn.state.ledger_pending
    turn.say(texts.LEDGER_ALREADY_WRITTEN if written else texts.LEDGER_EXPIRED)


def _key(question: Question) -> str:
    return f"{question.kind}:{question.key}"


def remind(turn: _Turn) -> None:
    """Text typed while the ledger waits: what it waits for, again."""
    found = counting(turn)
    if found is None or not turn.state.ledger_pending:
        turn.state.mode = Mode.IDLE
        turn.idle_text()
        return
    turn.say(texts.LEDGER_WAITING)
    if found.questions:
        ask(turn, found, found.questions[0])
    else:
        show(turn, found)


def choose(turn: _Turn, press: LedgerChoice) -> None:
    """A candidate pressed for the question shown at ``press.step``: remember it, go on."""
    state = turn.state
    found = counting(turn)
    if found is None or not state.ledger_pending or state.mode is not Mode.LEDGER:
        _expired(turn, found)
        return
    if press.step != state.ledger_step:
        turn.say(texts.STALE_BUTTON)
        remind(turn)
        return
    question = next((q for q in found.questions if _key(q) == state.ledger_question), None)
    if question is None:  # answered meanwhile (by a colleague): go on with what is left
        show(turn, found)
        return
    if press.candidate >= len(question.candidates):
        turn.say(texts.UNKNOWN_BUTTON)
        return
    target = question.candidates[press.candidate]
    state.ledger_step += 1  # this question's buttons are answered now
    turn.effects.append(
        RememberLedgerWording(kind=str(question.kind), key=question.key, target=target)
    )
    turn.ctx.ledger_wording = {
        **turn.ctx.ledger_wording,
        (str(question.kind), question.key): target,
    }
    turn.say(
        texts.LEDGER_REMEMBERED.format(
            value=escape(question.value), target=escape(candidate_label(found, question, target))
        )
    )
    found = counting(turn)
    assert found is not None
    if found.questions:
        ask(turn, found, found.questions[0])
    else:
        show(turn, found, brief=True)


def confirm(turn: _Turn, confirmed: bool) -> None:
    """写入表三 (write the counts, rules run) or 不写入 (drop the ledger)."""
    state = turn.state
    found = counting(turn)
    if found is None or not state.ledger_pending or state.mode is not Mode.LEDGER:
        _expired(turn, found)
        return
    state.ledger_pending = False
    state.ledger_question = None
    state.mode = Mode.IDLE
    state.seq += 1
    continue_button = [button(texts.BTN_CONTINUE, Fill())]
    if not confirmed:
        state.ledger_json = None
        state.ledger_report_id = None
        turn.say(texts.LEDGER_CANCELLED, [continue_button])
        return
    if not found.complete:  # cannot happen through the buttons: confirm shows only then
        state.ledger_pending = True
        state.mode = Mode.LEDGER
        show(turn, found)
        return
    before = {v.key for v in turn.violations()}
    figures = found.report_figures()
    filled = [c for c in figures if c in turn.report.figures]
    changed = sum(1 for c, v in figures.items() if turn.report.figures.get(c) != v)
    rewritten = sum(1 for c in filled if turn.report.figures[c] != figures[c])
    turn.effects.append(
        WriteLedgerCounts(
            counting=found, file_name=state.ledger_name, expected=dict(state.ledger_versions)
        )
    )
    turn.report = turn.report.with_figures(figures)
    if changed:
        turn.reopen()
    if state.ledger_json is not None and len(state.ledger_json) > MAX_KEPT_JSON:
        state.ledger_json = None
        state.ledger_report_id = None
        sources: list[Button] = []
    else:
        sources = [button(texts.BTN_LEDGER_SOURCES, LedgerSources())]
    written = (
        texts.LEDGER_WRITTEN_OVER.format(changed=rewritten) if filled else texts.LEDGER_WRITTEN_NEW
    )
    turn.say(
        written + texts.LEDGER_WRITTEN_SOURCE.format(name=escape(state.ledger_name)),
        [
            [*continue_button, button(texts.BTN_REVIEW, Review())],
            *([sources] if sources else []),
        ],
    )
    fresh = [v for v in turn.violations() if v.key not in before]
    for kind in dict.fromkeys(v.kind for v in fresh):
        turn.messages.append(
            render.violations_message([v for v in fresh if v.kind == kind], turn.report)
        )


def stale(turn: _Turn, who: str) -> None:
    """A colleague changed table 三 after the counts were shown: show them again."""
    found = counting(turn)
    if found is None:
        turn.say(texts.LEDGER_EXPIRED)
        return
    turn.say(texts.LEDGER_STALE.format(who=escape(who)))
    turn.state.ledger_versions = {
        c: turn.ctx.versions.get(c, 0) for c in table_cells(turn.report.format)
    }
    show(turn, found)


# --- which ledger rows make up a figure ---------------------------------------------------------


def sources(turn: _Turn, row: int | None) -> None:
    """The rows of table 三 to choose from, or the ledger rows behind one row's figures."""
    found = _complete(turn)
    if found is None:
        return
    rows = count_rows(found)
    if row is None:
        _choose_row(turn, found, rows)
    elif row < len(rows):
        turn.say(_row_sources(turn, found, rows[row]))
    else:
        turn.say(texts.UNKNOWN_BUTTON)


def sources_command(turn: _Turn, words: str) -> None:
    """``/ledger`` (choose a row) and ``/ledger 予以公开`` (the row whose label says so)."""
    found = _complete(turn)
    if found is None:
        return
    rows = count_rows(found)
    wanted = normalise(words)
    if not wanted:
        _choose_row(turn, found, rows)
        return
    matching = [r for r in rows if wanted in normalise(r.label)]
    if len(matching) == 1:
        turn.say(_row_sources(turn, found, matching[0]))
        return
    if not matching:
        turn.say(texts.LEDGER_SOURCES_NOT_FOUND.format(words=escape(words.strip())))
    _choose_row(turn, found, tuple(matching) or rows)


def _complete(turn: _Turn) -> Counting | None:
    found = counting(turn)
    if found is None:
        turn.say(texts.LEDGER_NONE)
        return None
    if not found.complete:
        turn.say(texts.LEDGER_NOT_COMPLETE)
        return None
    return found


def _choose_row(turn: _Turn, found: Counting, rows: tuple[CountRow, ...]) -> None:
    name = escape(turn.state.ledger_name)
    everything = count_rows(found)
    choices = [
        [
            button(
                texts.BTN_LEDGER_ROW.format(label=r.label, total=r.total),
                LedgerSources(everything.index(r)),
            )
        ]
        for r in rows
        if r.total
    ]
    if not choices:
        turn.say(texts.LEDGER_SOURCES_ALL_ZERO.format(name=name))
        return
    turn.say(texts.LEDGER_SOURCES_CHOOSE.format(name=name), choices)


def _row_sources(turn: _Turn, found: Counting, row: CountRow) -> str:
    names = {c.id: c.name for c in APPLICANT_COLUMNS}
    lines = [
        texts.LEDGER_SOURCES_CELL.format(
            column=names[column],
            count=count,
            rows=rows_text(explain(found, f"{row.row_id}.{column}"), limit=50),
        )
        for column, count in row.by_column
        if count
    ]
    return texts.LEDGER_SOURCES_ROW.format(
        label=escape(row.label),
        total=row.total,
        name=escape(turn.state.ledger_name),
        lines=escape("\n".join(lines)),
    )
