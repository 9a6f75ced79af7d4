"""The button grammar: every kind encodes to short ASCII within Telegram's limit and decodes back."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from dialogs import buttons
from dialogs.buttons import (
    MAX_DATA_BYTES,
    Answer,
    AnswerAction,
    AppendPart,
    ChooseOrganisation,
    ConfirmDraft,
    ConfirmImport,
    ConfirmLedger,
    Contents,
    ExplainWarning,
    Export,
    Fill,
    Jump,
    LedgerChoice,
    LedgerSources,
    MuteReminders,
    OpenReport,
    OpenSection,
    RemindBehind,
    Review,
    RowList,
    SaveExit,
)

#: The largest number a button carries (ids and counters are decoded up to nine digits).
BIG = 999_999_999

EVERY_KIND: list[buttons.Action] = [
    *(Answer(BIG, action) for action in AnswerAction),
    Contents(),
    SaveExit(),
    Review(),
    Export(draft=False),
    Export(draft=True),
    Fill(),
    OpenSection(BIG),
    Jump(BIG),
    ExplainWarning(BIG),
    AppendPart(BIG),
    RowList(BIG),
    ConfirmImport(confirmed=True),
    ConfirmImport(confirmed=False),
    ConfirmDraft(confirmed=True),
    ConfirmDraft(confirmed=False),
    ChooseOrganisation(BIG),
    RemindBehind(BIG),
    OpenReport(BIG),
    MuteReminders(BIG, muted=True),
    MuteReminders(BIG, muted=False),
    LedgerChoice(BIG, BIG),
    ConfirmLedger(confirmed=True),
    ConfirmLedger(confirmed=False),
    LedgerSources(),
    LedgerSources(BIG),
    # review and sign-off
    buttons.SubmitReview(BIG),
    buttons.WithdrawReview(BIG),
    buttons.ApproveReport(BIG),
    buttons.StartReturn(BIG),
    buttons.ViewReviewed(BIG),
    buttons.ReopenReport(BIG),
    buttons.CommentSection(BIG),
    buttons.CommentPlace(BIG),
    buttons.CommentRow(BIG),
    buttons.CommentCell(BIG, BIG),
    buttons.SendReturn(BIG),
    buttons.CancelReturn(BIG),
    buttons.OpenComment(BIG),
    buttons.ExportReviewed(BIG, appendix=False),
    buttons.ExportReviewed(BIG, appendix=True),
]


def test_every_kind_is_short_ascii_and_decodes_to_itself():
    covered = {type(action) for action in EVERY_KIND}
    assert covered == set(typing.get_args(buttons.Action)), "a kind of button is not tested"
    encoded = [buttons.encode(action) for action in EVERY_KIND]
    assert len(set(encoded)) == len(encoded), "two buttons share their data"
    for action, data in zip(EVERY_KIND, encoded, strict=True):
        assert data.isascii()
        assert len(data.encode()) <= MAX_DATA_BYTES
        assert buttons.decode(data) == action


@pytest.mark.parametrize(
    "data",
    ["", "zz", "a", "a.1", "a.1.zz", "a.x.z", "a.².z", "g.", "g.²", "j.-1", "w.1.2", "o.1e3",
     "r.", "q.0x1", "i.y", "e.x", "m.1", "x" * 64, "g.1234567890", "rk.1", "rk.1.x", "rq.1.2"],
)  # fmt: skip
def test_data_that_no_button_carries_decodes_to_nothing(data):
    assert buttons.decode(data) is None


def test_buttons_are_built_from_the_grammar_only():
    """No module outside dialogs/buttons.py writes callback data by hand (``data="f"``)."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*(root / "dialogs").glob("*.py"), *(root / "bot").rglob("*.py")]:
        if path.name == "buttons.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Button":
                for keyword in node.keywords:
                    if keyword.arg == "data" and isinstance(
                        keyword.value, ast.Constant | ast.JoinedStr
                    ):
                        offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
