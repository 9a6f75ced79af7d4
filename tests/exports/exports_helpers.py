"""Building reports and report documents for the exports tests.

``valid_report`` makes a report every official rule holds for. ``flatten`` turns a DOCX into
the plain text a text extractor (Apache Tika) produces, as in the seed file. ``docx_from_body``
wraps hand-written WordprocessingML in a real package, so tests can build the odd documents
offices really send (split tables, unmerged headers, tracked changes) without binary fixtures.
"""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from report.formats import APPLICANT_COLUMNS
from report.layout import ReportFormat, UnitKind
from report.values import Report

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_TEXT = (DATA / "panlong-2020-report.txt").read_text(encoding="utf-8")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

ORGANISATION = "赣州经济技术开发区蟠龙镇人民政府"


def narrative(fmt: ReportFormat) -> dict[str, str]:
    """A text for every part: two paragraphs with full-width punctuation and figures."""
    return {
        part.id: f"{part.title or '本年度'}方面，我镇按照要求认真落实（详见附件），“公开”为常态。\n"
        f"第二段：全年共完成{index + 3}项工作，1.5万人次受益；下一步继续改进。"
        for index, part in enumerate(fmt.parts)
    }


def valid_report(
    fmt: ReportFormat, year: int, seed: int = 0, organisation: str = ORGANISATION
) -> Report:
    """A complete report with varied figures that satisfies every official rule."""
    rng = random.Random(seed)
    figures: dict[str, Decimal] = {}
    for cell in fmt.entered_cells:
        if cell.table.id == "applications":
            continue
        if cell.unit.kind is UnitKind.MONEY:
            cents = Decimal(rng.randint(0, 5_000_000)).scaleb(-cell.unit.decimals)
            figures[cell.id] = cents
        else:
            low = -9 if cell.column.signed else 0
            figures[cell.id] = Decimal(rng.randint(low, 400))
    block = fmt.table("applications").blocks[0]
    results_total = block.row("applications.results_total")
    for column in APPLICANT_COLUMNS:
        results = Decimal(0)
        for row_id in results_total.total_of:
            value = Decimal(rng.randint(0, 12))
            figures[f"{row_id}.{column.id}"] = value
            results += value
        forward = Decimal(rng.randint(0, 6))
        carried_over = Decimal(rng.randint(0, int(min(results + forward, 6))))
        figures[f"applications.carried_forward.{column.id}"] = forward
        figures[f"applications.carried_over.{column.id}"] = carried_over
        figures[f"applications.new.{column.id}"] = results + forward - carried_over
    return Report(
        organisation=organisation,
        year=year,
        format_id=fmt.id,
        figures=figures,
        texts=narrative(fmt),
    )


def all_values(report: Report) -> dict[str, Decimal]:
    """Every cell of the report's format with its value: entered figures and computed totals."""
    return {cell_id: report.value(cell_id) for cell_id in report.format.cells_by_id}


# --- documents -----------------------------------------------------------------------------------


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter(qn("w:p")):
        lines.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(lines)


def flatten(docx: bytes) -> str:
    """The DOCX as a text extractor flattens it: paragraphs as lines, each table cell on a line
    after a tab, a blank line after each row, two after a table."""
    document = Document(io.BytesIO(docx))
    out: list[str] = []
    for block in document.element.body:
        if block.tag == qn("w:p"):
            out.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for tr in block.iter(qn("w:tr")):
                for tc in tr.findall(qn("w:tc")):
                    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    continues = merge is not None and merge.get(qn("w:val")) != "restart"
                    out.append("\t" + ("" if continues else _cell_text(tc)))
                out.append("")
            out.append("")
    return "\n".join(out) + "\n"


def docx_from_body(body_xml: str) -> bytes:
    """A real DOCX package whose body is ``body_xml`` (WordprocessingML, ``w:`` prefix)."""
    document = Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    wrapper = parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>")
    sect = body.find(qn("w:sectPr"))
    for child in list(wrapper):
        sect.addprevious(child)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def p(text: str = "", *, right: bool = False) -> str:
    """A paragraph; ``|`` in the text starts a new run (as Word splits runs)."""
    ppr = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    runs = "".join(
        f'<w:r><w:t xml:space="preserve">{escape(r)}</w:t></w:r>' for r in text.split("|")
    )
    return f"<w:p>{ppr}{runs}</w:p>"


def tc(content: str = "", *, span: int = 1, merge: str | None = None, raw: bool = False) -> str:
    """A table cell: ``span`` grid columns wide, ``merge`` "restart" / "continue" for vertical
    merges; a newline in ``content`` starts a new paragraph; ``raw`` takes XML as it is."""
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        props += "<w:vMerge/>"
    body = content if raw else "".join(p(line) for line in content.split("\n"))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body or '<w:p/>'}</w:tc>"


def tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def tbl(*rows: str) -> str:
    return "<w:tbl><w:tblPr/>" + "".join(rows) + "</w:tbl>"


def simple_table(rows: list[list[str]]) -> str:
    """A table of plain, unmerged cells."""
    return tbl(*(tr(*(tc(c) for c in row)) for row in rows))


# --- hostile files (shared with tests/test_faults_uploads.py) ----------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
DOCUMENT_OPEN = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOCUMENT_CLOSE = "</w:body></w:document>"


def package(document_xml: bytes, *, compresslevel: int = 6) -> bytes:
    """A minimal zip with ``document_xml`` as the Word main part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def zip_bomb(megabytes: int = 64) -> bytes:
    """Under 1 MB on disk, ``megabytes`` of main document once unpacked."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        member.write(DOCUMENT_OPEN.encode())
        block = b" " * (1024 * 1024)
        for _ in range(megabytes):
            member.write(block)
        member.write(DOCUMENT_CLOSE.encode())
    return out.getvalue()


def entity_expansion() -> bytes:
    """A "billion laughs" main document."""
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">{lol}]>'
        f"{DOCUMENT_OPEN}<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>{DOCUMENT_CLOSE}"
    )
    return package(xml.encode())


def many_tables(count: int = 10_000) -> bytes:
    """A document of ``count`` one-cell tables."""
    table = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    return package((DOCUMENT_OPEN + table * count + DOCUMENT_CLOSE).encode())


def oversized(megabytes: int = 30) -> bytes:
    """A zip-looking file of ``megabytes`` MB."""
    return b"PK\x03\x04" + bytes(megabytes * 1024 * 1024)


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return out.getvalue()


_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>'
)
_TITLE = "<w:p><w:r><w:t>某县某镇人民政府2023年政府信息公开工作年度报告</w:t></w:r></w:p>"


def dotdot_members() -> bytes:
    """A package one of whose members is named ``../`` something (zip-slip)."""
    document = DOCUMENT_OPEN + _TITLE + DOCUMENT_CLOSE
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": document,
            "../../evil.sh": "echo owned",
        }
    )


def main_part_through_dotdot() -> bytes:
    """A package whose main part is reachable only through a ``../`` relationship target."""
    document = DOCUMENT_OPEN + _TITLE + DOCUMENT_CLOSE
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": _RELS.format(target="word/../../outside/document.xml"),
            "outside/document.xml": document,
        }
    )


def xinclude() -> bytes:
    """A main document that pulls in another file through XInclude."""
    body = (
        _TITLE + '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"'
        ' parse="text"/>'
    )
    return package((DOCUMENT_OPEN + body + DOCUMENT_CLOSE).encode())


def nested_tables(depth: int = 80) -> bytes:
    """Tables nested ``depth`` deep, one cell each."""
    inner = "<w:p/>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    return package((DOCUMENT_OPEN + _TITLE + inner + DOCUMENT_CLOSE).encode())


def deep_elements(depth: int = 300) -> bytes:
    """Content controls nested ``depth`` deep (beyond libxml2's own 256)."""
    inner = "<w:p/>"
    for _ in range(depth):
        inner = f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    return package((DOCUMENT_OPEN + inner + DOCUMENT_CLOSE).encode())


def invalid_encoding() -> bytes:
    """A main document with bytes that are not UTF-8 (GBK) in a UTF-8 document."""
    xml = DOCUMENT_OPEN.encode() + b"<w:p><w:r><w:t>" + "年度报告".encode("gbk")
    return package(xml + b"</w:t></w:r></w:p>" + DOCUMENT_CLOSE.encode())


def utf16_entity_expansion() -> bytes:
    """The "billion laughs" document in UTF-16 without a byte order mark."""
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0" encoding="UTF-16LE"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">'
        f"{lol}]>{DOCUMENT_OPEN}<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>{DOCUMENT_CLOSE}"
    )
    return package(xml.encode("utf-16-le"))


def nested_header_paragraphs(depth: int = 100, headers: int = 12, width: int = 20) -> bytes:
    """A real document whose page headers nest paragraphs inside paragraphs ``depth`` deep,
    ``width`` side by side (reading each paragraph apart is quadratic in the nesting)."""
    nest = "<w:r><w:t>页眉</w:t></w:r>"
    for _ in range(depth):
        nest = f"<w:p><w:r><w:t>眉</w:t></w:r>{nest}</w:p>"
    header = (
        '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + nest * width
        + "</w:hdr>"
    ).encode()
    source = io.BytesIO(docx_from_body(_TITLE))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item.filename))
        for number in range(1, headers + 1):
            copy.writestr(f"word/header{number}.xml", header)
    return out.getvalue()


def long_narrative(chars: int = 22_000) -> bytes:
    """A report title and a 22 KB ASCII narrative paragraph (legitimate, if odd)."""
    text = ("The quick brown fox jumps over the lazy dog 0123456789 " * (chars // 55 + 1))[:chars]
    return docx_from_body(_TITLE + p("一、总体情况") + p(text))


def long_cells(chars: int = 23_000) -> bytes:
    """A report title and a table whose cells hold 23 KB of text."""
    text = "x" * chars
    return docx_from_body(_TITLE + simple_table([["项目", text], [text, "0"]]))


def word_plain_text(docx: bytes) -> str:
    """What Word's 另存为纯文本 writes: paragraphs as lines, a table row on one line with its
    cells separated by tabs (a merged cell once)."""
    body = Document(io.BytesIO(docx)).element.body
    lines: list[str] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                cells = [
                    "".join(t.text or "" for t in tc.iter(qn("w:t")))
                    for tc in tr.iterchildren(qn("w:tc"))
                ]
                lines.append("\t".join(cells))
    return "\r\n".join(lines)
