"""A saved web page of a published report as a :class:`Source` (selectolax).

Offices publish the report as an article page: the title in a heading or a bold paragraph,
paragraphs as ``<p>`` (or text broken by ``<br>``), the tables as ``<table>`` with merged
cells (``rowspan``/``colspan``, listed once, as the reader expects). Scripts, styles,
navigation and the site's header and footer are skipped; the reader finds the title among the
first lines and the tables by their labels, so what surrounds the article does no harm.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from exports import texts
from exports.docx_source import MAX_CELLS, MAX_FILE_BYTES, MAX_TABLES, MB
from exports.result import DocumentRejected
from exports.source import Source, SourceParagraph, SourceTable
from exports.text_source import decode_text

_SKIPPED = frozenset({"script", "style", "noscript", "nav", "header", "footer", "head", "select"})
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "center"}
)


def _text(node: Node) -> str:
    return " ".join(node.text(separator="", strip=False).split())


class _Walker:
    def __init__(self) -> None:
        self.items: list[SourceParagraph | SourceTable] = []
        self.line: list[str] = []
        self.cells = 0

    def end_line(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.items.append(SourceParagraph(text))
        self.line = []

    def table(self, node: Node) -> None:
        self.end_line()
        rows: list[tuple[str, ...]] = []
        for tr in node.css("tr"):
            cells = tuple(_text(td) for td in tr.iter() if td.tag in ("td", "th"))
            self.cells += len(cells)
            if self.cells > MAX_CELLS:
                raise DocumentRejected(texts.REJECT_TOO_MANY_CELLS.format(limit=MAX_CELLS))
            if any(cells):
                rows.append(cells)
        if rows:
            self.items.append(SourceTable(tuple(rows)))
            if sum(isinstance(i, SourceTable) for i in self.items) > MAX_TABLES:
                raise DocumentRejected(texts.REJECT_TOO_MANY_TABLES.format(limit=MAX_TABLES))

    def walk(self, node: Node) -> None:
        child = node.child
        while child is not None:
            tag = child.tag
            if tag == "-text":
                self.line.append(child.text_content or "")
            elif tag in _SKIPPED or tag == "-comment":
                pass
            elif tag == "table":
                self.table(child)
            elif tag == "br":
                self.end_line()
            elif tag in _BLOCKS:
                self.end_line()
                self.walk(child)
                self.end_line()
            else:
                self.walk(child)
            child = child.next


def html_source(data: bytes) -> Source:
    """Read a saved web page (UTF-8 or GB18030) of a report."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    tree = HTMLParser(decode_text(data))
    root = tree.body or tree.root
    if root is None:
        raise DocumentRejected(texts.REJECT_HTML_BROKEN)
    walker = _Walker()
    walker.walk(root)
    walker.end_line()
    return Source(tuple(walker.items))
