"""Keeping an exported DOCX small and byte-for-byte reproducible.

python-docx's template carries a thumbnail, a second styles part, web settings, custom XML and
some 270 styles nobody uses; they are dropped. Zip members get a fixed timestamp so the same
report always gives the same bytes. The font table declares a fall-back for each official font,
so a machine without 仿宋_GB2312 still sets the text in a Chinese face.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import quoteattr

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from exports import typography

_DROPPED_RELATIONSHIPS = frozenset(
    {
        RT.THUMBNAIL,
        RT.WEB_SETTINGS,
        RT.CUSTOM_XML,
        RT.NUMBERING,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def prune(document: DocxDocument) -> None:
    """Drop template parts and styles the document does not use (call just before saving)."""
    package = document.part.package
    for rels in (package.rels, document.part.rels):
        for rel_id, rel in list(rels.items()):
            if rel.reltype in _DROPPED_RELATIONSHIPS:
                del rels[rel_id]
    styles = document.styles.element
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    used = _used_style_ids(document)
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    keep: set[str] = set()
    pending = [i for i in used if i in by_id]
    pending += [i for i, s in by_id.items() if s.get(qn("w:default")) in ("1", "true")]
    while pending:
        style_id = pending.pop()
        if style_id in keep or style_id not in by_id:
            continue
        keep.add(style_id)
        for link in ("w:basedOn", "w:next", "w:link"):
            ref = by_id[style_id].find(qn(link))
            if ref is not None:
                pending.append(ref.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    for style in styles.findall(qn("w:style")):
        for link in ("w:next", "w:link"):
            ref = style.find(qn(link))
            if ref is not None and ref.get(qn("w:val")) not in keep:
                style.remove(ref)


def _used_style_ids(document: DocxDocument) -> set[str]:
    elements = [document.element]
    section = document.sections[0]
    for part in (
        section.header,
        section.even_page_header,
        section.footer,
        section.even_page_footer,
    ):
        if not part.is_linked_to_previous:
            elements.append(part._element)
    used: set[str] = {"Normal"}
    for element in elements:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(e.get(qn("w:val")) for e in element.iter(qn(tag)))
    return used


def _font_table() -> bytes:
    fonts = "".join(
        f"<w:font w:name={quoteattr(f.name)}><w:altName w:val={quoteattr(f.alt_name)}/>"
        f'<w:panose1 w:val="{f.panose}"/><w:charset w:val="{"00" if f.name.isascii() else "86"}"/>'
        f'<w:family w:val="{f.family}"/><w:pitch w:val="variable"/></w:font>'
        for f in typography.FALLBACKS
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="{_W}">{fonts}</w:fonts>'
    ).encode()


def finish_package(data: bytes) -> bytes:
    """Rewrite the saved package with fixed timestamps and the font table with fall-backs."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = _font_table() if info.filename == "word/fontTable.xml" else source.read(info)
            member = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, content, compresslevel=9)
    return out.getvalue()
