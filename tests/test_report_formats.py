"""The two formats as declared data: structure, ids and the report value."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from report.formats import CURRENT, FORMATS, LEGACY, format_for_year, get_format
from report.layout import HeaderGroup
from report.values import Report
from tests.seed import SEED_TEXT_PATH, seed_report


def test_year_decides_the_format():
    assert format_for_year(2019) is LEGACY
    assert format_for_year(2020) is LEGACY
    assert format_for_year(2021) is CURRENT
    assert format_for_year(2030) is CURRENT
    with pytest.raises(ValueError):
        format_for_year(2018)
    assert Report(organisation="某镇", year=2020).format_id == "legacy"
    assert Report(organisation="某镇", year=2024).format_id == "current"
    assert Report(organisation="某镇", year=2024, format_id="legacy").format is LEGACY


def test_six_sections_in_order_with_tables_in_two_to_four():
    for fmt in FORMATS.values():
        assert [s.heading for s in fmt.sections] == [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ]
        assert [s.table.id if s.table else None for s in fmt.sections] == [
            None,
            "disclosure",
            "applications",
            "appeals",
            None,
            None,
        ]
        assert all(p.hint for p in fmt.parts)


def test_current_overview_asks_for_the_five_official_parts():
    titles = [p.title for p in CURRENT.sections[0].parts if p.title]
    assert titles == [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]


@pytest.mark.parametrize(("fmt", "leaves"), [(CURRENT, 21), (LEGACY, 19)])
def test_table3_result_leaves_and_columns(fmt, leaves):
    block = fmt.table("applications").blocks[0]
    assert len(block.rows) == 2 + leaves + 1 + 1
    assert [c.label for c in block.columns] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    (group,) = block.header
    assert isinstance(group, HeaderGroup) and group.label == "申请人情况"
    assert group.column_ids() == tuple(c.id for c in block.columns)
    assert block.header_depth() == 3
    assert block.corner.startswith("（本列数据的勾稽关系为")
    # (七)总计 adds up exactly the leaf rows under 三.
    total = block.row("applications.results_total")
    assert total.labels == ("三、本年度办理结果", "（七）总计")
    assert len(total.total_of) == leaves
    assert all(block.row(r).labels[0] == "三、本年度办理结果" for r in total.total_of)


def test_table3_other_processing_differs_between_formats():
    assert "applications.other.natural_person" in LEGACY.cells_by_id
    assert "applications.other.natural_person" not in CURRENT.cells_by_id
    assert CURRENT.cell("applications.other.no_fee.business").row.labels == (
        "三、本年度办理结果",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    )


def test_table4_has_fifteen_columns_under_the_official_header():
    for fmt in FORMATS.values():
        block = fmt.table("appeals").blocks[0]
        assert len(block.columns) == 15
        assert [h.label for h in block.header] == ["行政复议", "行政诉讼"]
        assert [g.label for g in block.header[1].children] == ["未经复议直接起诉", "复议后起诉"]
        assert fmt.cell("review.total").computed
        assert fmt.addends("review.total") == (
            "review.upheld",
            "review.corrected",
            "review.other",
            "review.pending",
        )


def test_table2_blocks_and_units():
    assert [b.title for b in LEGACY.table("disclosure").blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
        "第二十条第（九）项",
    ]
    assert [b.title for b in CURRENT.table("disclosure").blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    assert CURRENT.cell("disclosure.fees.amount").unit.symbol == "万元"
    assert LEGACY.cell("disclosure.procurement.amount").unit.symbol == "元"
    assert LEGACY.cell("disclosure.licensing.items_change").column.signed
    assert not CURRENT.cell("disclosure.licensing.decisions").column.signed


def test_shared_ids_mean_the_same_in_both_formats():
    shared = set(CURRENT.cells_by_id) & set(LEGACY.cells_by_id)
    assert {c for c in shared if c.startswith("disclosure.")} == {
        "disclosure.rules.issued",
        "disclosure.normative.issued",
        "disclosure.licensing.decisions",
        "disclosure.penalty.decisions",
        "disclosure.enforcement.decisions",
    }
    # Tables 3 and 4 share every cell but 三（六）其他处理, split into three rows since 2021.
    assert len([c for c in shared if c.startswith("applications.")]) == (2 + 18 + 1 + 1) * 7
    assert len([c for c in shared if not c.startswith(("applications.", "disclosure."))]) == 15
    for cell_id in shared:
        assert CURRENT.cell(cell_id).column.unit == LEGACY.cell(cell_id).column.unit


def test_every_label_of_the_seed_table3_is_declared():
    seed = SEED_TEXT_PATH.read_text(encoding="utf-8")
    for row in LEGACY.table("applications").blocks[0].rows:
        assert row.label in seed, row.label


def test_report_json_round_trip_keeps_exact_figures():
    report = seed_report().with_figures({"disclosure.procurement.amount": Decimal("180000.50")})
    again = Report.from_json(report.to_json())
    assert again == report
    assert again.figures["disclosure.procurement.amount"] == Decimal("180000.50")


def test_report_refuses_cells_and_parts_of_another_format():
    with pytest.raises(ValidationError):
        Report(organisation="某镇", year=2024, figures={"disclosure.procurement.items": Decimal(1)})
    with pytest.raises(ValidationError):
        Report(organisation="某镇", year=2024, texts={"no.such.part": "x"})
    with pytest.raises(ValidationError):
        Report(organisation="某镇", year=2017)
    with pytest.raises(ValueError):
        get_format("2008")


def test_totals_are_computed_once_their_addends_are_known():
    report = Report(organisation="某镇", year=2024)
    assert report.value("applications.new.total") is None
    report = report.with_figures(
        {
            f"applications.new.{c}": Decimal(i)
            for i, c in enumerate(
                [
                    "natural_person",
                    "business",
                    "research",
                    "public_interest",
                    "legal_service",
                    "other_org",
                ],
                start=1,
            )
        }
    )
    assert report.value("applications.new.total") == 21
    assert report.value("review.total") is None
    report = report.with_figures(
        {
            "review.upheld": Decimal(1),
            "review.corrected": Decimal(2),
            "review.other": Decimal(0),
            "review.pending": Decimal(4),
        }
    )
    assert report.value("review.total") == 7
    assert seed_report().value("applications.results_total.total") == 0
    assert len(seed_report().missing_cells()) == 0
