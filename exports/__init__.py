"""DOCX out and in: the report in the official layout, and reports as offices write them.

Public API: :func:`write_docx`; the readers :func:`read_docx`, :func:`read_text`,
:func:`read_pdf`, :func:`read_html`, :func:`read_doc` and the dispatcher by content
:func:`read_file` (``read_document`` is the same, with the file's name as a hint);
:class:`ReadResult`, :class:`ReadProblem`, :class:`DocumentRejected`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from exports.result import DocumentRejected, ProblemKind, ReadProblem, ReadResult

if TYPE_CHECKING:
    from exports.ledger_file import read_ledger_file
    from exports.writer import needs_draft, report_title, write_docx

#: Names loaded on first use (PEP 562), so that a command that only checks files does not
#: load the writer (python-docx) or every reader.
_LAZY = {
    "needs_draft": "exports.writer",
    "report_title": "exports.writer",
    "write_docx": "exports.writer",
    "read_ledger_file": "exports.ledger_file",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'exports' has no attribute {name!r}")


def read_docx(data: bytes) -> ReadResult:
    """Read a report from a DOCX file; raises :class:`DocumentRejected` for files it refuses."""
    from exports.docx_source import docx_source
    from exports.reader import read_source
    from exports.source import clean_source

    return read_source(clean_source(docx_source(data)))


def read_text(text: str) -> ReadResult:
    """Read a report from the plain-text flattening of a report document."""
    from exports.reader import read_source
    from exports.source import clean_source
    from exports.text_source import text_source
    from report.cleaning import clean_text

    return read_source(clean_source(text_source(clean_text(text))))


def read_pdf(data: bytes) -> ReadResult:
    """Read a published PDF report (text layer and ruled tables); a scanned PDF is refused."""
    from exports.pdf_source import pdf_source
    from exports.reader import read_source

    return read_source(pdf_source(data))


def read_html(data: bytes) -> ReadResult:
    """Read a saved web page of a published report."""
    from exports.html_source import html_source
    from exports.reader import read_source

    return read_source(html_source(data))


def read_doc(data: bytes, suffix: str = ".doc") -> ReadResult:
    """Read an old Word (.doc) or WPS (.wps) file through LibreOffice; refused when it is not
    installed."""
    from exports.office_convert import convert_to_docx

    return read_docx(convert_to_docx(data, suffix))


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<meta", b"<head", b"<body")) or (
        head.startswith(b"<") and b"<table" in data[:65536].lower()
    )


def read_file(data: bytes) -> ReadResult:
    """Read a report file by its content: DOCX, PDF, old Word/WPS, a saved web page, else
    flattened text. Other binary files (pictures) are refused with a message that says what
    they are."""
    return read_document(data)


def _reader_name(data: bytes, name: str | None = None) -> str:
    """Which reader :func:`read_document` uses for ``data``, told by its first bytes (and the
    file's name for ``.wps`` and saved web pages): nothing is parsed."""
    from exports import magic

    suffix = (name or "").lower().rpartition(".")[2]
    if not data.strip():
        return "empty"
    if data.startswith(magic.PDF):
        return "pdf"
    if data.startswith((magic.OLE, magic.OLD_WPS)):
        return "wps" if suffix == "wps" else "doc"
    if data.startswith(magic.BINARY) or b"\x00" in data[:4096]:
        return "docx"
    if suffix in ("html", "htm", "shtml", "mht") or _looks_like_html(data):
        return "html"
    return "text"


_DOCX_MODULES = ("exports.docx_source", "exports.source", "exports.reader")
#: The modules each reader imports when it runs: a caller about to fork a child to read a file
#: imports them first (:func:`load_reader`), so that the child spends its limits on reading.
_READER_MODULES: dict[str, tuple[str, ...]] = {
    "empty": ("exports.texts",),
    "pdf": ("exports.pdf_source", "exports.reader"),
    "doc": ("exports.office_convert", *_DOCX_MODULES),
    "wps": ("exports.office_convert", *_DOCX_MODULES),
    "docx": _DOCX_MODULES,
    "html": ("exports.html_source", "exports.reader"),
    "text": ("exports.text_source", "exports.source", "exports.reader", "report.cleaning"),
}


def load_reader(data: bytes, name: str | None = None, *, docx_only: bool = False) -> None:
    """Import what :func:`read_document` (or, with ``docx_only``, :func:`read_docx`) will need
    to read ``data``, without reading it."""
    reader = "docx" if docx_only else _reader_name(data, name)
    for module in _READER_MODULES[reader]:
        importlib.import_module(module)


def read_document(data: bytes, name: str | None = None) -> ReadResult:
    """Read a report file by its content, the file's name breaking ties (``.wps``)."""
    from exports import texts

    reader = _reader_name(data, name)
    if reader == "empty":
        raise DocumentRejected(texts.REJECT_EMPTY)
    if reader == "pdf":
        return read_pdf(data)
    if reader in ("doc", "wps"):
        return read_doc(data, f".{reader}")
    if reader == "docx":
        return read_docx(data)
    if reader == "html":
        return read_html(data)
    from exports.text_source import decode_text

    return read_text(decode_text(data))


__all__ = [
    "DocumentRejected",
    "ProblemKind",
    "ReadProblem",
    "ReadResult",
    "load_reader",
    "needs_draft",
    "read_doc",
    "read_document",
    "read_docx",
    "read_file",
    "read_html",
    "read_ledger_file",
    "read_pdf",
    "read_text",
    "report_title",
    "write_docx",
]
