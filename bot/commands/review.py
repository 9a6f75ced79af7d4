"""``nianbao review``: hand a report in, return it with comments, approve or reopen it, from a
terminal. A thin layer over ``Store``; every refusal is the store's own Chinese sentence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.commands.common import configured_zone, db_option, fail, opened_store
from dialogs.review_flow import comment_label
from exports import write_docx
from exports.appendix import local_date
from report.parsing import format_figure
from report.review import Place, ReviewStatus, marked_draft
from storage import NewComment, Store, StoredReport

HELP_GROUP = "上级审核：提交审核、退回修改、审核通过、重新打开，查看审核状态。"
HELP_ORG = "ORG 为单位全称或简称。"
HELP_YEAR = "报告年度。"
HELP_PERSON = "办理人的用户编号（Telegram 用户编号）。"
HELP_COMMENT = (
    "退回意见，格式为“位置=意见”，可写多条。位置如 row:applications/applications.granted（一行）、"
    "cell:applications.new.total（一格）、part:problems（一段正文）。"
)
HELP_NOTE = "说明（记入审核记录）。"
HELP_OUT = "导出的 Word 文件路径。"
HELP_APPENDIX = "在报告后附上审核情况说明。"

ORG_NOT_FOUND = "未找到单位“{name}”。可使用“nianbao org list”查看已添加的单位。"
NO_REPORT = "{org}尚无{year}年度报告。"
STATUS_LINE = "{org}{year}年度报告：{status}"
SINCE_LINE = "自{date}起，已{days}天。"
HISTORY_LINE = "{date}  {event}  {person}{note}"
COMMENT_LINE = "{number}. [{state}] {place}：{text}"
COMMENT_OPEN = "待修改"
COMMENT_ANSWERED = "已修改"
CHANGE_LINE = "{label}：{before} → {after}"
NO_CHANGES = "退回后没有修改。"
BAD_COMMENT = "意见“{comment}”的格式不对，应为“位置=意见”，例如：part:problems=问题写得太笼统。"
BAD_PLACE = "位置“{place}”不是本报告格式中的一行、一格或一段正文。"
DONE = "已办理：{event}。报告当前状态：{status}。"
RETURNED = "已退回修改，附意见{count}条。"
WRITTEN = "已导出：{path}"
EMPTY = "（空）"


@click.group(help=HELP_GROUP)
def review() -> None:
    pass


def _report(store: Store, name: str, year: int) -> StoredReport:
    org = store.find_organisation(name)
    if org is None:
        fail(ORG_NOT_FOUND.format(name=name))
    stored = store.report(org.id, year, create=False)
    if stored is None:
        fail(NO_REPORT.format(org=org.name, year=year))
    return stored


def _person(store: Store, person_id: int | None) -> str:
    if person_id is None:
        return ""
    person = store.person(person_id)
    return person.display_name if person else str(person_id)


def _done(store: Store, stored: StoredReport, status: ReviewStatus) -> None:
    event = store.review_history(stored.id)[-1].event
    click.echo(DONE.format(event=event.label, status=status.label))


def _shown(value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return value if len(value) <= 40 else value[:40] + "……"
    return format_figure(value)  # type: ignore[arg-type]


_org = click.argument("org_name", metavar="ORG")
_year = click.option("--year", type=int, required=True, help=HELP_YEAR)
_person_option = click.option("--person", "person_id", type=int, required=True, help=HELP_PERSON)


@review.command("status", help="查看报告的审核状态、审核记录和退回意见。" + HELP_ORG)
@_org
@_year
@db_option
def status(org_name: str, year: int, db_path: Path) -> None:
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        current = store.review(stored.id)
        org = store.organisation(stored.organisation_id)
        zone = configured_zone()
        click.echo(STATUS_LINE.format(org=org.name, year=year, status=current.status.label))
        if current.since is not None:
            days = (datetime.now(UTC) - current.since).days
            click.echo(SINCE_LINE.format(date=local_date(current.since, zone), days=days))
        for record in store.review_history(stored.id):
            click.echo(
                HISTORY_LINE.format(
                    date=local_date(record.at, zone),
                    event=record.event.label,
                    person=_person(store, record.person_id),
                    note=f"（{record.note}）" if record.note else "",
                )
            )
        fmt = store.load(stored.id).format
        for number, comment in enumerate(store.comments(stored.id), start=1):
            click.echo(
                COMMENT_LINE.format(
                    number=number,
                    state=COMMENT_ANSWERED if comment.answered else COMMENT_OPEN,
                    place=comment_label(fmt, comment.place),
                    text=comment.text,
                )
            )


@review.command("submit", help="提交审核（退回后再次提交）。" + HELP_ORG)
@_org
@_year
@_person_option
@click.option("--note", help=HELP_NOTE)
@db_option
def submit(org_name: str, year: int, person_id: int, note: str | None, db_path: Path) -> None:
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        after = store.submit(stored.id, person_id=person_id, note=note)
        _done(store, stored, after.status)


@review.command("return", help="退回修改，至少附一条意见。" + HELP_ORG)
@_org
@_year
@_person_option
@click.option("--comment", "comments", multiple=True, required=True, help=HELP_COMMENT)
@click.option("--note", help=HELP_NOTE)
@db_option
def return_(
    org_name: str,
    year: int,
    person_id: int,
    comments: tuple[str, ...],
    note: str | None,
    db_path: Path,
) -> None:
    given: list[NewComment] = []
    for comment in comments:
        where, sep, text = comment.partition("=")
        if not sep:
            fail(BAD_COMMENT.format(comment=comment))
        try:
            given.append(NewComment(Place.parse(where.strip()), text))
        except ValueError:
            fail(BAD_PLACE.format(place=where))
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        try:
            _, recorded = store.return_report(stored.id, given, person_id=person_id, note=note)
        except ValueError:
            fail(BAD_PLACE.format(place="、".join(c.place.key for c in given)))
        click.echo(RETURNED.format(count=len(recorded)))


@review.command("approve", help="审核通过。" + HELP_ORG)
@_org
@_year
@_person_option
@click.option("--note", help=HELP_NOTE)
@db_option
def approve(org_name: str, year: int, person_id: int, note: str | None, db_path: Path) -> None:
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        after = store.approve(stored.id, person_id=person_id, note=note)
        _done(store, stored, after.status)


@review.command("reopen", help="重新打开已审核通过的报告，以便修改。" + HELP_ORG)
@_org
@_year
@_person_option
@click.option("--note", help=HELP_NOTE)
@db_option
def reopen(org_name: str, year: int, person_id: int, note: str | None, db_path: Path) -> None:
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        after = store.reopen(stored.id, person_id=person_id, note=note)
        _done(store, stored, after.status)


@review.command("changes", help="查看退回后修改了哪些数字和正文。" + HELP_ORG)
@_org
@_year
@db_option
def changes(org_name: str, year: int, db_path: Path) -> None:
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        found = store.changes_since_return(stored.id)
    if not found:
        click.echo(NO_CHANGES)
    for change in found:
        click.echo(
            CHANGE_LINE.format(
                label=change.label, before=_shown(change.before), after=_shown(change.after)
            )
        )


@review.command("export", help="导出报告；未审核通过的标注“征求意见稿”。" + HELP_ORG)
@_org
@_year
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help=HELP_OUT
)
@click.option("--appendix", is_flag=True, help=HELP_APPENDIX)
@db_option
def export(org_name: str, year: int, out: Path, appendix: bool, db_path: Path) -> None:
    with opened_store(db_path) as store:
        stored = _report(store, org_name, year)
        current = store.review(stored.id)
        draft = marked_draft(current.status, bool(store.supervisors_of(stored.organisation_id)))
        evidence = store.review_evidence(stored.id) if appendix else None
        data = write_docx(
            store.load(stored.id), draft=draft, appendix=evidence, zone=configured_zone()
        )
    out.write_bytes(data)
    click.echo(WRITTEN.format(path=out))
