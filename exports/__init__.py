"""DOCX out and in: the report in the official layout, and reports as offices write them.

Public API: :func:`write_docx`, :func:`read_docx`, :func:`read_text`, :class:`ReadResult`,
:class:`ReadProblem`, :class:`DocumentRejected`.
"""

from __future__ import annotations

from exports import texts
from exports.docx_source import BINARY_MAGIC, docx_source
from exports.reader import read_source
from exports.result import DocumentRejected, ProblemKind, ReadProblem, ReadResult
from exports.source import clean_source
from exports.text_source import decode_text, text_source
from exports.writer import needs_draft, report_title, write_docx
from report.cleaning import clean_text


def read_docx(data: bytes) -> ReadResult:
    """Read a report from a DOCX file; raises :class:`DocumentRejected` for files it refuses."""
    return read_source(clean_source(docx_source(data)))


def read_text(text: str) -> ReadResult:
    """Read a report from the plain-text flattening of a report document."""
    return read_source(clean_source(text_source(clean_text(text))))


def read_file(data: bytes) -> ReadResult:
    """Read a report file by its content: a DOCX file, else flattened text. Other binary files
    (old .doc, PDF, pictures) are refused with a message that says what they are."""
    if not data.strip():
        raise DocumentRejected(texts.REJECT_EMPTY)
    if data.startswith(BINARY_MAGIC) or b"\x00" in data[:4096]:
        return read_docx(data)
    return read_text(decode_text(data))


__all__ = [
    "DocumentRejected",
    "ProblemKind",
    "ReadProblem",
    "ReadResult",
    "needs_draft",
    "read_docx",
    "read_file",
    "read_text",
    "report_title",
    "write_docx",
]
