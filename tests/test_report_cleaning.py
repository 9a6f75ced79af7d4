"""Text made safe where it enters and leaves: what XML cannot hold, file and organisation names."""

from __future__ import annotations

from docx import Document

from report.cleaning import clean_text, has_forbidden_name_characters, safe_filename


def test_characters_xml_cannot_hold_are_removed_and_the_rest_kept() -> None:
    dirty = "本年度\x00主动\x01公开\x08\x0b\x0c\x1b信息\ufffe\uffff\ud800\x7f\x85 56条。\t甲\r\n乙"
    assert clean_text(dirty) == "本年度主动公开信息 56条。\t甲\n乙"
    assert clean_text("（一）主动公开　全角空格\u200b") == "（一）主动公开　全角空格\u200b"
    # What is left python-docx (lxml) accepts.
    Document().add_paragraph(clean_text("".join(map(chr, range(0x20))) + "\ufffe\udfff"))


def test_file_names_stay_in_their_folder() -> None:
    assert safe_filename("../../某镇/人民政府2023年报告.docx") == "_.._某镇_人民政府2023年报告.docx"
    assert "/" not in safe_filename('a/b\\c:d*e?f"g<h>i|j\x00k.docx')
    assert safe_filename("...docx") == "docx"
    assert safe_filename(".docx").endswith("docx") and not safe_filename(".docx").startswith(".")
    assert safe_filename("") == "报告"
    long = safe_filename("很长的机关名称" * 40 + ".docx")
    assert long.endswith(".docx") and len(long.encode()) <= 240


def test_organisation_names_with_separators_or_controls_are_flagged() -> None:
    assert has_forbidden_name_characters("某县/某镇")
    assert has_forbidden_name_characters("某县\\某镇")
    assert has_forbidden_name_characters("某镇\x1b人民政府")
    assert not has_forbidden_name_characters("赣州经济技术开发区蟠龙镇人民政府")
    assert not has_forbidden_name_characters("某县（市、区）人民政府办公室")
