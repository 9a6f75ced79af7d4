"""Connecting the layers: the engine with the real document writer and reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, tzinfo

from dialogs import texts
from dialogs.engine import DocumentError, Engine
from dialogs.model import Document
from dialogs.review_flow import RenderDocx
from exports import DocumentRejected, ReadResult, read_docx, write_docx
from exports.summary import Summary, summary_docx, summary_xlsx
from report.review import ReviewEvidence
from report.values import Report
from storage import Store, default_short_name


def docx_renderer(today: Callable[[], date]) -> RenderDocx:
    """Renders the report as an official-format DOCX (征求意见稿 when a draft), dated the day
    given or else ``today()``, with the review appendix when given."""

    def render(
        report: Report, draft: bool, issued: date | None, appendix: ReviewEvidence | None = None
    ) -> bytes:
        return write_docx(report, draft=draft, issued=issued or today(), appendix=appendix)

    return render


def read_report_docx(data: bytes) -> ReadResult:
    """Read an uploaded report; a file the reader refuses becomes the dialog's DocumentError."""
    try:
        return read_docx(data)
    except DocumentRejected as refusal:
        raise DocumentError(refusal.message) from None


def write_summary(
    organisation: str, year: int, totals: Report, members: Sequence[tuple[str, Report | None]]
) -> list[Document]:
    """The county office's summary table as XLSX and DOCX."""
    short = default_short_name(organisation)
    summary = Summary(organisation, year, totals, members)
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
