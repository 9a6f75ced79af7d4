"""Both official formats of the annual report, declared once as data.

- ``CURRENT``: 国办公开办函〔2021〕30号, for reports on 2021 and later.
- ``LEGACY``: the format of the 2019 and 2020 reports (the seed report is in it).

Cell ids are shared between the formats wherever the meaning is the same
(``applications.new.natural_person``, ``review.total``, ``disclosure.licensing.decisions``), so a
legacy year can be compared with a current one. Everything else (the dialog, the rules, the DOCX
writer and reader) reads these declarations; none of them re-types a label.
"""

from __future__ import annotations

from decimal import Decimal

from report.layout import (
    ITEM,
    PIECE,
    TEN_THOUSAND_YUAN,
    YUAN,
    Block,
    Carry,
    Column,
    HeaderGroup,
    Part,
    ReportFormat,
    Row,
    RowRole,
    Section,
    Table,
    Unit,
)

# ---------------------------------------------------------------------------------------------
# Table 2 — 主动公开政府信息情况
# ---------------------------------------------------------------------------------------------

DISCLOSURE_TITLE = "主动公开政府信息情况"
CONTENT_CORNER = "信息内容"
BIG_COUNT = Decimal(100_000_000)  # decisions of a large enforcement body run to millions


def _disclosure_block(
    block_id: str, title: str, rows: tuple[tuple[str, str], ...], columns: tuple[Column, ...]
) -> Block:
    return Block(
        id=block_id,
        title=title,
        rows=tuple(Row(f"disclosure.{rid}", (label,)) for rid, label in rows),
        columns=columns,
        header=tuple(c.id for c in columns),
        corner=CONTENT_CORNER,
    )


_CURRENT_DISCLOSURE = Table(
    id="disclosure",
    title=DISCLOSURE_TITLE,
    blocks=(
        _disclosure_block(
            "documents",
            "第二十条第（一）项",
            (("rules", "规章"), ("normative", "行政规范性文件")),
            (
                Column("issued", "本年制发件数"),
                Column("repealed", "本年废止件数"),
                Column(
                    "in_force",
                    "现行有效件数",
                    carry=Carry("in_force", ("in_force",), ("issued",), ("repealed",)),
                ),
            ),
        ),
        _disclosure_block(
            "licensing",
            "第二十条第（五）项",
            (("licensing", "行政许可"),),
            (Column("decisions", "本年处理决定数量", maximum=BIG_COUNT),),
        ),
        _disclosure_block(
            "enforcement",
            "第二十条第（六）项",
            (("penalty", "行政处罚"), ("enforcement", "行政强制")),
            (Column("decisions", "本年处理决定数量", maximum=BIG_COUNT),),
        ),
        _disclosure_block(
            "fees",
            "第二十条第（八）项",
            (("fees", "行政事业性收费"),),
            (
                Column(
                    "amount",
                    "本年收费金额（单位：万元）",
                    unit=TEN_THOUSAND_YUAN,
                    maximum=Decimal(100_000_000),
                ),
            ),
        ),
    ),
)


def _items_columns(with_decisions: bool) -> tuple[Column, ...]:
    columns: tuple[Column, ...] = (
        Column(
            "items_last_year",
            "上一年项目数量",
            unit=ITEM,
            carry=Carry("items", ("items_last_year", "items_change")),
        ),
        Column("items_change", "本年增/减", unit=ITEM, signed=True),
    )
    if with_decisions:
        columns += (Column("decisions", "处理决定数量", maximum=BIG_COUNT),)
    return columns


_LEGACY_DISCLOSURE = Table(
    id="disclosure",
    title=DISCLOSURE_TITLE,
    blocks=(
        _disclosure_block(
            "documents",
            "第二十条第（一）项",
            (("rules", "规章"), ("normative", "规范性文件")),
            (
                Column("issued", "本年新\n制作数量"),
                Column("published", "本年新\n公开数量"),
                Column("public_total", "对外公开总数量"),
            ),
        ),
        _disclosure_block(
            "licensing",
            "第二十条第（五）项",
            (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
            _items_columns(with_decisions=True),
        ),
        _disclosure_block(
            "enforcement",
            "第二十条第（六）项",
            (("penalty", "行政处罚"), ("enforcement", "行政强制")),
            _items_columns(with_decisions=True),
        ),
        _disclosure_block(
            "fees",
            "第二十条第（八）项",
            (("fees", "行政事业性收费"),),
            _items_columns(with_decisions=False),
        ),
        _disclosure_block(
            "procurement",
            "第二十条第（九）项",
            (("procurement", "政府集中采购"),),
            (
                Column("items", "采购项目数量", unit=ITEM),
                Column("amount", "采购总金额", unit=YUAN, maximum=Decimal(1_000_000_000_000)),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Table 3 — 收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("business", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
)
APPLICANT_TOTAL = Column("total", "总计", total_of=tuple(c.id for c in APPLICANT_COLUMNS))
APPLICATIONS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

_RESULTS = "三、本年度办理结果"


def _result_rows(
    groups: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...],
) -> tuple[Row, ...]:
    rows: list[Row] = []
    for group_id, group_label, leaves in groups:
        if not leaves:
            rows.append(
                Row(f"applications.{group_id}", (_RESULTS, group_label), role=RowRole.RESULT)
            )
        for leaf_id, leaf_label in leaves:
            labels = (_RESULTS, group_label, leaf_label)
            rows.append(Row(f"applications.{group_id}.{leaf_id}", labels, role=RowRole.RESULT))
    return tuple(rows)


_COMMON_RESULT_GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("granted", "（一）予以公开", ()),
    ("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    (
        "refused",
        "（三）不予公开",
        (
            ("state_secret", "1.属于国家秘密"),
            ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
            ("three_safeties", "3.危及“三安全一稳定”"),
            ("third_party", "4.保护第三方合法权益"),
            ("internal_affairs", "5.属于三类内部事务信息"),
            ("process_info", "6.属于四类过程性信息"),
            ("enforcement_files", "7.属于行政执法案卷"),
            ("inquiry", "8.属于行政查询事项"),
        ),
    ),
    (
        "unavailable",
        "（四）无法提供",
        (
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        ),
    ),
    (
        "not_processed",
        "（五）不予处理",
        (
            ("petition", "1.信访举报投诉类申请"),
            ("duplicate", "2.重复申请"),
            ("publication", "3.要求提供公开出版物"),
            ("excessive", "4.无正当理由大量反复申请"),
            ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ),
    ),
)
_CURRENT_OTHER_GROUP = (
    "other",
    "（六）其他处理",
    (
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("misc", "3.其他"),
    ),
)
_LEGACY_OTHER_GROUP: tuple[str, str, tuple[tuple[str, str], ...]] = ("other", "（六）其他处理", ())


def _applications_table(result_rows: tuple[Row, ...]) -> Table:
    rows = (
        Row("applications.new", ("一、本年新收政府信息公开申请数量",), role=RowRole.NEW),
        Row(
            "applications.carried_over",
            ("二、上年结转政府信息公开申请数量",),
            role=RowRole.CARRIED_OVER,
        ),
        *result_rows,
        Row(
            "applications.results_total",
            (_RESULTS, "（七）总计"),
            total_of=tuple(r.id for r in result_rows),
        ),
        Row(
            "applications.carried_forward",
            ("四、结转下年度继续办理",),
            role=RowRole.CARRIED_FORWARD,
        ),
    )
    return Table(
        id="applications",
        title="收到和处理政府信息公开申请情况",
        gate="applications",
        blocks=(
            Block(
                id="applications",
                title=None,
                rows=rows,
                columns=(*APPLICANT_COLUMNS, APPLICANT_TOTAL),
                header=(
                    HeaderGroup(
                        "申请人情况",
                        (
                            "natural_person",
                            HeaderGroup(
                                "法人或其他组织", tuple(c.id for c in APPLICANT_COLUMNS[1:])
                            ),
                            "total",
                        ),
                    ),
                ),
                corner=APPLICATIONS_NOTE,
            ),
        ),
    )


_CURRENT_APPLICATIONS = _applications_table(
    _result_rows((*_COMMON_RESULT_GROUPS, _CURRENT_OTHER_GROUP))
)
_LEGACY_APPLICATIONS = _applications_table(
    _result_rows((*_COMMON_RESULT_GROUPS, _LEGACY_OTHER_GROUP))
)

# ---------------------------------------------------------------------------------------------
# Table 4 — 政府信息公开行政复议、行政诉讼情况
# ---------------------------------------------------------------------------------------------

APPEAL_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
_OUTCOMES = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
)


def _appeal_columns(group: str) -> tuple[Column, ...]:
    outcomes = tuple(Column(f"{group}.{oid}", label) for oid, label in _OUTCOMES)
    return (*outcomes, Column(f"{group}.total", "总计", total_of=tuple(c.id for c in outcomes)))


_APPEALS = Table(
    id="appeals",
    title="政府信息公开行政复议、行政诉讼情况",
    gate="appeals",
    blocks=(
        Block(
            id="appeals",
            title=None,
            rows=(Row("", ("",)),),
            columns=tuple(c for group, _ in APPEAL_GROUPS for c in _appeal_columns(group)),
            header=(
                HeaderGroup("行政复议", tuple(c.id for c in _appeal_columns("review"))),
                HeaderGroup(
                    "行政诉讼",
                    tuple(
                        HeaderGroup(label, tuple(c.id for c in _appeal_columns(group)))
                        for group, label in APPEAL_GROUPS[1:]
                    ),
                ),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Narrative parts
# ---------------------------------------------------------------------------------------------

_SUMMARY = Part(
    "overview.summary",
    None,
    "用一段话概括本年度政府信息公开工作的总体情况：贯彻落实《条例》和上级政务公开工作要点的情况、"
    "主要做法和成效，可写明全年主动公开信息的条数。",
    "本年度，我镇认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息120条……",
)
_ACTIVE = Part(
    "overview.active",
    "（一）主动公开",
    "写本年度主动公开政府信息的情况：通过哪些渠道（门户网站、政务新媒体、公开栏等）公开了哪些重点"
    "领域的信息、数量多少，政策解读和回应关切的情况。",
)
_REQUESTS = Part(
    "overview.requests",
    "（二）依申请公开",
    "写本年度收到和办理政府信息公开申请的情况：收到多少件、办结多少件、答复是否按时规范；"
    "没有收到申请的，如实写明“本年度未收到政府信息公开申请”。",
)
_MANAGEMENT = Part(
    "overview.management",
    "（三）政府信息管理",
    "写政府信息管理的情况：公开属性源头认定、保密审查、规范性文件清理、政策文件库和公开目录的维护等。",
)
_PLATFORMS = Part(
    "overview.platforms",
    "（四）政府信息公开平台建设",
    "写公开平台建设的情况：政府网站信息公开专栏、政务新媒体、政务服务大厅、公开栏等平台的建设和维护。",
)
_OVERSIGHT = Part(
    "overview.oversight",
    "（五）监督保障",
    "写监督保障的情况：工作机构和人员、培训、考核、社会评议和责任追究等。",
)

_PROBLEMS_CURRENT = Part(
    "problems",
    None,
    "先写上一年度报告所提改进措施的落实情况，再写本年度工作中存在的主要问题和下一步的改进措施。",
)
_PROBLEMS_LEGACY = Part(
    "problems",
    None,
    "先写本年度工作中存在的主要问题，再写下一步的改进措施。",
)
_OTHER_CURRENT = Part(
    "other_matters",
    None,
    "写本年度收取信息处理费的情况（按《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），没有收取的写“本年度未收取信息处理费”），"
    "以及其他需要报告的事项（如人大代表建议、政协提案办理结果公开和年度工作要点落实情况）。",
    "本年度未收取信息处理费。",
)
_OTHER_LEGACY = Part(
    "other_matters",
    None,
    "写其他需要报告的事项；没有的写“无”。",
    "无。",
)

CURRENT = ReportFormat(
    id="current",
    name="现行格式（国办公开办函〔2021〕30号）",
    basis="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=None,
    sections=(
        Section(
            1, "总体情况", parts=(_SUMMARY, _ACTIVE, _REQUESTS, _MANAGEMENT, _PLATFORMS, _OVERSIGHT)
        ),
        Section(2, "主动公开政府信息情况", table=_CURRENT_DISCLOSURE),
        Section(3, "收到和处理政府信息公开申请情况", table=_CURRENT_APPLICATIONS),
        Section(4, "政府信息公开行政复议、行政诉讼情况", table=_APPEALS),
        Section(5, "存在的主要问题及改进情况", parts=(_PROBLEMS_CURRENT,)),
        Section(6, "其他需要报告的事项", parts=(_OTHER_CURRENT,)),
    ),
)

LEGACY = ReportFormat(
    id="legacy",
    name="2019—2020年度格式",
    basis="《中华人民共和国政府信息公开条例》（2019年修订）配套年报格式",
    first_year=2019,
    last_year=2020,
    sections=(
        Section(
            1,
            "总体情况",
            parts=(
                _SUMMARY,
                Part("overview.active", "（一）主动公开政府信息情况", _ACTIVE.hint),
                Part("overview.requests", "（二）依申请公开政府信息情况", _REQUESTS.hint),
                Part(
                    "overview.management",
                    "（三）政府信息管理、平台建设、监督保障情况",
                    "写政府信息管理、公开平台建设和监督保障的情况：保密审查、公开专栏和新媒体的维护、"
                    "工作机构、培训和考核等。",
                ),
            ),
        ),
        Section(2, "主动公开政府信息情况", table=_LEGACY_DISCLOSURE),
        Section(3, "收到和处理政府信息公开申请情况", table=_LEGACY_APPLICATIONS),
        Section(4, "政府信息公开行政复议、行政诉讼情况", table=_APPEALS),
        Section(5, "存在的主要问题及改进情况", parts=(_PROBLEMS_LEGACY,)),
        Section(6, "其他需要报告的事项", parts=(_OTHER_LEGACY,)),
    ),
)

FORMATS: dict[str, ReportFormat] = {f.id: f for f in (CURRENT, LEGACY)}
FIRST_YEAR = LEGACY.first_year

UNITS: tuple[Unit, ...] = (PIECE, ITEM, YUAN, TEN_THOUSAND_YUAN)


def format_for_year(year: int) -> ReportFormat:
    """The format a report on ``year`` is written in (2019–2020 legacy, 2021 on current)."""
    for fmt in FORMATS.values():
        if fmt.covers(year):
            return fmt
    raise ValueError(f"no report format covers the year {year}")


def get_format(format_id: str) -> ReportFormat:
    """The format with this id (``current`` or ``legacy``)."""
    try:
        return FORMATS[format_id]
    except KeyError:
        raise ValueError(f"unknown report format {format_id!r}") from None
