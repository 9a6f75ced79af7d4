"""Hostile or wrong files are refused with a clear Chinese message, never read at length.

Every hostile file is built here, in memory; nothing big is committed.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from exports_helpers import docx_from_body, p

from exports import DocumentRejected, read_docx, read_file, read_text

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
DOCUMENT_OPEN = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOCUMENT_CLOSE = "</w:body></w:document>"


def _package(document_xml: bytes, *, compresslevel: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def _refused(data: bytes) -> str:
    with pytest.raises(DocumentRejected) as refused:
        read_docx(data)
    return refused.value.message


def test_a_png_renamed_docx_is_refused_as_a_picture() -> None:
    assert "图片" in _refused(PNG)


def test_other_non_documents_say_what_they_are() -> None:
    assert "旧版 Word（.doc）" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "PDF" in _refused(b"%PDF-1.7\n" + bytes(100))
    assert "不是 Word" in _refused(b"just some words, not a zip")
    assert "空" in _refused(b"")
    assert "不是 Word" in _refused(b"PK\x03\x04 truncated zip")


def test_a_zip_without_a_word_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "没有 Word 正文" in _refused(out.getvalue())


def test_a_file_over_20_mb_is_refused_before_anything_is_unpacked() -> None:
    data = b"PK\x03\x04" + bytes(25 * 1024 * 1024)
    assert "超过 20 MB" in _refused(data)
    with pytest.raises(DocumentRejected):
        read_text("x" * (21 * 1024 * 1024))


def test_a_zip_bomb_is_refused() -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        member.write(DOCUMENT_OPEN.encode())
        block = b" " * (1024 * 1024)
        for _ in range(64):
            member.write(block)
        member.write(DOCUMENT_CLOSE.encode())
    data = out.getvalue()
    assert len(data) < 1024 * 1024  # small on disk, 64 MB unpacked
    assert "压缩炸弹" in _refused(data)


def test_a_zip_bomb_that_lies_about_its_size_is_still_refused() -> None:
    out = io.BytesIO()
    big = DOCUMENT_OPEN.encode() + b" " * (16 * 1024 * 1024) + DOCUMENT_CLOSE.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", big)
    data = bytearray(out.getvalue())
    # Claim 1000 bytes in both the local header and the central directory.
    real = len(big).to_bytes(4, "little")
    claimed = (1000).to_bytes(4, "little")
    assert data.count(real) == 2
    data = data.replace(real, claimed)
    message = _refused(bytes(data))
    assert "压缩炸弹" in message or "损坏" in message


def test_entity_expansion_is_refused() -> None:
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">{lol}]>'
        f"{DOCUMENT_OPEN}<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>{DOCUMENT_CLOSE}"
    )
    assert "实体声明" in _refused(_package(xml.encode()))


def test_an_external_entity_is_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"{DOCUMENT_OPEN}<w:p><w:r><w:t>&x;</w:t></w:r></w:p>{DOCUMENT_CLOSE}"
    )
    assert "实体声明" in _refused(_package(xml.encode()))


def test_ten_thousand_tables_are_refused() -> None:
    table = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    xml = DOCUMENT_OPEN + table * 10_000 + DOCUMENT_CLOSE
    assert "表格超过 200 张" in _refused(_package(xml.encode()))
    flattened = "标题\n" + "\t0\n\n\n" * 10_000
    with pytest.raises(DocumentRejected) as refused:
        read_text(flattened)
    assert "表格超过" in refused.value.message


def test_broken_xml_is_refused_with_advice() -> None:
    assert "重新保存" in _refused(_package(b"<w:document><w:body><w:p>"))


def test_read_file_tells_text_from_docx_by_content() -> None:
    docx = docx_from_body(
        p("某镇2020年政府信息公开工作年度报告") + p("一、总体情况") + p("本年度工作正常。")
    )
    assert read_file(docx).report.texts["overview.summary"] == "本年度工作正常。"
    text = "某镇2020年政府信息公开工作年度报告\n一、总体情况\n本年度工作正常。\n".encode("gb18030")
    assert read_file(text).report.texts["overview.summary"] == "本年度工作正常。"
    for not_text in (PNG, b"%PDF-1.4\n%%EOF\n"):
        with pytest.raises(DocumentRejected) as refused:
            read_file(not_text)
        assert "Word" in refused.value.message
