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
    i.c / i.x         ConfirmImport confirm / cancel an uploaded report
    i.dc / i.dx       ConfirmDraft  confirm / cancel this year's report sent as a file
    o.<id>            ChooseOrganisation
    p.<id>            RemindBehind  a supervisor reminds the offices behind (the parent's id)
    r.<id>            OpenReport    a reminder's 继续填写 (the report's id)
    q.<id> / u.<id>   MuteReminders mute / unmute a report's reminders
"""

from __future__ import annotations

import re
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
    SAME_AS_LAST_YEAR = "l"  # 同上年
    BALANCE = "c"  # 按结余计算
    YES = "y"
    NO = "n"


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
    | ConfirmImport
    | ConfirmDraft
    | ChooseOrganisation
    | RemindBehind
    | OpenReport
    | MuteReminders
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
        case "o":
            return ChooseOrganisation(number)
        case "p":
            return RemindBehind(number)
        case "r":
            return OpenReport(number)
        case "q" | "u":
            return MuteReminders(number, muted=head == "q")
    return None


def builds_document(action: Action | None) -> bool:
    """Whether pressing the button makes a document (生成报告 / 生成草稿)."""
    return isinstance(action, Export)
