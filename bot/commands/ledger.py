"""``nianbao ledger``: count an application ledger (依申请公开台账) into table 三.

Reads the ledger, prints the columns it found, how each wording was mapped, the counts and the
rows it skipped; ``--map`` answers a question (remembered for the organisation); ``--apply``
writes the counts into the report's draft as typed answers are written; ``--explain`` lists the
ledger rows behind a cell.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from bot.commands.common import db_option, fail, opened_store
from dialogs.errors import describe
from exports import DocumentRejected
from exports.sandbox import read_ledger_untrusted_path
from report.formats import APPLICANT_COLUMNS, format_for_year, get_format
from report.layout import ReportFormat
from report.ledger import Counting, Ledger, LedgerError, count_ledger, explain
from report.ledger import candidate_label as label_of
from report.ledger_summary import (
    LedgerSummary,
    candidate_label,
    count_rows,
    explain_text,
    question_text,
    summarise,
    summary_lines,
)
from report.ledger_wording import Role, normalise, result_rows
from report.rules import Severity
from storage import Organisation, StorageError, Store

HELP = (
    "统计依申请公开台账（.xlsx、.xls、.csv 或含表格的 .docx），得出年度报告表三的数字。"
    "显示识别的栏目、对应关系、统计结果和未计入的行；加 --apply 写入该年度报告的草稿。"
)
HELP_ORG = "单位全称或简称。"
HELP_YEAR = "报告年份（按这一年统计）。"
HELP_JSON = "以 JSON 格式输出，供其他程序使用。"
HELP_APPLY = "把统计结果写入该单位该年度报告的表三（还有未确定的写法时拒绝写入）。"
HELP_EXPLAIN = "列出某一格由台账哪些行统计而来，如 applications.granted.natural_person（可重复）。"
HELP_MAP = (
    "确定一种写法对应的项目，如 --map 个体户=商业企业、--map 已答复=予以公开（可重复，会记住）。"
)

ORG_NOT_FOUND = "未找到单位“{name}”。请先用“nianbao org add 单位全称”添加。"
FILE_UNREADABLE = "无法打开文件“{path}”：{error}"
BAD_MAP = "“{value}”的写法不对，应写成“台账中的写法=表三中的项目”，如 个体户=商业企业。"
MAP_NOT_IN_LEDGER = "台账的申请人类型和答复类型中没有“{wording}”这种写法。"
MAP_NO_TARGET = "“{choice}”不是表三中的{kind}。可选：{choices}。"
MAP_AMBIGUOUS = "“{choice}”可以指表三中的多项（{choices}），请写得更完整些。"
MAP_KINDS = {Role.APPLICANT: "申请人类别", Role.OUTCOME: "办理结果"}
MAPPED = "已记住：本单位台账中的“{wording}”计入“{target}”。"
UNKNOWN_CELL = "“{cell}”不是表三中的一格。格的编号形如 applications.granted.natural_person（行.列），列为：{columns}。"
APPLY_REFUSED = "还有{count}种写法未确定对应哪一项，未写入报告。请用 --map 确定，例如：{example}"
APPLIED = "已写入{organisation} {year}年报告的表三：{changed}个数字有变化（记录来源：台账）。"
APPLY_ERRORS = "写入后报告有{count}项错误："
ITEM = "  {number}. {text}"
#: After a ledger mostly of another year than --year: how to count it for that year.
OTHER_YEAR = "如果要填的是{year}年度报告，请改用 --year {year}。"


def _find(store: Store, name: str) -> Organisation:
    found = store.find_organisation(name)
    if found is None:
        fail(ORG_NOT_FOUND.format(name=name))
    return found


def _read(file: Path) -> Ledger:
    """The ledger read in the sandbox (a limited child process; the size checked first)."""
    try:
        return read_ledger_untrusted_path(file, one_shot=True)
    except OSError as error:
        fail(FILE_UNREADABLE.format(path=file, error=error.strerror or error))
    except (DocumentRejected, LedgerError) as error:
        fail(error.message)


def _choices(fmt: ReportFormat, kind: Role) -> dict[str, list[str]]:
    """Each candidate id of a kind with the names it may be given by in ``--map``."""
    if kind is Role.APPLICANT:
        return {c.id: [c.id, c.name] for c in APPLICANT_COLUMNS}
    return {r.id: [r.id, " ".join(r.labels[1:]), r.label] for r in result_rows(fmt)}


def _target(fmt: ReportFormat, kind: Role, choice: str) -> tuple[str | None, str]:
    """The id a ``--map`` choice names (exactly, else the one label containing it), or None
    and the message saying why not."""
    wanted = normalise(choice)
    choices = _choices(fmt, kind)
    exact = [i for i, names in choices.items() if wanted in {normalise(n) for n in names}]
    near = [i for i, names in choices.items() if any(wanted in normalise(n) for n in names)]
    for found in (exact, near):
        if len(found) == 1:
            return found[0], ""
    labels = "、".join(label_of(fmt, kind, i) for i in (near or choices))
    template = MAP_AMBIGUOUS if near else MAP_NO_TARGET
    return None, template.format(choice=choice, kind=MAP_KINDS[kind], choices=labels)


def _remember(
    store: Store, organisation: Organisation, ledger: Ledger, fmt: ReportFormat, value: str
) -> str:
    wording, sep, choice = value.partition("=")
    if not sep or not wording.strip() or not choice.strip():
        fail(BAD_MAP.format(value=value))
    key = normalise(wording)
    if any(normalise(a.applicant) == key for a in ledger.applications):
        kind = Role.APPLICANT
    elif any(normalise(a.outcome) == key for a in ledger.applications):
        kind = Role.OUTCOME
    else:
        fail(MAP_NOT_IN_LEDGER.format(wording=wording.strip()))
    target, why = _target(fmt, kind, choice)
    if target is None:
        fail(why)
    store.remember_ledger_wording(organisation.id, str(kind), key, target, person_id=None)
    return MAPPED.format(wording=wording.strip(), target=label_of(fmt, kind, target))


def _summary_json(summary: LedgerSummary, explained: dict[str, list[str]]) -> dict[str, Any]:
    counting = summary.counting
    return {
        "year": counting.year,
        "format": counting.format_id,
        "complete": counting.complete,
        "columns": [
            {"role": str(c.role), "sheet": c.sheet, "column": c.letter, "header": c.header}
            for c in counting.ledger.columns
        ],
        "applications": len(counting.ledger.applications),
        "counted": counting.counted_rows,
        "mappings": [
            {"kind": str(m.kind), "value": m.value, "target": m.target, "by": m.by, "rows": m.rows}
            for m in counting.mappings
        ],
        "questions": [
            {
                "kind": str(q.kind),
                "value": q.value,
                "key": q.key,
                "text": question_text(counting, q),
                "candidates": [
                    {"id": c, "label": candidate_label(counting, q, c)} for c in q.candidates
                ],
                "rows": [{"sheet": r.sheet, "row": r.number} for r in q.rows],
            }
            for q in summary.questions
        ],
        "figures": counting.figures,
        "rows": [
            {"row": r.row_id, "label": r.label, "total": r.total, "by_column": dict(r.by_column)}
            for r in count_rows(counting)
        ]
        if counting.complete
        else [],
        "skipped": [
            {"reason": reason, "rows": [{"sheet": r.sheet, "row": r.number} for r in rows]}
            for reason, rows in summary.skipped
        ],
        "warnings": [v.describe() for v in summary.carry_warnings],
        "differences": [
            {
                "cell": d.cell_id,
                "label": d.label,
                "current": None if d.current is None else str(d.current),
                "counted": d.counted,
            }
            for d in summary.differences
        ],
        "explain": explained,
    }


def _explained(counting: Counting, cells: tuple[str, ...]) -> dict[str, tuple[str, list[str]]]:
    out: dict[str, tuple[str, list[str]]] = {}
    for cell in cells:
        try:
            rows = explain(counting, cell)
        except KeyError:
            columns = "、".join(f"{c.id}（{c.name}）" for c in APPLICANT_COLUMNS)
            fail(UNKNOWN_CELL.format(cell=cell, columns=columns))
        out[cell] = (
            explain_text(counting, cell),
            [f"{r.sheet}!{r.number}" for r in rows],
        )
    return out


@click.command("ledger", help=HELP)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--org", "org_name", required=True, help=HELP_ORG)
@click.option("--year", type=int, required=True, help=HELP_YEAR)
@click.option("--json", "as_json", is_flag=True, help=HELP_JSON)
@click.option("--apply", "apply", is_flag=True, help=HELP_APPLY)
@click.option("--explain", "explain_cells", multiple=True, metavar="CELL", help=HELP_EXPLAIN)
@click.option("--map", "maps", multiple=True, metavar="写法=项目", help=HELP_MAP)
@db_option
def ledger_command(
    file: Path,
    org_name: str,
    year: int,
    as_json: bool,
    apply: bool,
    explain_cells: tuple[str, ...],
    maps: tuple[str, ...],
    db_path: Path,
) -> None:
    try:
        default_format = format_for_year(year)
    except ValueError:
        fail(f"没有适用于{year}年的报告格式。")
    ledger = _read(file)
    messages: list[str] = []
    with opened_store(db_path) as store:
        organisation = _find(store, org_name)
        stored = store.report(organisation.id, year, create=False)
        fmt = get_format(stored.format_id) if stored else default_format
        messages += [_remember(store, organisation, ledger, fmt, m) for m in maps]
        counting = count_ledger(ledger, year, fmt, store.ledger_wording(organisation.id))
        report = store.load(stored.id) if stored else None
        previous = store.previous_report(organisation.id, year)
        summary = summarise(counting, report=report, previous=previous)
        explained = _explained(counting, explain_cells)
        written = None
        if apply and counting.complete:
            target = store.report(organisation.id, year)
            assert target is not None
            try:
                written = store.write_ledger_counts(
                    target.id, counting, person_id=None, file_name=file.name
                )
            except StorageError as error:
                fail(describe(error, store))
    if as_json:
        out = _summary_json(summary, {c: rows for c, (_, rows) in explained.items()})
        out["applied"] = written is not None
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for line in [*messages, *summary_lines(summary, other_year=OTHER_YEAR)]:
            click.echo(line)
        for text, _ in explained.values():
            click.echo(text)
    if apply and not counting.complete:
        example = f"--map {summary.questions[0].value}={_first_label(counting)}"
        fail(APPLY_REFUSED.format(count=len(summary.questions), example=example))
    if written is not None and not as_json:
        click.echo(
            APPLIED.format(organisation=organisation.name, year=year, changed=written.changed)
        )
        errors = [v for v in written.violations if v.severity is Severity.ERROR]
        if errors:
            click.echo(APPLY_ERRORS.format(count=len(errors)))
            for number, violation in enumerate(errors, start=1):
                click.echo(ITEM.format(number=number, text=violation.describe()))


def _first_label(counting: Counting) -> str:
    question = counting.questions[0]
    return candidate_label(counting, question, question.candidates[0])


COMMANDS = (ledger_command,)
