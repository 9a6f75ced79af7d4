"""Hostile or wrong files are refused with a clear Chinese message, never read at length.

Every hostile file is built here, in memory; nothing big is committed.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from exports_helpers import (
    DOCUMENT_CLOSE,
    DOCUMENT_OPEN,
    PNG,
    docx_from_body,
    entity_expansion,
    many_tables,
    p,
    zip_bomb,
)
from exports_helpers import package as _package

from exports import DocumentRejected, read_docx, read_file, read_text


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
    data = zip_bomb(64)
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
    assert "实体声明" in _refused(entity_expansion())


def test_an_external_entity_is_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"{DOCUMENT_OPEN}<w:p><w:r><w:t>&x;</w:t></w:r></w:p>{DOCUMENT_CLOSE}"
    )
    assert "实体声明" in _refused(_package(xml.encode()))


def test_ten_thousand_tables_are_refused() -> None:
    assert "表格超过 200 张" in _refused(many_tables(10_000))
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
