"""This year's report sent as a file against the stored draft: the differences as a value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from exports_helpers import valid_report

from exports import read_docx, write_docx
from exports.compare import compare_with_stored, describe_changes
from report.formats import CURRENT, LEGACY


def test_a_document_like_the_draft_has_no_differences() -> None:
    draft = valid_report(CURRENT, 2024, seed=21, organisation="某县某镇人民政府")
    read = read_docx(write_docx(draft, issued=date(2025, 1, 10))).report
    comparison = compare_with_stored(read, draft)
    assert comparison.identical
    assert comparison.same_cells == len(CURRENT.entered_cells)
    assert describe_changes(comparison) == []


def test_changed_figures_and_parts_are_listed_cell_by_cell_and_part_by_part() -> None:
    draft = valid_report(CURRENT, 2024, seed=22, organisation="某县某镇人民政府")
    edited = draft.with_figures({"applications.new.natural_person": Decimal(123)})
    edited = edited.model_copy(
        update={"texts": {**edited.texts, "problems": "今年新增问题：网站栏目更新不及时。"}}
    )
    read = read_docx(write_docx(edited, issued=date(2025, 1, 10))).report
    stored = draft.model_copy(
        update={"texts": {k: v for k, v in draft.texts.items() if k != "other_matters"}}
    )
    comparison = compare_with_stored(read, stored)
    assert [(c.cell_id, c.stored, c.read) for c in comparison.cells] == [
        (
            "applications.new.natural_person",
            draft.figures["applications.new.natural_person"],
            Decimal(123),
        )
    ]
    assert [(p.part_id, p.stored is None) for p in comparison.parts] == [
        ("problems", False),
        ("other_matters", True),
    ]
    lines = describe_changes(comparison)
    assert lines[0].startswith("“一、本年新收政府信息公开申请数量·自然人”：草稿中为")
    assert lines[0].endswith("文件中为 123")
    assert "今年新增问题" in lines[1] and "草稿中未填写" in lines[2]


def test_a_draft_in_the_other_format_is_a_format_change() -> None:
    stored = valid_report(LEGACY, 2021, seed=23, organisation="某县某镇人民政府")
    read = valid_report(CURRENT, 2021, seed=24, organisation="某县某镇人民政府")
    comparison = compare_with_stored(read, stored)
    assert comparison.format_changed and not comparison.identical
    assert all(c.stored is None for c in comparison.cells)
    assert describe_changes(comparison)[0].startswith("文件使用的报告格式与已填写的草稿不同")


def test_figures_the_document_lacks_are_counted_not_changed() -> None:
    draft = valid_report(CURRENT, 2024, seed=25, organisation="某县某镇人民政府")
    partial = draft.model_copy(
        update={"figures": {k: v for k, v in draft.figures.items() if not k.startswith("review.")}}
    )
    comparison = compare_with_stored(partial, draft)
    assert comparison.cells == ()
    assert comparison.unread and all(c.startswith("review.") for c in comparison.unread)
    assert describe_changes(comparison)[-1].startswith(f"另有 {len(comparison.unread)} 个数字")
