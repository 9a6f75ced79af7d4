"""Turning questions, tables and problems into message values. Pure functions, no state."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from dialogs import phrasing, texts
from dialogs.buttons import (
    Answer,
    AnswerAction,
    Contents,
    ExplainWarning,
    Export,
    Fill,
    Jump,
    OpenSection,
    Review,
    RowList,
    SaveExit,
)
from dialogs.model import Button, OutMessage, button
from dialogs.plan import (
    GateQuestion,
    PartQuestion,
    Question,
    RowQuestion,
    index_of,
    is_answered,
    plan_for,
    row_question_for_cell,
)
from dialogs.rows import has_group_rest
from report import carry
from report.fixes import may_offer_balance, rank_fix_rows
from report.formats import APPEAL_GROUPS
from report.groups import group_of
from report.layout import Column, ReportFormat, RowRole, Section, Table
from report.parsing import example_row, format_figure
from report.rules import Severity, Violation, balance_remainders, check, rule_number
from report.values import Report

EXCERPT_CHARS = 120
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


def figures(values: list[Decimal | None]) -> str:
    """A row of figures as typed back to the clerk: ``58 7 0 0 1 0``."""
    return " ".join("—" if v is None else format_figure(v) for v in values)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[:limit] + "……")


def progress(question: Question, index: int, report: Report) -> str:
    section_indexes = [
        i for i, q in enumerate(plan_for(report.format)) if q.section is question.section
    ]
    return texts.PROGRESS.format(
        section=question.section.heading,
        position=section_indexes.index(index) + 1,
        count=len(section_indexes),
    )


def answer_button(seq: int, label: str, action: AnswerAction) -> Button:
    """A button answering the question asked with ``seq``."""
    return button(label, Answer(seq, action))


def navigation_row(seq: int) -> list[Button]:
    return [
        answer_button(seq, texts.BTN_BACK, AnswerAction.BACK),
        answer_button(seq, texts.BTN_SKIP, AnswerAction.SKIP),
        button(texts.BTN_CONTENTS, Contents()),
        button(texts.BTN_SAVE_EXIT, SaveExit()),
    ]


def question_message(
    question: Question,
    index: int,
    seq: int,
    report: Report,
    previous: Report | None,
    legend: bool = True,
    appending: bool = False,
) -> OutMessage:
    """The message that asks ``question``, with its buttons. ``legend``: whether a row of a
    one-header table says its columns (once per table; later rows refer to it);
    ``appending``: a part asked again by 补充, where what is sent is added to the text."""
    head = progress(question, index, report)
    if isinstance(question, PartQuestion):
        return _part_message(question, head, seq, report, previous, appending)
    if isinstance(question, RowQuestion):
        return _row_message(question, head, seq, report, previous, legend)
    return _gate_message(question, head, seq, previous)


def _part_message(
    question: PartQuestion,
    head: str,
    seq: int,
    report: Report,
    previous: Report | None,
    appending: bool = False,
) -> OutMessage:
    part = question.part
    lines = [
        texts.PART_QUESTION.format(
            progress=head, title=escape(part.title or question.section.heading), hint=part.hint
        )
    ]
    if part.example:
        example = phrasing.part_example(part, report.organisation)
        lines.append(texts.PART_EXAMPLE.format(example=escape(example)))
    current = report.texts.get(part.id, "")
    last = previous.texts.get(part.id, "") if previous else ""
    first_row: list[Button] = []
    if current.strip():
        template = texts.PART_CURRENT_APPEND if appending else texts.PART_CURRENT
        lines.append(template.format(length=len(current), excerpt=excerpt(current)))
        first_row.append(answer_button(seq, texts.BTN_KEEP_TEXT, AnswerAction.KEEP_TEXT))
    elif last.strip():
        lines.append(texts.PART_LAST_YEAR.format(excerpt=excerpt(last, 60)))
        first_row.append(
            answer_button(seq, texts.BTN_USE_LAST_YEAR_TEXT, AnswerAction.LAST_YEAR_TEXT)
        )
    # No 本部分完成: a part is done with its message (保留原文 keeps a text already there).
    buttons = [first_row, navigation_row(seq)] if first_row else [navigation_row(seq)]
    return OutMessage(text="\n".join(lines), buttons=buttons, question=True)


_UNIT_NOTE = re.compile(r"（单位：[^）]*）")


def column_names(columns: tuple[Column, ...]) -> str:
    """``自然人、商业企业…（单位：件）``; each column's unit when they differ."""
    names = [_UNIT_NOTE.sub("", c.name) for c in columns]
    units = [c.unit.symbol for c in columns]
    if len(set(units)) == 1:
        return "、".join(names) + f"（单位：{units[0]}）"
    return "、".join(f"{name}（{unit}）" for name, unit in zip(names, units, strict=True))


def question_label(question: RowQuestion) -> str:
    """A row's label with its parents: ``三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密``."""
    return " › ".join(question.row.labels) if len(question.row.labels) > 1 else question.label


def has_legend(question: RowQuestion) -> bool:
    """Whether the row's table is asked under one legend (tables 三 and 四: every row has the
    same columns); table 二's blocks each have their own, so each row says its columns."""
    return len(question.table.blocks) == 1 and len(question.columns) > 1


def _row_message(
    question: RowQuestion,
    head: str,
    seq: int,
    report: Report,
    previous: Report | None,
    legend: bool = True,
) -> OutMessage:
    columns = question.columns
    block = f"{question.block.title}\n" if question.block.title else ""
    label = escape(question_label(question))
    if has_legend(question):
        lines = [texts.ROW_QUESTION_HEAD.format(progress=head, block=block, label=label)]
        if legend:
            lines.append(phrasing.legend(report.format, question.table.id))
        else:
            lines.append(texts.ROW_QUESTION_SHORT.format(count=len(columns)))
    else:
        template = texts.ROW_QUESTION if len(columns) > 1 else texts.ROW_ONE_QUESTION
        lines = [
            template.format(
                progress=head,
                block=block,
                label=label,
                count=len(columns),
                names=column_names(columns),
            ),
            texts.ROW_EXAMPLE.format(example=example_row(columns)),
        ]
    lines += [texts.ROW_SIGNED.format(name=c.label) for c in columns if c.signed]
    first_row = [answer_button(seq, texts.BTN_ROW_ZERO, AnswerAction.ROW_ZERO)]
    group = group_of(report.format, question.key)
    if group is not None and has_group_rest(report, question):
        label = texts.BTN_GROUP_REST_ZERO.format(group=short_label(group.label, 8))
        first_row.append(answer_button(seq, label, AnswerAction.GROUP_ZERO))
    if is_result_row(question):
        first_row.append(answer_button(seq, texts.BTN_RESULTS_REST_ZERO, AnswerAction.REST_ZERO))
    else:
        first_row.append(answer_button(seq, texts.BTN_REST_ZERO, AnswerAction.REST_ZERO))
    last_values = last_year_values(question, previous)
    carry = question.row.role is RowRole.CARRIED_OVER
    if last_values is not None:
        template = texts.ROW_LAST_YEAR_CARRY if carry else texts.ROW_LAST_YEAR
        lines.append(template.format(values=figures(last_values)))
        if None not in last_values:
            label = texts.BTN_CARRY_OVER if carry else texts.BTN_SAME_AS_LAST_YEAR
            first_row.append(answer_button(seq, label, AnswerAction.SAME_AS_LAST_YEAR))
    if question.row.role is RowRole.CARRIED_FORWARD and may_offer_balance(
        report, check(report, previous)
    ):
        balance = [v for v in balance_remainders(report) if v is not None]
        if len(balance) == len(question.cells) and all(v >= 0 for v in balance):
            lines.append(texts.ROW_BALANCE.format(values=figures(list(balance))))
            first_row.append(answer_button(seq, texts.BTN_BALANCE, AnswerAction.BALANCE))
    if any(c in report.figures for c in question.cells):
        lines.append(
            texts.ROW_CURRENT.format(
                values=figures([report.figures.get(c) for c in question.cells])
            )
        )
    return OutMessage(
        text="\n".join(lines), buttons=[first_row, navigation_row(seq)], question=True
    )


def is_result_row(question: RowQuestion) -> bool:
    """A row under 三、本年度办理结果 (where 余下为0 stops short of 四)."""
    return question.row.role is RowRole.RESULT


def _gate_message(
    question: GateQuestion, head: str, seq: int, previous: Report | None
) -> OutMessage:
    if question.gate == "applications":
        lines = [texts.GATE_APPLICATIONS.format(progress=head)]
        carried = carry.carried_forward_total(previous) if previous else None
        if carried:
            lines.append(texts.GATE_APPLICATIONS_CARRY.format(values=format_figure(carried)))
        yes, no = texts.BTN_YES_APPLICATIONS, texts.BTN_NO_APPLICATIONS
    else:
        lines = [texts.GATE_APPEALS.format(progress=head)]
        yes, no = texts.BTN_YES_APPEALS, texts.BTN_NO_APPEALS
    buttons = [
        [answer_button(seq, yes, AnswerAction.YES), answer_button(seq, no, AnswerAction.NO)],
        navigation_row(seq),
    ]
    return OutMessage(text="\n".join(lines), buttons=buttons, question=True)


def last_year_values(question: RowQuestion, previous: Report | None) -> list[Decimal | None] | None:
    """Last year's figures for the row (None when last year's report has none of them).

    Across formats only the cells that mean the same are shared; the others show as unknown.
    """
    if previous is None:
        return None
    known = previous.format.cells_by_id
    values = [previous.value(c) if c in known else None for c in question.last_year_cells]
    return None if all(v is None for v in values) else values


def stock_notes(
    question: RowQuestion, fmt: ReportFormat, previous: Report, values: list[Decimal]
) -> list[str]:
    """How 同上年 worked out each stock of the row that is not simply last year's figure."""
    by_id = carry.stocks(fmt)
    this_year = dict(zip(question.cells, values, strict=True))
    notes = []
    for cell, source in zip(question.cells, question.last_year_cells, strict=True):
        stock, value = by_id.get(cell), this_year[cell]
        if stock is None or value == previous.value(source):
            continue  # a plain copy needs no word
        terms = [(c, previous.value(c)) for c in stock.last]
        terms += [(c, this_year[c]) for c in stock.added]
        formula = "＋".join(_term(fmt, c, v) for c, v in terms)
        formula += "".join("－" + _term(fmt, c, this_year[c]) for c in stock.removed)
        notes.append(
            texts.SAME_AS_LAST_YEAR_STOCK.format(
                label=escape(fmt.cell(cell).column.name),
                formula=escape(formula),
                value=format_figure(value),
            )
        )
    return notes


def _term(fmt: ReportFormat, cell_id: str, value: Decimal | None) -> str:
    """``“本年制发件数”4``; a negative change in brackets: ``“本年增/减”（−2）``."""
    if value is None:
        shown = "—"
    elif value < 0:
        shown = f"（−{format_figure(-value)}）"
    else:
        shown = format_figure(value)
    return f"“{fmt.cell(cell_id).column.name}”{shown}"


# --- problems -------------------------------------------------------------------------------


def violation_message(
    violation: Violation, report: Report, hints: FixHints | None = None
) -> OutMessage:
    """A broken rule, with buttons to re-enter each row involved (and to accept a warning)."""
    return violations_message([violation], report, hints)


def violations_message(
    violations: list[Violation], report: Report, hints: FixHints | None = None
) -> OutMessage:
    """Broken rules of one kind in one message (a row that breaks two columns is one message).

    Re-entry buttons name the rows whose correction fixes the most (``report.fixes``), the rows
    just entered always among them; a warning has a button to accept it with a reason.
    """
    first = violations[0]
    error = first.severity is Severity.ERROR
    template = texts.ERROR_FOUND if error else texts.WARNING_FOUND
    description = "\n".join(escape(v.describe()) for v in violations)
    buttons: list[list[Button]] = [[b] for b in fix_buttons(violations, report, hints)]
    if not buttons:  # no row's correction helps (an outlier): every row involved
        for violation in violations:
            for reenter in reenter_buttons(violation, report):
                if [reenter] not in buttons:
                    buttons.append([reenter])
    if not error and len(violations) > 1:
        # Each warning its own button: a reason answers one warning, never the bundle.
        template = texts.WARNINGS_FOUND
        description = "\n".join(
            f"{n}. {escape(v.describe())}" for n, v in enumerate(violations, start=1)
        )
        buttons = buttons[: max(0, 8 - len(violations))]
        for number, violation in enumerate(violations[:8], start=1):
            rule = rule_number(report.format, violation.key)
            label = texts.BTN_ACCEPT_NUMBERED.format(number=number)
            buttons.append([button(label, ExplainWarning(rule))])
        return OutMessage(text=template.format(description=description), buttons=buttons)
    if not error:
        buttons.append(
            [
                button(
                    texts.BTN_ACCEPT_WARNING, ExplainWarning(rule_number(report.format, first.key))
                )
            ]
        )
    return OutMessage(text=template.format(description=description), buttons=buttons[:8])


@dataclass(frozen=True)
class FixHints:
    """What the ranking of fix rows reads besides the report: the rows just entered, the rows
    entered lately (newest first) and last year's report."""

    just_entered: tuple[str, ...] = ()
    recent: tuple[str, ...] = ()
    previous: Report | None = None


def fix_buttons(
    violations: list[Violation], report: Report, hints: FixHints | None = None, limit: int = 4
) -> list[Button]:
    """重填 buttons for the rows best placed to fix ``violations`` (``rank_fix_rows``), at most
    ``limit``, every row just entered among them; empty when no row's correction helps."""
    hints = hints or FixHints()
    ranked = rank_fix_rows(
        report,
        violations,
        just_entered=set(hints.just_entered),
        recent=hints.recent,
        previous=hints.previous,
    )
    keys = [c.key for c in ranked if c.fixed]
    chosen = keys[:limit]
    for key in hints.just_entered:
        if key in [c.key for c in ranked] and key not in chosen:
            chosen = [*chosen[: limit - 1], key] if len(chosen) >= limit else [*chosen, key]
    if not keys:
        return []
    plan = plan_for(report.format)
    buttons = []
    for key in chosen:
        index = index_of(report.format, key)
        question = plan[index]
        assert isinstance(question, RowQuestion)
        buttons.append(
            button(texts.BTN_REENTER.format(label=short_label(question.label)), Jump(index))
        )
    return buttons


def reenter_buttons(violation: Violation, report: Report, limit: int = 4) -> list[Button]:
    """One button per row involved; for long rules the rows that hold figures come first."""
    plan = plan_for(report.format)
    indexes = list(
        dict.fromkeys(
            i for c in violation.cells if (i := row_question_for_cell(report.format, c)) is not None
        )
    )
    if len(indexes) > limit:

        def holds_figures(i: int) -> bool:
            question = plan[i]
            return isinstance(question, RowQuestion) and any(
                report.figures.get(c) for c in question.cells
            )

        keep = [i for i in indexes if holds_figures(i)]
        keep += [i for i in (indexes[0], indexes[1], indexes[-1]) if i not in keep]
        indexes = sorted(keep[:limit])
    buttons = []
    for i in indexes:
        question = plan[i]
        assert isinstance(question, RowQuestion)
        buttons.append(button(texts.BTN_REENTER.format(label=short_label(question.label)), Jump(i)))
    return buttons


_LONG_NOTE = re.compile(r"（[^）]{6,}）")


def short_label(label: str, limit: int = 14) -> str:
    """A row label short enough for a button: ``一、本年新收申请数量``, ``（二）部分公开``."""
    label = _LONG_NOTE.sub("", label.replace("\n", "")).replace("政府信息公开", "")
    return label if len(label) <= limit else label[: limit - 1] + "…"


# --- contents and review --------------------------------------------------------------------


def section_mark(
    section: Section, report: Report, gates: dict[str, bool], violations: list[Violation]
) -> str:
    """✅ done, ❌ errors, ⚠️ warnings, … missing."""
    plan = plan_for(report.format)
    questions = [q for q in plan if q.section is section]
    cells = {c.id for c in section.table.cells} if section.table else set()
    parts = {f"part:{p.id}" for p in section.parts}
    mine = [v for v in violations if cells & set(v.cells) or (not v.cells and cells)]
    if any(v.severity is Severity.ERROR for v in mine):
        return "❌"
    if not all(is_answered(q, report, gates) for q in questions):
        return "…"
    if mine or (parts and any(v.kind == "narrative" for v in violations) and section.number == 1):
        return "⚠️"
    return "✅"


def contents_message(
    report: Report, gates: dict[str, bool], violations: list[Violation]
) -> OutMessage:
    buttons = [
        [
            button(
                texts.BTN_SECTION.format(
                    mark=section_mark(s, report, gates, violations), heading=s.heading
                ),
                OpenSection(s.number),
            )
        ]
        for s in report.format.sections
    ]
    buttons.append([button(texts.BTN_ROW_LIST, RowList(0))])
    buttons.append([button(texts.BTN_REVIEW, Review()), button(texts.BTN_EXPORT, Export())])
    return OutMessage(text=texts.CONTENTS, buttons=buttons)


def row_code(labels: tuple[str, ...]) -> str:
    """A short code for a table row: ``三（三）1`` for 三、…（三）不予公开 1.属于国家秘密."""
    code = ""
    for label in labels:
        match = _NUMBERING.match(label)
        code += match.group(1).rstrip("、.") if match else label
    return code


def pad(label: str, width: int = 16) -> str:
    """``label`` cut or padded to ``width`` display columns (a Chinese character takes two)."""
    out, used = "", 0
    for char in label:
        size = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + size > width:
            break
        out, used = out + char, used + size
    return out + " " * (width - used)


def table_block(table: Table, report: Report, only_nonzero: bool) -> str:
    """A compact monospace view of a table a phone can show."""
    lines: list[str] = []
    hidden = 0
    for block in table.blocks:
        if block.title:
            names = "/".join(c.name for c in block.columns)
            lines.append(f"{block.title}：{names}")
        columns = block.columns
        if table.id == "appeals":
            for group, label in APPEAL_GROUPS:
                ids = [c for c in columns if c.id.startswith(f"{group}.")]
                values = [report.value(block.cell_id(block.rows[0], c)) for c in ids]
                lines.append(f"{pad(label)} {figures(values)}")
            continue
        for row in block.rows:
            values = [report.value(block.cell_id(row, c)) for c in columns]
            key_row = row.id.endswith(("new", "carried_over", "results_total", "carried_forward"))
            if only_nonzero and not key_row and all(v == 0 for v in values):
                hidden += 1
                continue
            lines.append(f"{pad(row_code(row.labels))} {figures(values)}")
    if hidden:
        lines.append(texts.REVIEW_ZERO_ROWS)
    return "\n".join(lines)


def review_messages(
    report: Report,
    status: str,
    gates: dict[str, bool],
    violations: list[Violation],
    organisation: str,
    hints: FixHints | None = None,
) -> list[OutMessage]:
    """Completion per section with each table as a monospace block; then the open problems.

    Two messages, so that neither comes near Telegram's 4096-character limit.
    """
    lines = [
        texts.REVIEW_TITLE.format(
            organisation=escape(organisation),
            year=report.year,
            status=texts.STATUS.get(status, status),
        )
    ]
    plan = plan_for(report.format)
    for section in report.format.sections:
        missing = sum(1 for q in plan if q.section is section and not is_answered(q, report, gates))
        detail = texts.REVIEW_MISSING.format(count=missing) if missing else ""
        lines.append(
            texts.REVIEW_SECTION.format(
                mark=section_mark(section, report, gates, violations),
                heading=section.heading,
                detail=detail,
            )
        )
        if section.table is not None:
            if section.table.id != "disclosure":
                block = section.table.blocks[0]
                labels = block.columns if section.table.id == "applications" else block.columns[:5]
                legend = " ".join(c.label for c in labels)
                lines.append(texts.REVIEW_LEGEND.format(legend=escape(legend)))
            lines.append(
                f"<pre>{escape(table_block(section.table, report, only_nonzero=section.table.id == 'applications'))}</pre>"
            )
    overview = OutMessage(text="\n".join(lines))
    lines = []
    buttons: list[list[Button]] = []
    if violations:
        lines.append(texts.REVIEW_PROBLEMS.format(count=len(violations)))
        for number, violation in enumerate(violations[:8], start=1):
            mark = "❌" if violation.severity is Severity.ERROR else "⚠️"
            lines.append(f"{number}. {mark} {escape(violation.describe())}")
            first = fix_buttons([violation], report, hints, limit=1) or reenter_buttons(
                violation, report, limit=1
            )
            row = [Button(label=f"{number}. {first[0].label}", data=first[0].data)] if first else []
            if violation.severity is Severity.WARNING:
                rule = rule_number(report.format, violation.key)
                label = texts.BTN_ACCEPT_NUMBERED.format(number=number)
                row.append(button(label, ExplainWarning(rule)))
            if row:
                buttons.append(row)
    else:
        lines.append(texts.REVIEW_NO_PROBLEMS)
    buttons.append([button(texts.BTN_CONTINUE, Fill()), button(texts.BTN_EXPORT, Export())])
    buttons.append([button(texts.BTN_ROW_LIST, RowList(0))])
    return [overview, OutMessage(text="\n".join(lines), buttons=buttons)]
