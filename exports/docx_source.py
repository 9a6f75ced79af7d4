"""A DOCX file as a :class:`Source`, refusing hostile files within bounded time and memory.

Only the main document part (and the page headers, for the draft mark) is decompressed, in
chunks and never beyond a fixed limit, whatever the zip directory claims. XML with a DTD is
refused before parsing (no Word document has one), and the parser resolves no entities and
loads nothing from the network. Counting tables, rows, cells and paragraphs while parsing stops
a file with thousands of tables early.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator

from lxml import etree

from exports import magic, texts
from exports.limits import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported to the readers
from exports.limits import MB as MB
from exports.result import DocumentOverLimit, DocumentRejected
from exports.source import Source, SourceParagraph, SourceTable

MAX_MEMBERS = 2_000
MAX_DOCUMENT_XML_BYTES = 12 * MB
MAX_SMALL_PART_BYTES = 2 * MB
MAX_HEADERS = 12
MAX_TABLES = 200
MAX_ROWS = 6_000
MAX_CELLS = 60_000
MAX_PARAGRAPHS = 40_000
#: Tables inside tables: a real report nests none, a form sometimes one or two.
MAX_TABLE_NESTING = 4
#: Element depth; Word's own documents stay far below (libxml2 stops at 256, in English).
MAX_DEPTH = 120
_XINCLUDE = "http://www.w3.org/2001/XInclude"

_OFFICE_DOCUMENT = "/officeDocument"
_CHUNK = 64 * 1024

#: Subtrees whose text is not part of what the document says: deleted or moved-away revisions,
#: field codes, text boxes and the fall-back copy of drawings, properties.
_SKIPPED = frozenset(
    {
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "txbxContent",
        "Fallback",
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "sectPr",
        "sdtPr",
        "sdtEndPr",
        "fldData",
    }
)
#: Wrappers whose children are read as if they stood in the wrapper's place.
_WRAPPERS = frozenset(
    {
        "sdt",
        "sdtContent",
        "customXml",
        "ins",
        "moveTo",
        "smartTag",
        "hyperlink",
        "fldSimple",
        "dir",
        "bdo",
    }
)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def check_magic(data: bytes) -> None:
    """Refuse an empty, oversized or obviously non-DOCX file with a message that says what it is."""
    if not data:
        raise DocumentRejected(texts.REJECT_EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    if data.startswith(magic.OLE):
        raise DocumentRejected(texts.REJECT_OLD_DOC)
    if data.startswith(magic.PDF):
        raise DocumentRejected(texts.REJECT_PDF)
    if data.startswith(magic.IMAGES):
        raise DocumentRejected(texts.REJECT_IMAGE)
    if not data.startswith(b"PK"):
        raise DocumentRejected(texts.REJECT_NOT_ZIP)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, refusing it once more than ``limit`` bytes come out."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise DocumentRejected(texts.REJECT_NO_DOCUMENT) from None
    bomb = DocumentRejected(texts.REJECT_BOMB.format(limit=limit // MB or 1))
    if info.file_size > limit:
        raise bomb
    out = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    raise bomb
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as error:  # corrupt, encrypted or exotic compression
        detail = texts.BAD_ZIP_DETAILS.get(type(error).__name__, texts.BAD_ZIP_OTHER)
        raise DocumentRejected(texts.REJECT_BAD_XML.format(detail=detail)) from None
    return bytes(out)


def _refuse_dtd(xml: bytes) -> None:
    probe = xml
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = xml.decode("utf-16", errors="replace").encode("utf-8")
    elif xml[:1] == b"\x00" or xml[1:2] == b"\x00":  # UTF-16 or UTF-32 without a BOM
        probe = xml.replace(b"\x00", b"")
    probe = probe.lower()
    if b"<!doctype" in probe or b"<!entity" in probe:
        raise DocumentRejected(texts.REJECT_DTD)


def _parse(xml: bytes, *, count: bool) -> etree._Element:
    """Parse safely; with ``count``, stop as soon as the document has too many of anything."""
    _refuse_dtd(xml)
    limits = {
        "tbl": ("tables", MAX_TABLES, texts.REJECT_TOO_MANY_TABLES),
        "tr": ("rows", MAX_ROWS, texts.REJECT_TOO_MANY_ROWS),
        "tc": ("cells", MAX_CELLS, texts.REJECT_TOO_MANY_CELLS),
        "p": ("paragraphs", MAX_PARAGRAPHS, texts.REJECT_TOO_MANY_PARAGRAPHS),
    }
    seen = dict.fromkeys(limits, 0)
    depth = tables = 0
    try:
        events = etree.iterparse(
            io.BytesIO(xml),
            events=("start", "end"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for event, element in events:
            name = _local(element.tag)
            if event == "end":
                depth -= 1
                if name == "tbl":
                    tables -= 1
                continue
            depth += 1
            if depth > MAX_DEPTH:
                raise DocumentOverLimit(
                    texts.REJECT_TOO_DEEP.format(limit=MAX_DEPTH), "depth", MAX_DEPTH
                )
            if isinstance(element.tag, str) and element.tag.startswith("{" + _XINCLUDE):
                raise DocumentRejected(texts.REJECT_XINCLUDE)
            if name == "tbl":
                tables += 1
                if tables > MAX_TABLE_NESTING:
                    raise DocumentOverLimit(
                        texts.REJECT_TABLES_NESTED.format(limit=MAX_TABLE_NESTING),
                        "nesting",
                        MAX_TABLE_NESTING,
                    )
            if count and name in seen:
                seen[name] += 1
                what, limit, message = limits[name]
                if seen[name] > limit:
                    raise DocumentOverLimit(message.format(limit=limit), what, limit)
        root = events.root
    except etree.XMLSyntaxError as error:
        raise DocumentRejected(texts.xml_refusal(error.msg or "", error.lineno)) from None
    if root is None or root.getroottree().docinfo.internalDTD is not None:
        raise DocumentRejected(texts.REJECT_DTD)
    return root


def unsafe_member_name(name: str) -> bool:
    """A member name that points outside the package (``../``, absolute, drive, backslash)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] or "\x00" in name


def _main_part_name(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if any(unsafe_member_name(n) for n in names):
        raise DocumentRejected(texts.REJECT_UNSAFE_NAMES)
    if "_rels/.rels" in names:
        rels = _parse(_read_member(archive, "_rels/.rels", MAX_SMALL_PART_BYTES), count=False)
        for rel in rels:
            if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT):
                target = posixpath.normpath(str(rel.get("Target", "")).lstrip("/"))
                if unsafe_member_name(target):
                    raise DocumentRejected(texts.REJECT_UNSAFE_NAMES)
                if target in names:
                    return target
    if "word/document.xml" in names:
        return "word/document.xml"
    raise DocumentRejected(texts.REJECT_NO_DOCUMENT)


# --- text ----------------------------------------------------------------------------------------


def _text(element: etree._Element) -> str:
    """The visible text of a paragraph: inserted revisions kept, deleted ones dropped."""
    parts: list[str] = []
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        name = _local(child.tag)
        if name in _SKIPPED:
            continue
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append(" ")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        elif len(child):
            stack.append(iter(child))
    return "".join(parts)


def _right_aligned(paragraph: etree._Element) -> bool:
    for child in paragraph:
        if _local(child.tag) == "pPr":
            for prop in child:
                if _local(prop.tag) == "jc":
                    return any(v in ("right", "end") for v in prop.attrib.values())
    return False


def _children(element: etree._Element) -> Iterator[etree._Element]:
    """Block-level children, looking through content controls and similar wrappers."""
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif _local(child.tag) in _WRAPPERS:
            stack.append(iter(child))
        elif _local(child.tag) not in _SKIPPED:
            yield child


def _row_deleted(row: etree._Element) -> bool:
    return any(_local(p.tag) == "trPr" and any(_local(c.tag) == "del" for c in p) for p in row)


def _continues_merge(cell: etree._Element) -> bool:
    for prop in cell:
        if _local(prop.tag) == "tcPr":
            for item in prop:
                if _local(item.tag) == "vMerge":
                    return all(v != "restart" for v in item.attrib.values())
    return False


def _table(table: etree._Element, out: list[SourceParagraph | SourceTable]) -> None:
    rows: list[tuple[str, ...]] = []
    nested: list[etree._Element] = []
    for row in _children(table):
        if _local(row.tag) != "tr" or _row_deleted(row):
            continue
        cells: list[str] = []
        for cell in _children(row):
            if _local(cell.tag) != "tc":
                continue
            lines: list[str] = []
            for block in _children(cell):
                if _local(block.tag) == "p":
                    lines.append(_text(block))
                elif _local(block.tag) == "tbl":
                    nested.append(block)
            cells.append("" if _continues_merge(cell) else "\n".join(lines).strip())
        rows.append(tuple(cells))
    out.append(SourceTable(tuple(rows)))
    for inner in nested:
        _table(inner, out)


def _body_items(root: etree._Element) -> tuple[SourceParagraph | SourceTable, ...]:
    body = next((c for c in root if _local(c.tag) == "body"), None)
    if body is None:
        raise DocumentRejected(texts.REJECT_NO_DOCUMENT)
    items: list[SourceParagraph | SourceTable] = []
    for block in _children(body):
        name = _local(block.tag)
        if name == "p":
            items.append(SourceParagraph(_text(block).strip(), _right_aligned(block)))
        elif name == "tbl":
            _table(block, items)
    return tuple(items)


def _has_draft_mark(archive: zipfile.ZipFile, main: str) -> bool:
    folder = posixpath.dirname(main)
    headers = [
        n
        for n in archive.namelist()
        if posixpath.dirname(n) == folder and posixpath.basename(n).startswith("header")
    ]
    for name in sorted(headers)[:MAX_HEADERS]:
        root = _parse(_read_member(archive, name, MAX_SMALL_PART_BYTES), count=False)
        # All of the header's text in one pass (reading each paragraph apart would read a
        # paragraph nested in another once per ancestor).
        if texts.DRAFT_MARK in _text(root):
            return True
    return False


def docx_source(data: bytes) -> Source:
    """Open a DOCX file as a :class:`Source`; raises :class:`DocumentRejected`."""
    check_magic(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise DocumentRejected(texts.REJECT_NOT_ZIP) from None
    with archive:
        if len(archive.infolist()) > MAX_MEMBERS:
            raise DocumentRejected(texts.REJECT_TOO_MANY_MEMBERS.format(limit=MAX_MEMBERS))
        main = _main_part_name(archive)
        root = _parse(_read_member(archive, main, MAX_DOCUMENT_XML_BYTES), count=True)
        return Source(_body_items(root), _has_draft_mark(archive, main))
