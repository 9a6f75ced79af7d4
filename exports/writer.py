"""Writing a report as a Word document in the official layout and GB/T 9704 typography."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, tzinfo

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from exports import texts, typography
from exports.appendix import LineKind, appendix_lines
from exports.figures import format_figure
from exports.grid import GridCell, Kind, TableGrid, table_grid
from exports.package import finish_package, prune
from exports.typography import Font
from report.cleaning import clean_text
from report.layout import Section, Table
from report.review import ReviewEvidence
from report.rules import check, errors
from report.values import Report


def report_title(report: Report) -> str:
    """``<机关全称><年份>年政府信息公开工作年度报告``."""
    return f"{report.organisation}{report.year}{texts.TITLE_SUFFIX}"


def needs_draft(report: Report) -> bool:
    """Whether the report may only go out as a draft (征求意见稿): figures are missing or a
    rule finds an error."""
    return bool(report.missing_cells()) or bool(errors(check(report)))


def write_docx(
    report: Report,
    *,
    draft: bool = False,
    issued: date | None = None,
    appendix: ReviewEvidence | None = None,
    zone: tzinfo = UTC,
) -> bytes:
    """The report as a DOCX file in the official format.

    ``draft`` marks every page 征求意见稿 in the header; a report that :func:`needs_draft` is
    always written as a draft. ``issued`` is the date under the organisation's name (left blank
    for the clerk to fill in when None). ``appendix`` adds the review appendix on a page of its
    own after the report, its dates in ``zone`` (the bot and the CLI pass ``NIANBAO_TZ``). The
    same arguments always give the same bytes.
    """
    # Stored text may hold characters XML cannot (typed before they were cleaned on entry).
    report = report.model_copy(
        update={
            "organisation": clean_text(report.organisation) or report.organisation,
            "texts": {part: clean_text(text) for part, text in report.texts.items()},
        }
    )
    document = Document()
    writer = _Writer(document, report)
    writer.set_up_page()
    writer.set_up_styles()
    writer.write_body(issued)
    if appendix is not None:
        writer.write_appendix(appendix, zone)
    writer.write_page_numbers()
    if draft or needs_draft(report):
        writer.write_draft_mark()
    _set_properties(document, report, issued)
    prune(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return finish_package(buffer.getvalue())


# --- low-level helpers ---------------------------------------------------------------------------


def set_fonts(rpr, font: Font) -> None:
    """Make ``rpr`` (a run's or a style's ``w:rPr``) state every font slot explicitly, the East
    Asian one included (``w:eastAsia``), with the size and the Chinese language tag."""
    for child in list(rpr):
        if child.tag != qn("w:rStyle"):
            rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), font.latin)
    fonts.set(qn("w:hAnsi"), font.latin)
    fonts.set(qn("w:eastAsia"), font.east_asian)
    fonts.set(qn("w:cs"), font.latin)
    fonts.set(qn("w:hint"), "eastAsia")
    rpr.append(fonts)
    if font.bold:
        rpr.append(OxmlElement("w:b"))
        rpr.append(OxmlElement("w:bCs"))
    half_points = str(round(font.size * 2))
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), half_points)
        rpr.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _run(paragraph: Paragraph, text: str, font: Font):
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _indent(paragraph_properties, **attributes: float) -> None:
    """Set ``w:ind`` attributes (``firstLineChars=200``, ``right=640`` ...), in schema order."""
    ind = paragraph_properties.get_or_add_ind()
    for name, value in attributes.items():
        ind.set(qn(f"w:{name}"), str(round(value)))


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _element(tag: str, **attributes: str):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _set_properties(document: DocxDocument, report: Report, issued: date | None) -> None:
    moment = datetime(*(issued.timetuple()[:3] if issued else (report.year + 1, 1, 1)))
    props = document.core_properties
    props.title = report_title(report)
    props.author = report.organisation
    props.last_modified_by = report.organisation
    props.comments = ""
    props.created = moment
    props.modified = moment
    props.revision = 1


# --- the document --------------------------------------------------------------------------------


class _Writer:
    """Fills one python-docx document; a class only to share the style ids between steps."""

    def __init__(self, document: DocxDocument, report: Report) -> None:
        self.document = document
        self.report = report
        self.style_ids: dict[str, str] = {}

    # page and styles

    def set_up_page(self) -> None:
        section = self.document.sections[0]
        section.page_width = Mm(typography.PAGE_WIDTH)
        section.page_height = Mm(typography.PAGE_HEIGHT)
        section.top_margin = Mm(typography.MARGIN_TOP)
        section.bottom_margin = Mm(typography.MARGIN_BOTTOM)
        section.left_margin = Mm(typography.MARGIN_LEFT)
        section.right_margin = Mm(typography.MARGIN_RIGHT)
        section.header_distance = Mm(typography.HEADER_DISTANCE)
        section.footer_distance = Mm(typography.FOOTER_DISTANCE)
        section.gutter = Mm(0)
        self.document.settings.odd_and_even_pages_header_footer = True
        settings = self.document.settings.element
        lang = settings.find(qn("w:themeFontLang"))
        if lang is None:
            lang = OxmlElement("w:themeFontLang")
            settings.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")

    def _style(
        self,
        name: str,
        font: Font,
        *,
        alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
        line_spacing: float = typography.BODY_LINE_SPACING,
        first_line_chars: int = 0,
        outline_level: int | None = None,
        keep_with_next: bool = False,
    ) -> None:
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = None
        style.quick_style = True
        set_fonts(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.alignment = alignment
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_spacing)
        fmt.widow_control = False
        fmt.keep_with_next = keep_with_next
        ppr = style.element.get_or_add_pPr()
        if first_line_chars:
            _indent(
                ppr,
                firstLineChars=first_line_chars * 100,
                firstLine=first_line_chars * font.size * 20,
            )
        if outline_level is not None:
            ppr.append(_element("w:outlineLvl", val=str(outline_level)))
        self.style_ids[name] = style.style_id

    def set_up_styles(self) -> None:
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        old = defaults.find(qn("w:rPrDefault"))
        defaults.remove(old)
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
        set_fonts(rpr, typography.BODY)
        normal = styles["Normal"]
        set_fonts(normal.element.get_or_add_rPr(), typography.BODY)
        normal.paragraph_format.space_after = Pt(0)
        indent = typography.FIRST_LINE_INDENT_CHARS
        center = WD_ALIGN_PARAGRAPH.CENTER
        table_spacing = typography.TABLE_LINE_SPACING
        self._style(
            texts.STYLE_TITLE,
            typography.TITLE,
            alignment=center,
            line_spacing=typography.TITLE.size * 1.5,
            keep_with_next=True,
        )
        self._style(
            texts.STYLE_HEADING_1,
            typography.HEADING_1,
            first_line_chars=indent,
            outline_level=0,
            keep_with_next=True,
        )
        self._style(
            texts.STYLE_HEADING_2,
            typography.HEADING_2,
            first_line_chars=indent,
            outline_level=1,
            keep_with_next=True,
        )
        self._style(texts.STYLE_BODY, typography.BODY, first_line_chars=indent)
        self._style(
            texts.STYLE_CLOSING,
            typography.BODY,
            alignment=WD_ALIGN_PARAGRAPH.RIGHT,
            keep_with_next=True,
        )
        self._style(
            texts.STYLE_TABLE, typography.TABLE, alignment=center, line_spacing=table_spacing
        )
        self._style(
            texts.STYLE_TABLE_HEADER,
            typography.TABLE_HEADER,
            alignment=center,
            line_spacing=table_spacing,
        )
        self._style(
            texts.STYLE_PAGE_NUMBER,
            typography.PAGE_NUMBER,
            alignment=WD_ALIGN_PARAGRAPH.RIGHT,
            line_spacing=typography.PAGE_NUMBER.size * 1.2,
        )

    def _paragraph(self, container, style: str, text: str, font: Font) -> Paragraph:
        paragraph = container.add_paragraph()
        paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        if text:
            _run(paragraph, text, font)
        return paragraph

    # body

    def write_body(self, issued: date | None) -> None:
        title = self._paragraph(self.document, texts.STYLE_TITLE, "", typography.TITLE)
        organisation, rest = self.report.organisation, report_title(self.report)
        rest = rest[len(organisation) :]
        run = _run(title, organisation, typography.TITLE)
        if typography.char_width(organisation + rest) > typography.TITLE_CHARS_PER_LINE:
            # Break where the meaning breaks, not wherever the line happens to end.
            run.add_break()
        run.add_text(rest)
        self._paragraph(self.document, texts.STYLE_BODY, "", typography.BODY)
        for section in self.report.format.sections:
            self._write_section(section)
        self._write_closing(issued)

    def _write_section(self, section: Section) -> None:
        self._paragraph(self.document, texts.STYLE_HEADING_1, section.heading, typography.HEADING_1)
        if section.table is not None:
            self._write_table(section.table)
            return
        for part in section.parts:
            if part.title:
                self._paragraph(
                    self.document, texts.STYLE_HEADING_2, part.title, typography.HEADING_2
                )
            for line in self.report.texts.get(part.id, "").split("\n"):
                if line.strip():
                    self._paragraph(self.document, texts.STYLE_BODY, line.strip(), typography.BODY)

    def write_appendix(self, evidence: ReviewEvidence, zone: tzinfo) -> None:
        styles = {
            LineKind.TITLE: (texts.STYLE_HEADING_1, typography.HEADING_1),
            LineKind.HEADING: (texts.STYLE_HEADING_2, typography.HEADING_2),
            LineKind.BODY: (texts.STYLE_BODY, typography.BODY),
        }
        for number, line in enumerate(appendix_lines(evidence, self.report.format, zone)):
            style, font = styles[line.kind]
            paragraph = self._paragraph(self.document, style, line.text, font)
            if number == 0:
                paragraph.paragraph_format.page_break_before = True

    def _write_closing(self, issued: date | None) -> None:
        date_line = (
            texts.issued_line(issued.year, issued.month, issued.day) if issued else texts.DATE_BLANK
        )
        organisation = self.report.organisation
        self._paragraph(self.document, texts.STYLE_BODY, "", typography.BODY)
        for text, indent in (
            (organisation, typography.centred_over(organisation, date_line)),
            (date_line, float(typography.DATE_RIGHT_INDENT_CHARS)),
        ):
            paragraph = self._paragraph(self.document, texts.STYLE_CLOSING, text, typography.BODY)
            _indent(
                paragraph._p.get_or_add_pPr(),
                rightChars=indent * 100,
                right=indent * typography.BODY.size * 20,
            )

    # tables

    def _write_table(self, table: Table) -> None:
        grid = table_grid(table)
        widths = _column_widths(grid)
        shell = self.document.add_table(rows=0, cols=grid.grid_columns)
        tbl = shell._tbl
        _set_table_properties(tbl, widths)
        covering: dict[tuple[int, int], GridCell] = {}
        for cell in grid.cells:
            for r in range(cell.row, cell.row + cell.rows):
                for c in range(cell.column, cell.column + cell.columns):
                    covering[(r, c)] = cell
        first_figure_row = min(c.row for c in grid.cells if c.kind is Kind.FIGURE)
        repeat_header = len(table.blocks) == 1
        for r in range(grid.rows):
            # Keep a block's rows (table 2) or the header (tables 3, 4) on one page.
            keep = r in grid.header_rows if repeat_header else r not in grid.block_ends
            tr = OxmlElement("w:tr")
            trpr = OxmlElement("w:trPr")
            trpr.append(OxmlElement("w:cantSplit"))
            if repeat_header and r < first_figure_row:
                trpr.append(OxmlElement("w:tblHeader"))
            tr.append(trpr)
            c = 0
            while c < grid.grid_columns:
                cell = covering[(r, c)]
                tr.append(self._tc(cell, r, widths, grid, keep))
                c += cell.columns
            tbl.append(tr)
        # A spacer keeps the next heading off the table's bottom border.
        self._paragraph(self.document, texts.STYLE_BODY, "", typography.BODY)

    def _tc(self, cell: GridCell, row: int, widths: list[float], grid: TableGrid, keep: bool):
        tc = OxmlElement("w:tc")
        tcpr = OxmlElement("w:tcPr")
        tcpr.append(
            _element(
                "w:tcW", w=_twips(sum(widths[cell.column : cell.column + cell.columns])), type="dxa"
            )
        )
        if cell.columns > 1:
            tcpr.append(_element("w:gridSpan", val=str(cell.columns)))
        if cell.rows > 1:
            tcpr.append(
                _element("w:vMerge", val="restart") if row == cell.row else OxmlElement("w:vMerge")
            )
        tcpr.append(_element("w:vAlign", val="center"))
        tc.append(tcpr)
        p = OxmlElement("w:p")
        tc.append(p)
        paragraph = Paragraph(p, None)
        if keep:
            paragraph.paragraph_format.keep_with_next = True
        if row != cell.row:
            paragraph._p.get_or_add_pPr().style = self.style_ids[texts.STYLE_TABLE]
            return tc
        text, style, font = self._cell_content(cell)
        paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        leaf_column = cell.column == grid.label_columns - 1 and grid.label_columns > 1
        if cell.kind is Kind.LABEL and (cell.columns > 1 or leaf_column):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        lines = text.split("\n")
        run = _run(paragraph, lines[0], font)
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        return tc

    def _cell_content(self, cell: GridCell) -> tuple[str, str, Font]:
        if cell.kind is Kind.FIGURE:
            assert cell.cell_id is not None
            # A total printed in an imported document is written as printed (a disagreement
            # with its addends makes the export a draft), otherwise the computed one.
            value = self.report.figures.get(cell.cell_id, self.report.value(cell.cell_id))
            column = self.report.format.cell(cell.cell_id).column
            text = "" if value is None else format_figure(value, column)
            return text, texts.STYLE_TABLE, typography.TABLE
        if cell.kind is Kind.LABEL:
            return cell.text, texts.STYLE_TABLE, typography.TABLE
        return cell.text, texts.STYLE_TABLE_HEADER, typography.TABLE_HEADER

    # header and footer

    def _page_number(self, footer, even: bool) -> None:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = self.style_ids[texts.STYLE_PAGE_NUMBER]
        font = typography.PAGE_NUMBER
        indent = typography.PAGE_NUMBER_INDENT_CHARS * font.size * 20
        if even:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _indent(paragraph._p.get_or_add_pPr(), left=indent)
        else:
            _indent(paragraph._p.get_or_add_pPr(), right=indent)
        _run(paragraph, "— ", font)
        for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None)):
            run = _run(paragraph, "", font)
            if kind:
                run._r.append(_element("w:fldChar", fldCharType=kind))
            else:
                code = OxmlElement("w:instrText")
                code.set(qn("xml:space"), "preserve")
                code.text = instruction
                run._r.append(code)
        _run(paragraph, "1", font)
        _run(paragraph, "", font)._r.append(_element("w:fldChar", fldCharType="end"))
        _run(paragraph, " —", font)

    def write_page_numbers(self) -> None:
        section = self.document.sections[0]
        self._page_number(section.footer, even=False)
        self._page_number(section.even_page_footer, even=True)

    def write_draft_mark(self) -> None:
        section = self.document.sections[0]
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0]
            paragraph._p.get_or_add_pPr().style = self.style_ids[texts.STYLE_TABLE_HEADER]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, texts.DRAFT_MARK, typography.DRAFT_MARK)


def _column_widths(grid: TableGrid) -> list[float]:
    labels = list(typography.LABEL_COLUMN_WIDTHS[grid.label_columns])
    figures = grid.grid_columns - grid.label_columns
    return labels + [(typography.TEXT_WIDTH - sum(labels)) / figures] * figures


def _set_table_properties(tbl, widths: list[float]) -> None:
    tblpr = tbl.tblPr
    for child in list(tblpr):
        tblpr.remove(child)
    tblpr.append(_element("w:tblW", w=_twips(sum(widths)), type="dxa"))
    tblpr.append(_element("w:jc", val="center"))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{edge}", val="single", sz="4", space="0", color="000000"))
    tblpr.append(borders)
    tblpr.append(_element("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margins.append(_element(f"w:{edge}", w=_twips(typography.CELL_PADDING), type="dxa"))
    tblpr.append(margins)
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for mm in widths:
        grid.append(_element("w:gridCol", w=_twips(mm)))
