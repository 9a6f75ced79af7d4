"""The button grammar: every kind of button the conversation shows, with one encode/decode.

A button's callback data is short ASCII (Telegram allows at most 64 bytes): a one-letter head,
then numbers or a one-letter action separated by dots. The heads are declared here and nowhere
else; everything else builds buttons from the typed values below and dispatches on the value
``decode`` returns (``match``), never on strings. ``decode`` returns ``None`` for data that is
not (or no longer) a button of ours: a forged press, or a button of an older version.

    a.<seq>.<action>  Answer        an answer to the question asked with ``seq`` (AnswerAction)
    m                 Contents      目录
    x                 SaveExit      暂存退出
    v                 Review        查看全部
    e / e.d           Export        生成报告 / 生成草稿
    f                 Fill          继续填写
    g.<number>        OpenSection   a section of the contents (its number)
    j.<index>         Jump          a question of the plan (its index): 重新填写
    w.<rule>          ExplainWarning a warning to explain (its index in the format's rules)
    n.<index>         AppendPart    补充: more text for a narrative part already answered
    k.<page>          RowList       a page of the list of every table row (按行查找)
    i.c / i.x         ConfirmImport confirm / cancel an uploaded report
    i.dc / i.dx       ConfirmDraft  confirm / cancel this year's report sent as a file
    o.<id>            ChooseOrganisation
    p.<id>            RemindBehind  a supervisor reminds the offices behind (the parent's id)
    r.<id>            OpenReport    a reminder's 继续填写 (the report's id)
    q.<id> / u.<id>   MuteReminders mute / unmute a report's reminders
    l.<step>.<n>      LedgerChoice  candidate ``n`` for the ledger question shown at ``step``
    l.c / l.x         ConfirmLedger write the ledger's counts into table 三 / cancel
    l.s / l.<row>     LedgerSources which ledger rows make up the counts (all / one row of 三)

Review and sign-off (two-letter heads starting with r; see ``dialogs.review_flow``):

    rs.<id>           SubmitReview   the clerk hands the report in (or in again after a return)
    rw.<id>           WithdrawReview the clerk takes a submitted report back
    ra.<id>           ApproveReport  the supervisor approves
    rr.<id>           StartReturn    the supervisor starts (or goes on writing) a return
    rv.<id>           ViewReviewed   the supervisor opens the report, read-only
    ro.<id>           ReopenReport   the supervisor reopens an approved report
    rc.<number>       CommentSection a section of the report being returned (its number)
    rp.<index>        CommentPlace   a row or part to comment on (its index in the plan)
    rq.<index>        CommentRow     the whole of a row with several cells
    rk.<index>.<n>    CommentCell    cell ``n`` (0-based, in the row's order) of a row
    rt.<id>           SendReturn     send the comments written so far
    rx.<id>           CancelReturn   drop the comments written so far
    rb.<id>           OpenComment    the clerk goes to the place of a comment (the comment's id)
    rf.<id> / rg.<id> ExportReviewed the supervisor's copy of the report, without / with appendix
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

#: Telegram's limit on callback data, in bytes.
MAX_DATA_BYTES = 64


class AnswerAction(StrEnum):
    """What an answer button does to the question it was shown with."""

    BACK = "b"  # 上一题
    SKIP = "s"  # 跳过
    PART_DONE = "d"  # 本部分写完了
    KEEP_TEXT = "k"  # 保留原文
    LAST_YEAR_TEXT = "t"  # 沿用上年文字
    ROW_ZERO = "z"  # 本行全为0
    REST_ZERO = "r"  # 本表（或结果）其余全为0
    GROUP_ZERO = "g"  # 本组（如（三）不予公开）余下为0
    SAME_AS_LAST_YEAR = "l"  # 同上年
    BALANCE = "c"  # 按结余计算
    YES = "y"
    NO = "n"
    TEXT_AS_IS = "w"  # 数字也是本部分的文字：照原样保存


@dataclass(frozen=True)
class Answer:
    seq: int
    action: AnswerAction


@dataclass(frozen=True)
class Contents:
    pass


@dataclass(frozen=True)
class SaveExit:
    pass


@dataclass(frozen=True)
class Review:
    pass


@dataclass(frozen=True)
class Export:
    draft: bool = False


@dataclass(frozen=True)
class Fill:
    pass


@dataclass(frozen=True)
class OpenSection:
    number: int


@dataclass(frozen=True)
class Jump:
    index: int


@dataclass(frozen=True)
class ExplainWarning:
    rule: int


@dataclass(frozen=True)
class AppendPart:
    index: int


@dataclass(frozen=True)
class RowList:
    page: int


@dataclass(frozen=True)
class ConfirmImport:
    confirmed: bool


@dataclass(frozen=True)
class ConfirmDraft:
    """Write (or not) this year's report read from a file over the stored draft."""

    confirmed: bool


@dataclass(frozen=True)
class ChooseOrganisation:
    organisation_id: int


@dataclass(frozen=True)
class RemindBehind:
    parent_id: int


@dataclass(frozen=True)
class OpenReport:
    report_id: int


@dataclass(frozen=True)
class MuteReminders:
    report_id: int
    muted: bool


# --- the application ledger (dialogs.ledger_flow) -------------------------------------------


@dataclass(frozen=True)
class LedgerChoice:
    step: int
    candidate: int


@dataclass(frozen=True)
class ConfirmLedger:
    confirmed: bool


@dataclass(frozen=True)
class LedgerSources:
    #: The index of a row of table 三 (``ledger_summary.count_rows``); None: the list of rows.
    row: int | None = None


# --- review and sign-off ---------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitReview:
    report_id: int


@dataclass(frozen=True)
class WithdrawReview:
    report_id: int


@dataclass(frozen=True)
class ApproveReport:
    report_id: int


@dataclass(frozen=True)
class StartReturn:
    report_id: int


@dataclass(frozen=True)
class ViewReviewed:
    report_id: int


@dataclass(frozen=True)
class ReopenReport:
    report_id: int


@dataclass(frozen=True)
class CommentSection:
    number: int


@dataclass(frozen=True)
class CommentPlace:
    index: int


@dataclass(frozen=True)
class CommentRow:
    index: int


@dataclass(frozen=True)
class CommentCell:
    index: int
    #: The cell's position among the row's cells (``RowQuestion.cells``).
    cell: int


@dataclass(frozen=True)
class SendReturn:
    report_id: int


@dataclass(frozen=True)
class CancelReturn:
    report_id: int


@dataclass(frozen=True)
class OpenComment:
    comment_id: int


@dataclass(frozen=True)
class ExportReviewed:
    report_id: int
    appendix: bool


ReviewAction = (
    SubmitReview
    | WithdrawReview
    | ApproveReport
    | StartReturn
    | ViewReviewed
    | ReopenReport
    | CommentSection
    | CommentPlace
    | CommentRow
    | CommentCell
    | SendReturn
    | CancelReturn
    | OpenComment
    | ExportReviewed
)

_REVIEW_HEADS: dict[str, Callable[[int], ReviewAction]] = {
    "rs": SubmitReview,
    "rw": WithdrawReview,
    "ra": ApproveReport,
    "rr": StartReturn,
    "rv": ViewReviewed,
    "ro": ReopenReport,
    "rc": CommentSection,
    "rp": CommentPlace,
    "rq": CommentRow,
    "rt": SendReturn,
    "rx": CancelReturn,
    "rb": OpenComment,
}


Action = (
    Answer
    | Contents
    | SaveExit
    | Review
    | Export
    | Fill
    | OpenSection
    | Jump
    | ExplainWarning
    | AppendPart
    | RowList
    | ConfirmImport
    | ConfirmDraft
    | ChooseOrganisation
    | RemindBehind
    | OpenReport
    | MuteReminders
    | LedgerChoice
    | ConfirmLedger
    | LedgerSources
    | ReviewAction
)

_NUMBER = re.compile(r"[0-9]{1,9}")


def encode(action: Action) -> str:
    """The callback data of ``action``."""
    match action:
        case Answer(seq, what):
            return f"a.{seq}.{what.value}"
        case Contents():
            return "m"
        case SaveExit():
            return "x"
        case Review():
            return "v"
        case Export(draft):
            return "e.d" if draft else "e"
        case Fill():
            return "f"
        case OpenSection(number):
            return f"g.{number}"
        case Jump(index):
            return f"j.{index}"
        case ExplainWarning(rule):
            return f"w.{rule}"
        case AppendPart(index):
            return f"n.{index}"
        case RowList(page):
            return f"k.{page}"
        case ConfirmImport(confirmed):
            return "i.c" if confirmed else "i.x"
        case ConfirmDraft(confirmed):
            return "i.dc" if confirmed else "i.dx"
        case ChooseOrganisation(organisation_id):
            return f"o.{organisation_id}"
        case RemindBehind(parent_id):
            return f"p.{parent_id}"
        case OpenReport(report_id):
            return f"r.{report_id}"
        case MuteReminders(report_id, muted):
            return f"{'q' if muted else 'u'}.{report_id}"
        case LedgerChoice(step, candidate):
            return f"l.{step}.{candidate}"
        case ConfirmLedger(confirmed):
            return "l.c" if confirmed else "l.x"
        case LedgerSources(row):
            return "l.s" if row is None else f"l.{row}"
        case ExportReviewed(report_id, appendix):
            return f"{'rg' if appendix else 'rf'}.{report_id}"
        case CommentCell(index, cell):
            return f"rk.{index}.{cell}"
        case _:
            return _encode_review(action)


def _encode_review(action: ReviewAction) -> str:
    head = next(h for h, kind in _REVIEW_HEADS.items() if kind is type(action))
    (number,) = vars(action).values()
    return f"{head}.{number}"


def decode(data: str) -> Action | None:
    """The action of callback ``data``; None for data no button of ours carries."""
    simple: dict[str, Action] = {
        "m": Contents(),
        "x": SaveExit(),
        "v": Review(),
        "f": Fill(),
        "e": Export(draft=False),
        "e.d": Export(draft=True),
        "i.c": ConfirmImport(confirmed=True),
        "i.x": ConfirmImport(confirmed=False),
        "l.c": ConfirmLedger(confirmed=True),
        "l.x": ConfirmLedger(confirmed=False),
        "l.s": LedgerSources(),
        "i.dc": ConfirmDraft(confirmed=True),
        "i.dx": ConfirmDraft(confirmed=False),
    }
    if data in simple:
        return simple[data]
    head, _, rest = data.partition(".")
    if head == "a":
        seq, _, what = rest.partition(".")
        if not _NUMBER.fullmatch(seq) or what not in set(AnswerAction):
            return None
        return Answer(int(seq), AnswerAction(what))
    if head in ("l", "rk") and "." in rest:
        first, _, second = rest.partition(".")
        if not (_NUMBER.fullmatch(first) and _NUMBER.fullmatch(second)):
            return None
        if head == "rk":
            return CommentCell(int(first), int(second))
        return LedgerChoice(int(first), int(second))
    if not _NUMBER.fullmatch(rest):
        return None
    number = int(rest)
    match head:
        case "g":
            return OpenSection(number)
        case "j":
            return Jump(number)
        case "w":
            return ExplainWarning(number)
        case "n":
            return AppendPart(number)
        case "k":
            return RowList(number)
        case "o":
            return ChooseOrganisation(number)
        case "p":
            return RemindBehind(number)
        case "r":
            return OpenReport(number)
        case "q" | "u":
            return MuteReminders(number, muted=head == "q")
        case "l":
            return LedgerSources(number)
        case "rf" | "rg":
            return ExportReviewed(number, appendix=head == "rg")
    kind = _REVIEW_HEADS.get(head)
    return kind(number) if kind is not None else None


def stays(action: Action | None) -> bool:
    """Whether the message keeps its buttons when this one is pressed: a returned report's
    comments each have one, and the clerk goes through them one after the other."""
    return isinstance(action, OpenComment)


def builds_document(action: Action | None) -> bool:
    """Whether pressing the button makes a document (生成报告 / 生成草稿)."""
    return isinstance(action, Export)
