"""``nianbao check``, ``nianbao import`` and ``nianbao export``: report documents in and out.

``check`` needs no database: a county office points it at the reports its townships submitted
and gets, for each file, every rule violation with its numbers and every cell it could not read.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.commands.common import db_option, fail, opened_store, write_atomically
from exports import DocumentRejected
from exports.check import CheckedFile, check_files
from exports.sandbox import read_untrusted_path
from report.cleaning import safe_filename

if TYPE_CHECKING:
    from report.rules import Violation
    from storage import Organisation, Store

# What the commands print (the operator reads Chinese).
HELP_CHECK = "检查年度报告文件（.docx、.pdf、保存的网页 .html、由 Word 或 LibreOffice 导出的 .txt 文本；装有 LibreOffice 时也可读 .doc、.wps）：列出每个文件违反的规则（附数字）和未能读取的单元格。任一文件有错误时退出码为 1。"
HELP_JSON = "以 JSON 格式输出，供其他程序使用。"
HELP_IMPORT = "把年度报告文件读入数据库。机关名称和年份默认取自文件标题。"
HELP_ORG_IMPORT = "单位全称或简称（默认取文件标题中的机关名称）。"
HELP_YEAR_IMPORT = "报告年份（默认取文件标题中的年份）。"
HELP_EXPORT = "把数据库中的年度报告导出为 Word 文档（官方格式）。"
HELP_ORG = "单位全称或简称。"
HELP_YEAR = "报告年份。"
HELP_OUTPUT = (
    "输出文件路径（默认为当前目录下的“<单位全称><年份>年政府信息公开工作年度报告.docx”）。"
)
HELP_DRAFT = "按征求意见稿导出（页眉标注“征求意见稿”）。"
HELP_DATE = "落款日期，格式为 YYYY-MM-DD（默认为今天）。"
HELP_REPLACE_FINAL = (
    "确认用文件内容覆盖数据库中已定稿的报告（不加此项时，已定稿的报告不会被导入覆盖）。"
)

FILE_HEADING = "【{name}】"
REPORT_LINE = "{organisation} {year}年报告（{format}）"
REJECTED = "  无法读取：{message}"
NOT_READABLE = "  无法打开文件：{error}"
ERRORS_HEADING = "  错误 {count} 项："
WARNINGS_HEADING = "  提醒 {count} 项："
PROBLEMS_HEADING = "  未能读取 {count} 处："
ITEM = "    {number}. {text}"
VERDICT_ERRORS = "  结论：有错误，需要退回修改。"
VERDICT_WARNINGS = "  结论：未发现错误，有需要核实的提醒。"
VERDICT_OK = "  结论：未发现问题。"
DRAFT_MARKED = "  本文件页眉标注“征求意见稿”，不是定稿（导出时有错误或尚有缺项）。"
SUMMARY = (
    "共检查 {total} 份：{passed} 份未发现错误，{failed} 份有错误（其中 {rejected} 份无法读取）。"
)
NO_FILES = "请指定要检查的文件。"

ORG_NOT_FOUND = (
    "未找到单位“{name}”。请先用“nianbao org add 单位全称”添加，或用 --org 指定已添加的单位。"
)
NO_ORG_IN_TITLE = "文件标题中没有机关名称，请用 --org 指定单位。"
NO_YEAR_IN_TITLE = "文件标题中没有年份，请用 --year 指定年份。"
IMPORTED = (
    "已导入：{organisation} {year}年报告（{format}），读出数字 {figures} 个、文字 {texts} 段。"
)
IMPORT_ERRORS = "注意：该报告有 {count} 项错误，请核对（可用“nianbao check”查看详情）。"
NO_REPORT = "数据库中没有{organisation} {year}年的报告。"
EXPORTED = "已导出：{path}"
EXPORTED_AS_DRAFT = "报告有错误或尚有缺项，已按征求意见稿导出（页眉标注“征求意见稿”）。"
BAD_YEAR = "年份“{value}”不是有效的年份。"
FILE_UNREADABLE = "无法打开文件“{path}”：{error}"
NOTHING_READ = "文件中没有读出任何数字或文字，未导入，数据库中的报告保持原样。"
FINAL_EXISTS = (
    "数据库中{organisation} {year}年的报告已经定稿。导入会用文件内容覆盖已定稿的全部数字和文字，"
    "未导入。确需覆盖时，请加上 --replace-final 再次运行。"
)
REPLACED_FINAL = "注意：已定稿的报告已被文件内容覆盖，状态改为“已导入”，需要重新定稿。"


def _rejection(item: CheckedFile) -> str | None:
    """Why a file could not be checked, in the operator's words (None: it was read)."""
    if item.unopened is not None:
        return NOT_READABLE.format(error=item.unopened).strip()
    return item.rejected


def _print_text(checked: list[CheckedFile]) -> None:
    for item in checked:
        click.echo(FILE_HEADING.format(name=item.path))
        if (rejection := _rejection(item)) is not None:
            click.echo(REJECTED.format(message=rejection))
            click.echo(VERDICT_ERRORS)
            continue
        assert item.result is not None
        report = item.result.report
        click.echo(
            "  "
            + REPORT_LINE.format(
                organisation=report.organisation, year=report.year, format=report.format.name
            )
        )
        for heading, lines in (
            (ERRORS_HEADING, [v.describe() for v in item.errors]),
            (PROBLEMS_HEADING, [p.describe() for p in item.unread]),
            (WARNINGS_HEADING, [v.describe() for v in item.warnings]),
        ):
            if lines:
                click.echo(heading.format(count=len(lines)))
                for number, line in enumerate(lines, start=1):
                    click.echo(ITEM.format(number=number, text=line))
        if item.result.draft:
            click.echo(DRAFT_MARKED)
        if item.failed:
            click.echo(VERDICT_ERRORS)
        else:
            attention = item.warnings or item.unread or item.result.draft
            click.echo(VERDICT_WARNINGS if attention else VERDICT_OK)
    failed = sum(1 for c in checked if c.failed)
    click.echo(
        SUMMARY.format(
            total=len(checked),
            passed=len(checked) - failed,
            failed=failed,
            rejected=sum(1 for c in checked if _rejection(c) is not None),
        )
    )


def _violation_json(violation: Violation) -> dict[str, Any]:
    return {
        "key": violation.key,
        "severity": str(violation.severity),
        "title": violation.title,
        "message": violation.describe(),
        "cells": list(violation.cells),
    }


def _as_json(item: CheckedFile) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file": str(item.path),
        "ok": not item.failed,
        "rejected": _rejection(item),
    }
    if item.result is not None:
        report = item.result.report
        out |= {
            "organisation": item.result.organisation,
            "year": item.result.year,
            "format": item.result.format_id,
            "issued": item.result.issued.isoformat() if item.result.issued else None,
            "draft": item.result.draft,
            "violations": [_violation_json(v) for v in item.violations],
            "problems": [
                {"where": p.where, "message": p.message, "kind": str(p.kind), "cell": p.cell_id}
                for p in item.unread
            ],
            "figures": {k: str(v) for k, v in report.figures.items()},
        }
    return out


@click.command("check", help=HELP_CHECK)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help=HELP_JSON)
def check_command(files: tuple[Path, ...], as_json: bool) -> None:
    if not files:
        fail(NO_FILES, code=2)
    checked = check_files(list(files), one_shot=True)
    if as_json:
        click.echo(json.dumps([_as_json(c) for c in checked], ensure_ascii=False, indent=2))
    else:
        _print_text(checked)
    if any(c.failed for c in checked):
        raise click.exceptions.Exit(1)


# --- import and export ---------------------------------------------------------------------------


def _find(store: Store, *names: str | None) -> Organisation | None:
    for name in names:
        if name:
            found = store.find_organisation(name)
            if found is not None:
                return found
    return None


@click.command("import", help=HELP_IMPORT)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--org", "org_name", help=HELP_ORG_IMPORT)
@click.option("--year", type=int, help=HELP_YEAR_IMPORT)
@click.option("--replace-final", is_flag=True, help=HELP_REPLACE_FINAL)
@db_option
def import_command(
    file: Path, org_name: str | None, year: int | None, replace_final: bool, db_path: Path
) -> None:
    try:
        # In the sandbox, as ``check`` reads: the size checked first, a limited child process.
        result = read_untrusted_path(file, one_shot=True)
    except DocumentRejected as error:
        fail(error.message)
    except OSError as error:
        fail(FILE_UNREADABLE.format(path=file, error=error.strerror or error))
    if not result.report.figures and not result.report.texts:
        fail(NOTHING_READ)
    if org_name is None and result.organisation is None:
        fail(NO_ORG_IN_TITLE)
    year = year if year is not None else result.year
    if year is None:
        fail(NO_YEAR_IN_TITLE)
    with opened_store(db_path) as store:
        organisation = (
            _find(store, org_name)
            if org_name
            else _find(store, result.organisation, result.signed_by)
        )
        if organisation is None:
            fail(ORG_NOT_FOUND.format(name=org_name or result.organisation))
        report = result.report.model_copy(update={"organisation": organisation.name, "year": year})
        existing = store.report(organisation.id, year, create=False)
        from storage import ReportStatus

        was_final = existing is not None and existing.status == ReportStatus.FINAL
        if was_final and not replace_final:
            fail(FINAL_EXISTS.format(organisation=organisation.name, year=year))
        store.save_imported(
            organisation.id, year, report, person_id=None, source=f"import:{file.name}"
        )
    click.echo(
        IMPORTED.format(
            organisation=organisation.name,
            year=year,
            format=report.format.name,
            figures=len(report.figures),
            texts=len(report.texts),
        )
    )
    if was_final:
        click.echo(REPLACED_FINAL)
    if result.problems:
        click.echo(PROBLEMS_HEADING.format(count=len(result.problems)).strip())
        for number, problem in enumerate(result.problems, start=1):
            click.echo(ITEM.format(number=number, text=problem.describe()).strip())
    from report.rules import Severity, check

    errors = [v for v in check(report) if v.severity is Severity.ERROR]
    if errors:
        click.echo(IMPORT_ERRORS.format(count=len(errors)))


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(value) from None


@click.command("export", help=HELP_EXPORT)
@click.option("--org", "org_name", required=True, help=HELP_ORG)
@click.option("--year", type=int, required=True, help=HELP_YEAR)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=HELP_OUTPUT)
@click.option("--draft", is_flag=True, help=HELP_DRAFT)
@click.option("--date", "issued", callback=_parse_date, help=HELP_DATE)
@db_option
def export_command(
    org_name: str, year: int, output: Path | None, draft: bool, issued: date | None, db_path: Path
) -> None:
    with opened_store(db_path) as store:
        organisation = _find(store, org_name)
        if organisation is None:
            fail(ORG_NOT_FOUND.format(name=org_name))
        stored = store.report(organisation.id, year, create=False)
        if stored is None:
            fail(NO_REPORT.format(organisation=organisation.name, year=year))
        report = store.load(stored.id)
    from exports import needs_draft, report_title, write_docx  # python-docx: export only

    data = write_docx(report, draft=draft, issued=issued or date.today())
    path = output or Path(safe_filename(f"{report_title(report)}.docx"))
    try:
        write_atomically(path, data)
    except OSError as error:
        fail(FILE_UNREADABLE.format(path=path, error=error.strerror or error))
    click.echo(EXPORTED.format(path=path))
    if not draft and needs_draft(report):
        click.echo(EXPORTED_AS_DRAFT)


COMMANDS = (check_command, import_command, export_command)
