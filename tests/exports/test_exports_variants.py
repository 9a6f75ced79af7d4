"""Layout variants met in real reports, on documents the tests build (the real ones are in
test_exports_real.py): label typos matched by similarity, the 2019–2020 row （六）其他处理 in a
current-format year, amounts printed beyond the clerk's precision, PDFs without text, old
Word files, web pages recognised by content."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from exports_helpers import flatten, valid_report

from exports import DocumentRejected, ProblemKind, read_document, read_pdf, read_text, write_docx
from exports.labels import closest
from report.formats import CURRENT
from report.rules import Severity, check


def _current_text(seed: int = 7) -> tuple[str, dict[str, Decimal]]:
    report = valid_report(CURRENT, 2023, seed=seed, organisation="某县某镇人民政府")
    return flatten(write_docx(report, issued=date(2024, 1, 10))), dict(report.figures)


def test_a_label_typo_carried_from_year_to_year_is_read_and_flagged() -> None:
    text, figures = _current_text()
    assert "\t2.其他法律行政法规禁止公开\n" in text
    result = read_text(text.replace("\t2.其他法律行政法规禁止公开\n", "\t2.其他法律行政止公开\n"))
    row = "applications.refused.prohibited_by_law"
    for cell_id, value in figures.items():
        if cell_id.startswith(row + "."):
            assert result.report.figures[cell_id] == value
    flagged = [p for p in result.problems if "其他法律行政止公开" in p.message]
    assert len(flagged) == 1 and "2.其他法律行政法规禁止公开" in flagged[0].message
    assert result.figures_complete


def test_a_label_close_to_two_rows_is_reported_not_guessed() -> None:
    known = ["要求行政机关确认已获取信息甲", "要求行政机关确认已获取信息乙"]
    found = closest("要求行政机关确认已获取信息丙", known)
    assert found.key in known and found.rival in known and found.key != found.rival
    clear = closest("其他法律行政止公开", ["其他法律行政法规禁止公开", "属于国家秘密"])
    assert (clear.key, clear.rival) == ("其他法律行政法规禁止公开", None)
    assert closest("本年度工作总结", ["其他法律行政法规禁止公开"]).key is None


def test_a_label_like_no_row_is_reported() -> None:
    text, _ = _current_text()
    result = read_text(text.replace("\t7.属于行政执法案卷\n", "\t7.属于行政执法事项\n"))
    assert any("属于行政执法事项" in p.message for p in result.problems)
    assert not result.figures_complete


def test_the_legacy_other_row_in_a_current_year_keeps_its_figures() -> None:
    text, _ = _current_text(seed=11)
    lines = text.split("\n")
    start = lines.index("\t（六）其他处理")
    end = lines.index("\t（七）总计")
    legacy_row = ["\t（六）其他处理", "\t2", "\t0", "\t0", "\t0", "\t0", "\t1", "\t3", ""]
    result = read_text("\n".join([*lines[:start], *legacy_row, *lines[end:]]))
    values = [
        result.report.figures[f"applications.other.misc.{c}"]
        for c in (
            "natural_person",
            "business",
            "research",
            "public_interest",
            "legal_service",
            "other_org",
            "total",
        )
    ]
    assert values == [2, 0, 0, 0, 0, 1, 3]
    named = [p for p in result.problems if "（六）其他处理" in p.message]
    assert len(named) == 1 and named[0].kind is ProblemKind.FIGURE
    assert not result.figures_complete
    assert not any("未找到" in p.message and "其他处理" in p.message for p in result.problems)


def test_amounts_printed_to_the_yuan_and_beyond_are_kept() -> None:
    text, _ = _current_text()
    lines = text.split("\n")
    fee_row = lines.index("\t行政事业性收费")
    lines[fee_row + 1] = "\t24252.311082"
    result = read_text("\n".join(lines))
    assert result.report.figures["disclosure.fees.amount"] == Decimal("24252.311082")
    assert not [p for p in result.problems if "disclosure.fees" in (p.cell_id or "")]
    assert not [v for v in check(result.report) if v.severity is Severity.ERROR]


def _pdf_without_text() -> bytes:
    """A one-page PDF holding only a drawn rectangle: what a scan without OCR looks like."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    stream = b"0 0 1 rg 100 100 200 200 re f"
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_a_scanned_pdf_gets_a_clear_message() -> None:
    with pytest.raises(DocumentRejected) as refused:
        read_pdf(_pdf_without_text())
    assert "没有文字层" in refused.value.message and "扫描件" in refused.value.message
    with pytest.raises(DocumentRejected) as refused:
        read_document(_pdf_without_text(), "年报.pdf")
    assert "没有文字层" in refused.value.message


def test_a_broken_pdf_is_refused_with_a_message() -> None:
    with pytest.raises(DocumentRejected) as refused:
        read_document(b"%PDF-1.7\n" + bytes(100), "坏.pdf")
    assert "PDF" in refused.value.message


def test_a_web_page_is_recognised_by_its_content() -> None:
    page = "<html><body><h1>某县某镇人民政府2023年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>"
    result = read_document(page.encode("utf-8"), "report.htm")
    assert (result.organisation, result.year) == ("某县某镇人民政府", 2023)


def test_an_old_word_file_without_libreoffice_gets_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(DocumentRejected) as refused:
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "年报.doc")
    assert "LibreOffice" in refused.value.message and ".docx" in refused.value.message


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_old_word_file_is_read_through_libreoffice(tmp_path) -> None:
    import subprocess

    report = valid_report(CURRENT, 2023, seed=5, organisation="某县某镇人民政府")
    docx_path = tmp_path / "年报.docx"
    docx_path.write_bytes(write_docx(report, issued=date(2024, 1, 10)))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(tmp_path),
            str(docx_path),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    result = read_document((tmp_path / "年报.doc").read_bytes(), "年报.doc")
    assert result.organisation == "某县某镇人民政府"
    assert {k: result.report.figures[k] for k in report.figures} == report.figures
    assert result.figures_complete


def test_docx_inside_is_still_read_as_docx() -> None:
    report = valid_report(CURRENT, 2023, seed=3, organisation="某县某镇人民政府")
    data = write_docx(report, issued=date(2024, 1, 10))
    assert zipfile.is_zipfile(io.BytesIO(data))
    assert Document(io.BytesIO(data)).tables
    read = read_document(data, "x.docx").report.figures
    assert {k: read[k] for k in report.figures} == report.figures
