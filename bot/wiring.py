"""Connecting the layers: the engine with the real document writer and reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, tzinfo

from dialogs import texts
from dialogs.engine import DocumentError, Engine
from dialogs.model import Document
from dialogs.office import SummaryMember
from dialogs.phrasing import issued_default
from exports import DocumentRejected, ReadResult, read_file, write_docx
from exports.summary import Member, Summary, summary_docx, summary_xlsx
from report.values import Report
from storage import Store


def docx_renderer(today: Callable[[], date]) -> Callable[[Report, bool, date | None], bytes]:
    """Renders the report as an official-format DOCX (征求意见稿 when a draft), dated the day
    given or else ``today()`` (blank for a back-filled year, see ``issued_default``)."""

    def render(report: Report, draft: bool, issued: date | None) -> bytes:
        # A back-filled year is left undated: today's date under it would be false.
        day = issued if issued is not None else issued_default(report.year, today())
        return write_docx(report, draft=draft, issued=day)

    return render


def read_report_docx(data: bytes) -> ReadResult:
    """Read an uploaded report (DOCX, PDF, web page, old Word/WPS, text, by its content); a
    file the reader refuses becomes the dialog's DocumentError."""
    try:
        return read_file(data)
    except DocumentRejected as refusal:
        raise DocumentError(refusal.message) from None


def write_summary(
    organisation: str,
    short: str,
    year: int,
    totals: Report,
    members: Sequence[SummaryMember],
) -> list[Document]:
    """The county office's summary table as XLSX and DOCX, named by the office's configured
    short name (so two counties' files never share a name)."""
    summary = Summary(
        organisation,
        year,
        totals,
        [Member(m.name, m.report, m.final, m.errors) for m in members],
    )
    return [
        Document(
            filename=texts.SUMMARY_FILENAME.format(short=short, year=year, ext=ext),
            data=write(summary),
        )
        for ext, write in (("xlsx", summary_xlsx), ("docx", summary_docx))
    ]


def make_engine(
    store: Store, today: Callable[[], date] | None = None, zone: tzinfo | None = None
) -> Engine:
    """The conversation engine as the bot and the console run it."""
    clock = today or date.today
    return Engine(
        store,
        render_docx=docx_renderer(clock),
        read_docx=read_report_docx,
        today=clock,
        write_summary=write_summary,
        zone=zone,
    )
