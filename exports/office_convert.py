"""Old Word (.doc) and WPS (.wps) files, converted to DOCX by LibreOffice when installed.

The conversion runs ``soffice --headless --convert-to docx`` in a temporary directory with its
own user profile, under a time limit; without LibreOffice the file is refused with a message
that tells the clerk how to save it as .docx.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from exports import texts
from exports.docx_source import MAX_FILE_BYTES, MB
from exports.result import DocumentRejected

TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    """The LibreOffice program, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str = ".doc") -> bytes:
    """The DOCX LibreOffice makes of an old Word or WPS file."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    program = soffice()
    if program is None:
        raise DocumentRejected(texts.REJECT_NO_OFFICE)
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as work:
        folder = Path(work)
        source = folder / f"report{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise DocumentRejected(texts.REJECT_CONVERSION_FAILED.format(detail="超时")) from None
        converted = folder / "out" / "report.docx"
        if not converted.is_file():
            raise DocumentRejected(texts.REJECT_CONVERSION_FAILED.format(detail="未生成文件"))
        return converted.read_bytes()
