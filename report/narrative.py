"""The figures a narrative states, found by the wording real reports use.

Published reports state their key figures in running text: ``共收到政府信息公开申请85件``,
``其中按期办结36件``, ``除2件结转下年办理外``, ``行政复议1件``, ``主动公开政府信息125条``,
``未收到因政府信息公开申请引起的行政诉讼``. ``WORDINGS`` declares, for each such figure, the key
words that introduce it, its units, the words that rule a clause out (``人大代表建议12件`` is not
an application), a sentence that states it is none, and the cells of the tables it must equal.
``stated_figures`` finds every one in a text: a number with its unit, claimed by a key word right
after it (``2件结转下年办理``, ``收到1件行政复议申请``, ``其中36件已办结``), else by the key word
nearest before it in the same clause.
A number and unit is a count only when it stands as one: the unit ends the phrase
(``申请85件``, ``行政复议1件（已办结）``) or is followed by what the count counts
(``36件政府信息公开申请``, ``2件结转``). A number and unit followed by another noun or numeral
names something else (``“三个一”工作机制``, ``六个方面``, ``一件事一次办``), and one inside
quotation marks is a name, never a count.
The phrasing comes from real reports (see ``tests/data/narrative-sentences.tsv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_CLAUSE = re.compile(r"[^，。；;！？!?\n,]+")
_MENTION = re.compile(
    r"(?<![0-9０-９.第])(?P<n>[0-9０-９]+|[零〇一二两三四五六七八九十百千]+)\s*(?P<u>[件条起个份])"
)
# What may follow a count's unit: the end of the phrase, punctuation other than a closing quote,
# or the thing counted.
_COUNT_END = re.compile(
    r"(?:$|[^\u4e00-\u9fff0-9０-９零〇”’」』》]"
    r"|(?:政府信息公开|信息公开|依申请公开|政府信息)?申请|案件|政府信息|信息|结转|次"
    r"|(?:政府信息公开|信息公开)?行政(?:复议|诉讼)|已?(?:全部|均)?(?:办结|答复))"
)
#: What closes a request's handling, so a count after it is a result, not a new application
#: (``共办结依申请公开36件``).
_RESULT_WORDS = r"办结|答复|办理完毕|处理完毕"
_QUOTE_OPEN = "“‘「『《"
# Everything that counts something other than applications, reviews and lawsuits.
_OTHER_BUSINESS = r"许可|审批|热线|信访|投诉|建议|提案|留言|咨询|来信|信件|诉求|政务服务"
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Wording:
    """How the narrative states one figure the tables also hold."""

    id: str
    #: The figure in words, for messages (``办结件数``).
    label: str
    #: The tables' figure is the sum of these cells; none for a figure only the text holds
    #: (主动公开条数), which is compared between the parts that state it.
    cells: tuple[str, ...]
    #: Key words before the number (the nearest one in the clause claims it).
    before: re.Pattern[str] | None
    units: str = "件"
    #: Key words right after the unit (``2件结转下年办理``, ``收到1件行政复议申请``,
    #: ``其中36件已办结``); they name the count before any key word before it.
    after: re.Pattern[str] | None = None
    #: Words the clause must hold, and words that rule it out.
    needs: re.Pattern[str] | None = None
    excludes: re.Pattern[str] | None = None
    #: A clause that states the figure is 0 (``未收到政府信息公开申请``).
    none: re.Pattern[str] | None = None


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


NEW = ("applications.new.total",)
WORDINGS: tuple[Wording, ...] = (
    Wording(
        "applications",
        "本年新收申请数",
        NEW,
        _re(r"收到|受理|接收|接到|新收"),
        units="件个份条",
        needs=_re(r"申请|新收"),
        excludes=_re(_OTHER_BUSINESS + r"|复议|诉讼"),
    ),
    Wording(
        "applications_on_request",
        "本年新收申请数",
        NEW,
        _re(r"依申请公开(?:政府信息)?(?:申请)?"),
        units="件条",
        excludes=_re(_OTHER_BUSINESS + r"|复议|诉讼|" + _RESULT_WORDS),
    ),
    Wording(
        "no_applications",
        "本年新收申请数",
        NEW,
        None,
        none=_re(r"(?:未|没有)(?:收到|接到|受理)(?:任何)?(?:政府信息)?(?:公开)?申请"),
    ),
    Wording(
        "results",
        "办结件数",
        ("applications.results_total.total",),
        _re(_RESULT_WORDS),
        after=_re(r"^已?(?:全部|均)?(?:办结|答复)"),
        excludes=_re(_OTHER_BUSINESS + r"|复议|诉讼"),
    ),
    Wording(
        "carried_forward",
        "结转下年度件数",
        ("applications.carried_forward.total",),
        _re(r"结转(?:至|到)?(?:下|次)一?年度?|结转(?:至|到)?20\d\d年度?"),
        after=_re(r"^(?:申请)?结转(?:至|到)?(?:下|次|20\d\d)"),
        excludes=_re(r"上一?年度?结转"),
        none=_re(r"(?:无|没有|不存在)(?:结转|需结转)"),
    ),
    Wording(
        "carried_over",
        "上年结转件数",
        ("applications.carried_over.total",),
        _re(r"上一?年度?结转"),
    ),
    Wording(
        "review",
        "行政复议件数",
        ("review.total",),
        _re(r"行政复议"),
        units="件起个",
        after=_re(r"^(?:政府信息公开|信息公开)?行政复议"),
        none=_re(r"(?:未|没有)(?:收到|发生|产生|出现|被申请|被提起|提起)[^，。；]{0,30}?行政复议"),
    ),
    Wording(
        "litigation",
        "行政诉讼件数",
        ("litigation_direct.total", "litigation_after_review.total"),
        _re(r"行政诉讼"),
        units="件起个",
        after=_re(r"^(?:政府信息公开|信息公开)?行政诉讼"),
        none=_re(r"(?:未|没有)(?:收到|发生|产生|出现|被提起|提起)[^，。；]{0,30}?行政诉讼"),
    ),
    Wording(
        "active",
        "主动公开信息条数",
        (),
        _re(r"主动(?:在[^，。；]{0,10})?公开"),
        units="条",
        excludes=_re(r"依申请"),
    ),
)
WORDINGS_BY_ID = {w.id: w for w in WORDINGS}


@dataclass(frozen=True)
class Stated:
    """A figure the text states: which, its value, and the words that state it."""

    wording: Wording
    value: Decimal
    quote: str


def _number(text: str) -> Decimal | None:
    text = text.translate(_DIGITS)
    if text.isdigit():
        return Decimal(text)
    import cn2an  # slow to import; most narratives write figures in digits

    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except Exception:
        return None


def _claim(prefix: str, suffix: str, clause: str, unit: str) -> Wording | None:
    """The wording whose key word sits right after the number, else the one whose key word sits
    nearest before it (``收到1件行政复议申请`` is a review, although 收到 introduces
    applications)."""
    best: tuple[int, Wording] | None = None
    for wording in WORDINGS:
        if unit not in wording.units or wording.before is None:
            continue
        if wording.needs is not None and not wording.needs.search(clause):
            continue
        if wording.excludes is not None and wording.excludes.search(prefix):
            continue
        distance: int | None = None
        if wording.after is not None and wording.after.search(suffix.lstrip()):
            distance = -1
        else:
            found = list(wording.before.finditer(prefix))
            if found:
                distance = len(prefix) - found[-1].end()
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, wording)
    return best[1] if best else None


def _is_count(prefix: str, suffix: str) -> bool:
    """Whether a number and unit, between ``prefix`` and ``suffix``, stands as a count."""
    if prefix.rstrip().endswith(tuple(_QUOTE_OPEN)):
        return False
    return _COUNT_END.match(suffix.lstrip()) is not None


def stated_figures(text: str) -> list[Stated]:
    """Every figure ``text`` states with a unit and a key word, in order (see ``WORDINGS``)."""
    found: list[Stated] = []
    for clause_match in _CLAUSE.finditer(text):
        clause = clause_match.group(0)
        for wording in WORDINGS:
            if wording.none is not None and (match := wording.none.search(clause)):
                found.append(Stated(wording, Decimal(0), match.group(0)))
        for mention in _MENTION.finditer(clause):
            prefix, suffix = clause[: mention.start()], clause[mention.end() :]
            if not _is_count(prefix, suffix):
                continue
            claimed = _claim(prefix, suffix, clause, mention.group("u"))
            value = _number(mention.group("n"))
            if claimed is None or value is None:
                continue
            found.append(Stated(claimed, value, clause.strip()))
    return found
