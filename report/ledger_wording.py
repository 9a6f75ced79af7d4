"""The wording offices use in their application ledgers (依申请公开台账), declared as data.

Three tables: the header wording that names a column's role, the wording of applicant types
(mapped to table 三's applicant columns) and the wording of outcomes (mapped to its result rows).
The official labels of the format are synonyms too; they are read from ``report.formats``, never
re-typed. Targets are the current format's ids; ``resolve_row`` maps them onto a format that
lacks a row (the 2019–2020 format has no sub-rows under （六）其他处理).

Matching is deliberately conservative: an exact match of the normalised wording, else a longer
declared phrase found inside the value when every phrase found points the same way and the value
carries no negation outside it (``不同意公开`` is never ``同意公开``). Anything else is asked.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from report.formats import APPLICANT_COLUMNS
from report.layout import ReportFormat, Row


class Role(StrEnum):
    """What a ledger column holds."""

    APPLICANT = "applicant"
    OUTCOME = "outcome"
    RECEIVED = "received"
    ANSWERED = "answered"


#: Header wording per role, most specific first. A header matches when, normalised, it equals
#: one of these or contains one of them.
HEADER_WORDING: dict[Role, tuple[str, ...]] = {
    Role.APPLICANT: (
        "申请人类型",
        "申请人性质",
        "申请人类别",
        "申请人身份",
        "申请人分类",
        "申请主体类型",
        "申请主体类别",
        "申请主体性质",
        "申请人情况",
        "申请主体",
    ),
    Role.OUTCOME: (
        "答复类型",
        "答复结果",
        "办理结果",
        "处理结果",
        "答复情况",
        "办理情况",
        "处理情况",
        "答复意见",
        "办理状态",
        "处理方式",
    ),
    Role.RECEIVED: (
        "收到申请时间",
        "收到申请日期",
        "申请收到时间",
        "申请收到日期",
        "收到时间",
        "收到日期",
        "申请日期",
        "申请时间",
        "登记日期",
        "登记时间",
        "收件日期",
        "收件时间",
        "受理日期",
        "受理时间",
        "接收日期",
        "接收时间",
    ),
    Role.ANSWERED: (
        "答复日期",
        "答复时间",
        "办结日期",
        "办结时间",
        "回复日期",
        "回复时间",
        "作出答复日期",
        "作出答复时间",
        "答复告知日期",
        "告知日期",
        "完成日期",
    ),
}

#: Headers that look like a role but are not one (a deadline is not an answer date).
HEADER_EXCLUDED: tuple[str, ...] = ("期限", "截止", "届满", "应答复", "延期")

#: Outcomes that say the application is still being handled: such a row is open.
OPEN_WORDING: tuple[str, ...] = (
    "办理中",
    "未办结",
    "正在办理",
    "处理中",
    "正在处理",
    "待答复",
    "未答复",
    "尚未答复",
    "待办",
    "在办",
    "受理中",
    "审核中",
    "延期答复中",
)

#: Applicant wording -> table 三 applicant column id.
APPLICANT_WORDING: dict[str, str] = {
    "公民": "natural_person",
    "个人": "natural_person",
    "自然人": "natural_person",
    "公民个人": "natural_person",
    "群众": "natural_person",
    "居民": "natural_person",
    "村民": "natural_person",
    "农民": "natural_person",
    "公司": "business",
    "企业": "business",
    "商业企业": "business",
    "企业法人": "business",
    "公司企业": "business",
    "有限公司": "business",
    "有限责任公司": "business",
    "股份有限公司": "business",
    "科研机构": "research",
    "科研院所": "research",
    "研究机构": "research",
    "研究所": "research",
    "研究院": "research",
    "社会公益组织": "public_interest",
    "公益组织": "public_interest",
    "公益机构": "public_interest",
    "法律服务机构": "legal_service",
    "律师事务所": "legal_service",
    "律所": "legal_service",
    "法律援助中心": "legal_service",
    "法律服务所": "legal_service",
    "基层法律服务所": "legal_service",
    "其他": "other_org",
    "其他组织": "other_org",
    "其他法人": "other_org",
    "其他法人或组织": "other_org",
}

#: Endings of an organisation's name that say what it is (a ledger that puts the applicant's
#: name in the type column).
APPLICANT_SUFFIXES: dict[str, str] = {
    "有限公司": "business",
    "有限责任公司": "business",
    "律师事务所": "legal_service",
    "法律服务所": "legal_service",
}

#: Outcome wording -> table 三 result row id (current format).
OUTCOME_WORDING: dict[str, str] = {
    "予以公开": "applications.granted",
    "同意公开": "applications.granted",
    "公开": "applications.granted",
    "全部公开": "applications.granted",
    "已公开": "applications.granted",
    "予以提供": "applications.granted",
    "同意提供": "applications.granted",
    "已提供": "applications.granted",
    "提供": "applications.granted",
    "已主动公开": "applications.granted",
    "属于已主动公开信息": "applications.granted",
    "告知获取途径": "applications.granted",
    "告知获取方式": "applications.granted",
    "部分公开": "applications.partly_granted",
    "部分予以公开": "applications.partly_granted",
    "同意部分公开": "applications.partly_granted",
    "部分提供": "applications.partly_granted",
    "区分处理": "applications.partly_granted",
    "国家秘密": "applications.refused.state_secret",
    "涉及国家秘密": "applications.refused.state_secret",
    "法律行政法规禁止公开": "applications.refused.prohibited_by_law",
    "危及三安全一稳定": "applications.refused.three_safeties",
    "危及国家安全公共安全经济安全社会稳定": "applications.refused.three_safeties",
    "第三方合法权益": "applications.refused.third_party",
    "涉及第三方合法权益": "applications.refused.third_party",
    "涉及商业秘密": "applications.refused.third_party",
    "涉及个人隐私": "applications.refused.third_party",
    "商业秘密": "applications.refused.third_party",
    "个人隐私": "applications.refused.third_party",
    "内部事务信息": "applications.refused.internal_affairs",
    "内部事务": "applications.refused.internal_affairs",
    "过程性信息": "applications.refused.process_info",
    "行政执法案卷": "applications.refused.enforcement_files",
    "行政执法案卷信息": "applications.refused.enforcement_files",
    "行政查询事项": "applications.refused.inquiry",
    "信息不存在": "applications.unavailable.not_held",
    "政府信息不存在": "applications.unavailable.not_held",
    "本机关不掌握": "applications.unavailable.not_held",
    "不掌握": "applications.unavailable.not_held",
    "本机关不掌握相关政府信息": "applications.unavailable.not_held",
    "非本机关掌握": "applications.unavailable.not_held",
    "非本机关政府信息": "applications.unavailable.not_held",
    "不属于本机关公开职责": "applications.unavailable.not_held",
    "需要另行制作": "applications.unavailable.needs_creation",
    "没有现成信息": "applications.unavailable.needs_creation",
    "需另行制作": "applications.unavailable.needs_creation",
    "申请内容不明确": "applications.unavailable.unclear",
    "补正后申请内容仍不明确": "applications.unavailable.unclear",
    "补正后仍不明确": "applications.unavailable.unclear",
    "信访举报投诉": "applications.not_processed.petition",
    "信访举报投诉类申请": "applications.not_processed.petition",
    "信访类": "applications.not_processed.petition",
    "重复申请": "applications.not_processed.duplicate",
    "公开出版物": "applications.not_processed.publication",
    "要求提供公开出版物": "applications.not_processed.publication",
    "大量反复申请": "applications.not_processed.excessive",
    "无正当理由大量反复申请": "applications.not_processed.excessive",
    "要求确认或重新出具": "applications.not_processed.confirmation",
    "确认或重新出具已获取信息": "applications.not_processed.confirmation",
    "逾期不补正": "applications.other.no_correction",
    "逾期未补正": "applications.other.no_correction",
    "未补正": "applications.other.no_correction",
    "逾期未缴费": "applications.other.no_fee",
    "逾期未缴纳费用": "applications.other.no_fee",
    "未缴纳信息处理费": "applications.other.no_fee",
    "申请人撤回": "applications.other.misc",
    "撤回申请": "applications.other.misc",
    "申请人撤回申请": "applications.other.misc",
    "主动撤回": "applications.other.misc",
    "撤回": "applications.other.misc",
}

#: Group wording that names several rows: asked, with that group's rows as the candidates.
OUTCOME_GROUPS: dict[str, str] = {
    "不予公开": "applications.refused",
    "不公开": "applications.refused",
    "无法提供": "applications.unavailable",
    "不予处理": "applications.not_processed",
    "其他处理": "applications.other",
}

PARTLY_GRANTED = "applications.partly_granted"

#: A declared phrase is looked for inside a longer value only from this length on.
MIN_CONTAINED = 3
_NEGATIONS = frozenset("不未非无否")
_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.、．])+"
)
_PUNCTUATION = re.compile(
    r"[\s\u3000“”\"'‘’、，,。.；;：:！!？?（）()《》<>【】\[\]{}·•*＊/／\\|_—–-]+"
)


def normalise(text: str) -> str:
    """A value as compared: NFKC, numbering (（四）, 1.) and punctuation and spaces removed."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _NUMBERING.sub("", text)
    return _PUNCTUATION.sub("", text)


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


# Every cell of a ledger is tried as a header (a header repeated below the first is skipped):
# one regular expression per role keeps that linear and quick for 50,000 rows.
_EXCLUDED = _any_of(HEADER_EXCLUDED)
_EXACT = {role: frozenset(words) for role, words in HEADER_WORDING.items()}
_CONTAINED = {role: _any_of(words) for role, words in HEADER_WORDING.items()}
_ANY_ROLE = _any_of(tuple(w for words in HEADER_WORDING.values() for w in words))


def header_role(header: str) -> tuple[Role, int] | None:
    """The role a header names and how well (0: exact, 1: contains a declared wording)."""
    text = normalise(header)
    if not text or not _ANY_ROLE.search(text) or _EXCLUDED.search(text):
        return None
    for role, exact in _EXACT.items():
        if text in exact:
            return role, 0
    for role, contained in _CONTAINED.items():
        if contained.search(text):
            return role, 1
    return None


def is_open(outcome: str) -> bool:
    """True when an outcome says the application is still being handled."""
    text = normalise(outcome)
    return any(word in text for word in OPEN_WORDING)


def _contained(text: str, wording: dict[str, str]) -> str | None:
    found = {
        target
        for word, target in wording.items()
        if len(word) >= MIN_CONTAINED and word in text and not _negated(text, word)
    }
    if PARTLY_GRANTED in found:
        # The format: 区分处理的，只计这一情形，不计其他情形 (部分公开（涉及个人隐私）).
        return PARTLY_GRANTED
    return found.pop() if len(found) == 1 else None


def _negated(text: str, word: str) -> bool:
    """True when the value says no outside the phrase found (不同意公开, 未予公开)."""
    rest = text.replace(word, "")
    return any(c in _NEGATIONS for c in rest)


def applicant_column(value: str) -> str | None:
    """The applicant column id a ledger's applicant wording means, or None (to ask)."""
    text = normalise(value)
    if not text:
        return None
    official = {normalise(c.label): c.id for c in APPLICANT_COLUMNS}
    if text in official:
        return official[text]
    if text in APPLICANT_WORDING:
        return APPLICANT_WORDING[text]
    for suffix, column in APPLICANT_SUFFIXES.items():
        if text.endswith(suffix):
            return column
    return _contained(text, APPLICANT_WORDING)


def _official_outcomes(fmt: ReportFormat) -> dict[str, str]:
    """The format's own result-row labels, normalised, as wording for their rows."""
    return {normalise(row.label): row.id for row in result_rows(fmt)}


def result_rows(fmt: ReportFormat) -> tuple[Row, ...]:
    """Table 三's entered result rows (三、本年度办理结果 less （七）总计), in order."""
    block = fmt.table("applications").blocks[0]
    return tuple(r for r in block.entered_rows if len(r.labels) > 1)


def resolve_row(fmt: ReportFormat, row_id: str) -> str | None:
    """The result row of ``fmt`` a declared row id falls in (a missing sub-row falls in its
    group when the group is a row of its own), or None."""
    rows = {r.id for r in result_rows(fmt)}
    candidate = row_id
    while candidate:
        if candidate in rows:
            return candidate
        candidate = candidate.rpartition(".")[0]
        if candidate == "applications":
            return None
    return None


def outcome_row(fmt: ReportFormat, value: str) -> str | None:
    """The result row id an outcome wording means in ``fmt``, or None (to ask)."""
    text = normalise(value)
    if not text:
        return None
    official = _official_outcomes(fmt)
    if text in official:
        return official[text]
    target = OUTCOME_WORDING.get(text)
    if target is None:
        target = _contained(text, {**OUTCOME_WORDING, **_flip(official)})
    return resolve_row(fmt, target) if target else None


def _flip(official: dict[str, str]) -> dict[str, str]:
    return {word: row for word, row in official.items() if word not in OUTCOME_WORDING}


def outcome_candidates(fmt: ReportFormat, value: str) -> tuple[str, ...]:
    """The result rows to offer for an outcome that was not understood: a group's rows when
    the value names a group (不予公开), else every result row."""
    text = normalise(value)
    rows = result_rows(fmt)
    for word, group in OUTCOME_GROUPS.items():
        if word in text and not _negated(text, word):
            inside = tuple(r.id for r in rows if r.id == group or r.id.startswith(group + "."))
            if inside:
                return inside
    return tuple(r.id for r in rows)
