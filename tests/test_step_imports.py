"""The pure step on reports sent as files: this year's draft against the stored one, nothing
read, a final report, another office's report, and the last-year preview's wording."""

from __future__ import annotations

from decimal import Decimal

from dialogs import buttons, imports, texts
from dialogs.buttons import ConfirmDraft
from dialogs.machine import Context, step
from dialogs.model import (
    ButtonPress,
    ConversationState,
    Mode,
    SetStatus,
    UploadRead,
    WriteFigures,
    WriteText,
)
from report.values import Report
from tests.seed import seed_report

ORGANISATION = "赣州经开区蟠龙镇"


def context(report: Report, status: str = "draft") -> Context:
    return Context(report=report, status=status, organisation=ORGANISATION, short_name="蟠龙镇")


def upload(report: Report, organisation: str | None = ORGANISATION) -> UploadRead:
    return UploadRead(name="本年报告.docx", report_json=report.to_json(), organisation=organisation)


def press(confirmed: bool) -> ButtonPress:
    return ButtonPress(data=buttons.encode(ConfirmDraft(confirmed=confirmed)))


def test_this_years_draft_is_compared_and_written_only_on_confirmation():
    stored = seed_report()
    sent = stored.with_figures({"disclosure.rules.issued": Decimal(5)}).model_copy(
        update={"texts": {**stored.texts, "problems": "新的问题与改进。"}}
    )
    asked = step(ConversationState(report_id=1, seq=3), upload(sent), context(stored))
    assert asked.effects == []
    assert asked.state.mode is Mode.CONFIRM_DRAFT
    (message,) = asked.messages
    assert "与已保存的本年报告相比，有2处不同" in message.text
    assert "“规章·本年新制作数量”：草稿中为 0，文件中为 5" in message.text
    assert "新的问题与改进" in message.text
    assert [b.label for row in message.buttons for b in row] == [texts.DRAFT_CONFIRM, "取消"]

    done = step(asked.state, press(True), context(stored))
    assert done.state.mode is Mode.IDLE and done.state.pending_import is None
    figures = [e for e in done.effects if isinstance(e, WriteFigures)]
    parts = [e for e in done.effects if isinstance(e, WriteText)]
    assert [(e.figures, e.source) for e in figures] == [
        ({"disclosure.rules.issued": Decimal(5)}, "document")
    ]
    assert [(e.part_id, e.text, e.source) for e in parts] == [
        ("problems", "新的问题与改进。", "document")
    ]
    assert not any(isinstance(e, SetStatus) for e in done.effects)
    assert done.messages[0].text == "已按文件内容更新本年报告：1个数字、1个文字部分。"


def test_cancelling_writes_nothing():
    stored = seed_report()
    sent = stored.with_figures({"disclosure.rules.issued": Decimal(5)})
    asked = step(ConversationState(report_id=1), upload(sent), context(stored))
    done = step(asked.state, press(False), context(stored))
    assert done.effects == [] and done.messages[0].text == texts.DRAFT_CANCELLED
    assert done.state.mode is Mode.IDLE


def test_a_document_with_nothing_read_writes_nothing():
    stored = seed_report()
    nothing = Report(organisation=ORGANISATION, year=stored.year)
    outcome = step(ConversationState(report_id=1), upload(nothing), context(stored))
    assert [m.text for m in outcome.messages] == [texts.IMPORT_NOTHING_READ]
    assert outcome.effects == [] and outcome.state.mode is Mode.IDLE


def test_a_final_report_asks_for_a_confirmation_that_says_so_then_reopens():
    stored = seed_report()
    sent = stored.with_figures({"disclosure.rules.issued": Decimal(5)})
    asked = step(ConversationState(report_id=1), upload(sent), context(stored, "final"))
    (message,) = asked.messages
    assert texts.DRAFT_FINAL_WARNING in message.text
    assert [b.label for row in message.buttons for b in row] == [texts.DRAFT_CONFIRM_FINAL, "取消"]
    assert asked.effects == []
    done = step(asked.state, press(True), context(stored, "final"))
    assert SetStatus(status="draft") in done.effects
    assert any(isinstance(e, WriteFigures) for e in done.effects)


def test_another_offices_report_is_named_before_confirmation():
    stored = seed_report()
    sent = stored.with_figures({"disclosure.rules.issued": Decimal(5)})
    asked = step(
        ConversationState(report_id=1),
        upload(sent, organisation="上海市人民政府办公厅"),
        context(stored),
    )
    text = asked.messages[0].text
    assert text.startswith("⚠️ 请注意：文件标题中的单位是“上海市人民政府办公厅”")
    assert "不是本单位（赣州经开区蟠龙镇）" in text
    # Last year's report of another office: warned the same way.
    last = Report(organisation="上海市人民政府办公厅", year=stored.year - 1, figures=stored.figures)
    earlier = step(
        ConversationState(report_id=1),
        upload(last, organisation="上海市人民政府办公厅"),
        context(stored),
    )
    assert earlier.state.mode is Mode.CONFIRM_IMPORT
    assert "不是本单位" in earlier.messages[0].text


def test_a_draft_in_the_other_format_is_refused_in_words():
    stored = seed_report()  # 2020: the 2019–2020 format
    sent = Report(organisation=ORGANISATION, year=stored.year, format_id="current").with_figures(
        {"disclosure.rules.issued": Decimal(1)}
    )
    outcome = step(ConversationState(report_id=1), upload(sent), context(stored))
    assert outcome.effects == [] and outcome.state.mode is Mode.IDLE
    assert "行列不同，没有导入" in outcome.messages[0].text


def test_a_later_years_report_is_refused_in_words():
    stored = seed_report()
    later = Report(organisation=ORGANISATION, year=stored.year + 1).with_figures(
        {"disclosure.rules.issued": Decimal(1)}
    )
    outcome = step(ConversationState(report_id=1), upload(later), context(stored))
    assert [m.text for m in outcome.messages] == [
        texts.IMPORT_LATER_YEAR.format(year=stored.year + 1, current=stored.year)
    ]


def test_same_office_named_more_or_less_fully():
    assert not imports.other_organisation("蟠龙镇人民政府", ORGANISATION, "蟠龙镇")
    assert not imports.other_organisation("赣州经开区蟠龙镇", ORGANISATION, "蟠龙镇")
    assert not imports.other_organisation(None, ORGANISATION, "蟠龙镇")
    assert imports.other_organisation("湖南镇", ORGANISATION, "蟠龙镇")


def test_the_preview_names_each_figure_by_row_and_column():
    report = seed_report()
    text = imports.preview(report)
    assert "规章13、规章13" not in text
    for line in text.splitlines():
        if line.startswith("· "):
            name, _, figures = line[2:].partition("：")
            assert name and figures, line
            # every figure carries its column's name
            assert all(not f.strip().isdigit() for f in figures.split("、")), line
