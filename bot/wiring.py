"""Connecting the layers: the engine with the real document writer and reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, tzinfo

from dialogs import texts
from dialogs.deadlines import DEFAULT_ZONE
from dialogs.engine import DocumentError, Engine, NotALedger, UnreadableWord
from dialogs.model import Document
from dialogs.office import SummaryMember
from dialogs.phrasing import issued_default
from dialogs.review_flow import RenderDocx
from exports import DocumentRejected, ReadResult, write_docx
from exports.ledger_file import NoLedgerTables
from exports.sandbox import Kind, read_ledger_untrusted, read_untrusted
from exports.summary import Member, Summary, summary_docx, summary_xlsx
from report.ledger import Ledger, LedgerError
from report.review import ReviewEvidence
from report.values import Report
from storage import Store


def docx_renderer(today: Callable[[], date], zone: tzinfo = DEFAULT_ZONE) -> RenderDocx:
    """Renders the report as an official-format DOCX (征求意见稿 when a draft), dated the day
    given or else ``today()`` (blank for a back-filled year, see ``issued_default``), with the
    review appendix (its dates in ``zone``) when given."""

    def render(
        report: Report, draft: bool, issued: date | None, appendix: ReviewEvidence | None = None
    ) -> bytes:
        # A back-filled year is left undated: today's date under it would be false.
        day = issued if issued is not None else issued_default(report.year, today())
        return write_docx(report, draft=draft, issued=day, appendix=appendix, zone=zone)

    return render


def read_report_docx(data: bytes) -> ReadResult:
    """Read an uploaded report in the sandbox (a limited child process; DOCX, PDF, web page,
    old Word/WPS or text, by its content); a file the reader refuses becomes the dialog's
    DocumentError."""
    try:
        return read_untrusted(data, Kind.ANY)
    except DocumentRejected as refusal:
        raise DocumentError(refusal.message) from None


def read_ledger_upload(data: bytes, name: str) -> Ledger:
    """Read an uploaded application ledger in the sandbox (a limited child process): the one
    call to the ledger reader for uploads, from the chat and the console.

    A file the reader refuses (not a ledger format, too large, hostile, too costly, no header,
    a bad row) becomes the dialog's DocumentError with the reader's Chinese message. A .docx is
    a ledger only when one of its tables has a ledger header: otherwise NotALedger, so that the
    engine gives the report reader's refusal; when it cannot be opened at all, UnreadableWord
    (the engine asks the report reader too and, if both refuse, says both).
    """
    is_docx = name.lower().endswith(".docx")
    try:
        return read_ledger_untrusted(data, name)
    except NoLedgerTables as refusal:
        if is_docx:
            raise NotALedger(texts.LEDGER_NO_HEADER_IN_DOCX) from None
        raise DocumentError(refusal.message) from None
    except DocumentRejected as refusal:
        raise (UnreadableWord if is_docx else DocumentError)(refusal.message) from None
    except LedgerError as error:
        raise DocumentError(error.message) from None


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
    store: Store,
    today: Callable[[], date] | None = None,
    zone: tzinfo | None = None,
    read_docx: Callable[[bytes], ReadResult] = read_report_docx,
    read_ledger: Callable[[bytes, str], Ledger] = read_ledger_upload,
) -> Engine:
    """The conversation engine as the bot and the console run it."""
    clock = today or date.today
    return Engine(
        store,
        render_docx=docx_renderer(clock, zone or DEFAULT_ZONE),
        read_docx=read_docx,
        read_ledger=read_ledger,
        today=clock,
        write_summary=write_summary,
        zone=zone,
    )
