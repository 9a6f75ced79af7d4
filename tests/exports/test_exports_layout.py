"""The exported DOCX has the official structure and GB/T 9704 typography."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from exports_helpers import valid_report
from lxml import etree

from exports import write_docx
from report.formats import APPLICATIONS_NOTE, CURRENT, LEGACY
from report.layout import HeaderGroup

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def current_docx() -> bytes:
    return write_docx(valid_report(CURRENT, 2023, seed=11), issued=date(2024, 1, 22))


@pytest.fixture(scope="module")
def legacy_docx() -> bytes:
    return write_docx(valid_report(LEGACY, 2020, seed=12), issued=date(2021, 1, 28))


def _part(docx: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return etree.fromstring(archive.read(name))


def _style(docx: bytes, paragraph) -> etree._Element:
    styles = _part(docx, "word/styles.xml")
    style_id = paragraph.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
    return styles.find(f"{W}style[@{W}styleId='{style_id}']")


def _body_paragraphs(docx: bytes) -> list[etree._Element]:
    body = _part(docx, "word/document.xml").find(f"{W}body")
    return [p for p in body if p.tag == f"{W}p"]


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _fonts(style: etree._Element) -> tuple[str, int]:
    rpr = style.find(f"{W}rPr")
    return rpr.find(f"{W}rFonts").get(f"{W}eastAsia"), int(rpr.find(f"{W}sz").get(f"{W}val"))


def test_page_is_a4_with_the_official_margins(current_docx: bytes) -> None:
    section = Document(io.BytesIO(current_docx)).sections[0]
    measured = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(m.mm, 1) for m in measured] == [210.0, 297.0, 37.0, 35.0, 28.0, 26.0]


def test_title_sections_and_parts_are_numbered_and_set_in_their_fonts(current_docx: bytes) -> None:
    paragraphs = [p for p in _body_paragraphs(current_docx) if _text(p)]
    title = paragraphs[0]
    assert _text(title) == "赣州经济技术开发区蟠龙镇人民政府2023年政府信息公开工作年度报告"
    title_style = _style(current_docx, title)
    assert _fonts(title_style) == ("方正小标宋简体", 44)
    assert title_style.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"

    by_font: dict[str, list[str]] = {}
    for paragraph in paragraphs[1:]:
        by_font.setdefault(_fonts(_style(current_docx, paragraph))[0], []).append(_text(paragraph))
    assert by_font["黑体"] == [s.heading for s in CURRENT.sections]
    assert [h[:3] for h in by_font["黑体"]] == [
        "一、总",
        "二、主",
        "三、收",
        "四、政",
        "五、存",
        "六、其",
    ]
    assert by_font["楷体_GB2312"] == [p.title for p in CURRENT.parts if p.title]
    assert all(
        t.startswith(("（一）", "（二）", "（三）", "（四）", "（五）"))
        for t in by_font["楷体_GB2312"]
    )


def test_body_text_is_fangsong_16pt_on_a_fixed_line_pitch_with_a_two_character_indent(
    current_docx: bytes,
) -> None:
    body = next(p for p in _body_paragraphs(current_docx) if "方面，我镇" in _text(p))
    style = _style(current_docx, body)
    assert _fonts(style) == ("仿宋_GB2312", 32)
    spacing = style.find(f"{W}pPr/{W}spacing")
    assert spacing.get(f"{W}lineRule") == "exact"
    assert 28 * 20 <= int(spacing.get(f"{W}line")) <= 29 * 20
    assert style.find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"


def test_every_run_names_its_east_asian_font_and_every_official_font_has_a_fallback(
    current_docx: bytes,
) -> None:
    names = ["word/document.xml", "word/footer1.xml", "word/footer2.xml"]
    runs = [r for name in names for r in _part(current_docx, name).iter(f"{W}r")]
    assert len(runs) > 300
    assert all(r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") for r in runs)
    fonts = _part(current_docx, "word/fontTable.xml")
    declared = {f.get(f"{W}name"): f for f in fonts.iter(f"{W}font")}
    for name in ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体"):
        assert declared[name].find(f"{W}altName").get(f"{W}val")
        assert declared[name].find(f"{W}charset").get(f"{W}val") == "86"  # GB2312


def test_table_text_is_between_10_5_and_12_points(current_docx: bytes) -> None:
    body = _part(current_docx, "word/document.xml")
    sizes = {
        int(r.find(f"{W}rPr/{W}sz").get(f"{W}val"))
        for tbl in body.iter(f"{W}tbl")
        for r in tbl.iter(f"{W}r")
    }
    assert sizes and all(21 <= s <= 24 for s in sizes)


def test_page_numbers_are_dashed_and_alternate_sides(current_docx: bytes) -> None:
    settings = _part(current_docx, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    document = Document(io.BytesIO(current_docx))
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text == "— 1 —"
        assert "PAGE" in "".join(i.text for i in footer._p.iter(qn("w:instrText")))
    assert odd._p.find(f"{W}pPr/{W}jc") is None or odd.alignment is None  # right, from its style
    assert even._p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "left"


def test_the_closing_names_the_organisation_and_the_date_right_aligned(current_docx: bytes) -> None:
    paragraphs = [p for p in _body_paragraphs(current_docx) if _text(p)]
    name, issued = paragraphs[-2:]
    assert (_text(name), _text(issued)) == ("赣州经济技术开发区蟠龙镇人民政府", "2024年1月22日")
    for paragraph in (name, issued):
        assert _style(current_docx, paragraph).find(f"{W}pPr/{W}jc").get(f"{W}val") == "right"


# --- table headers as the official format merges them --------------------------------------------


def _rows(docx: bytes, index: int) -> list[list[tuple[str, int, str | None]]]:
    """Table ``index`` as rows of (text, grid span, vMerge) per printed cell."""
    table = list(_part(docx, "word/document.xml").iter(f"{W}tbl"))[index]
    rows = []
    for tr in table.iter(f"{W}tr"):
        cells = []
        for tc in tr.findall(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            cells.append(
                (
                    _text(tc),
                    int(span.get(f"{W}val")) if span is not None else 1,
                    None if merge is None else (merge.get(f"{W}val") or "continue"),
                )
            )
        rows.append(cells)
    return rows


def test_table3_header_is_three_rows_deep_with_the_official_merges(legacy_docx: bytes) -> None:
    block = LEGACY.table("applications").blocks[0]
    applicants = block.header[0]
    assert isinstance(applicants, HeaderGroup)
    organisations = applicants.children[1]
    assert isinstance(organisations, HeaderGroup)
    rows = _rows(legacy_docx, 1)
    assert rows[0] == [(APPLICATIONS_NOTE, 3, "restart"), (applicants.label, 7, None)]
    assert rows[1] == [
        ("", 3, "continue"),
        ("自然人", 1, "restart"),
        (organisations.label, 5, None),
        ("总计", 1, "restart"),
    ]
    assert rows[2] == [
        ("", 3, "continue"),
        ("", 1, "continue"),
        *[(block.column(c).label, 1, None) for c in organisations.children],
        ("", 1, "continue"),
    ]
    # Every data row: its labels over three grid columns, then seven figures.
    for row in rows[3:]:
        assert sum(span for _, span, _ in row) == 10
        assert all(text.lstrip("-").isdigit() for text, _, _ in row[-7:])
    # 三、本年度办理结果 stands once, merged down over all its rows.
    first_column = [row[0] for row in rows[3:]]
    assert first_column[2] == ("三、本年度办理结果", 1, "restart")
    results = len(block.rows) - 3
    assert first_column[3 : 2 + results] == [("", 1, "continue")] * (results - 1)


def test_table4_header_groups_review_and_the_two_kinds_of_litigation(current_docx: bytes) -> None:
    rows = _rows(current_docx, 2)
    assert [(t, s) for t, s, _ in rows[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [(t, s, m) for t, s, m in rows[1][:5]] == [
        (label, 1, "restart") for label in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    ]
    assert [(t, s) for t, s, _ in rows[1][5:]] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]
    assert [m for _, _, m in rows[2][:5]] == ["continue"] * 5
    assert [t for t, _, _ in rows[2][5:]] == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ] * 2
    assert len(rows) == 4 and len(rows[3]) == 15


def test_table2_has_each_block_titled_across_the_table_over_its_own_header(
    legacy_docx: bytes,
) -> None:
    rows = _rows(legacy_docx, 0)
    table = LEGACY.table("disclosure")
    titles = [row for row in rows if len(row) == 1]
    assert [(t, s) for ((t, s, _),) in titles] == [(b.title, 7) for b in table.blocks]
    headers = [row for row in rows if row[0][0] == "信息内容"]
    assert [[t for t, _, _ in row[1:]] for row in headers] == [
        [c.label.replace("\n", "") for c in b.columns] for b in table.blocks
    ]
    # Money whose unit the header does not state carries it in the cell, as offices write it.
    procurement = rows[-1]
    assert procurement[0][0] == "政府集中采购" and procurement[-1][0].endswith("元")


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice and poppler are not installed",
)
def test_libreoffice_renders_the_export_with_chinese_text(
    current_docx: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(current_docx)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    squeezed = "".join(text.split())
    assert "政府信息公开工作年度报告" in squeezed
    assert "申请人情况" in squeezed and "行政复议" in squeezed
    assert "—2—" in squeezed
    # The closing is never split from its date.
    assert "赣州经济技术开发区蟠龙镇人民政府2024年1月22日" in squeezed
