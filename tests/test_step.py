"""The pure step, mode by mode: no SQLite, no files, only values in and values out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialogs import buttons, texts
from dialogs.buttons import Answer, AnswerAction, ConfirmImport, Export
from dialogs.machine import Context, step
from dialogs.model import (
    AcceptWarning,
    ButtonPress,
    Command,
    ConversationState,
    FileInput,
    ImportProblem,
    Mode,
    RenderReport,
    SaveImported,
    SetStatus,
    TextInput,
    UploadRead,
    WriteFigures,
)
from dialogs.plan import RowQuestion, plan_for
from report.values import Report
from tests.seed import seed_figures, seed_report

YEAR = 2025


def empty_report() -> Report:
    return Report(organisation="某县某镇人民政府", year=YEAR)


def context(report: Report | None = None, **more: object) -> Context:
    return Context(
        report=report or empty_report(),
        status="draft",
        organisation="某县某镇人民政府",
        short_name="某镇",
        **more,  # type: ignore[arg-type]
    )


def state_in(mode: Mode) -> ConversationState:
    """A state in ``mode`` as the conversation leaves it there."""
    last_year = Report(organisation="某县某镇人民政府", year=YEAR - 1).to_json()
    this_year = Report(organisation="某县某镇人民政府", year=YEAR).to_json()
    return ConversationState(
        report_id=1,
        mode=mode,
        cursor=1,
        seq=7,
        warning_key="balance.natural_person" if mode is Mode.REASON else None,
        pending_import=(
            last_year
            if mode is Mode.CONFIRM_IMPORT
            else this_year
            if mode is Mode.CONFIRM_DRAFT
            else None
        ),
    )


@pytest.mark.parametrize("mode", list(Mode))
def test_cancel_in_every_mode_saves_and_leaves_the_question(mode):
    outcome = step(state_in(mode), Command(name="cancel"), context())
    assert outcome.state.mode is Mode.IDLE
    assert outcome.state.seq > 7  # the buttons shown before are stale now
    assert [m.text for m in outcome.messages] == [texts.SAVED_EXIT]
    assert outcome.effects == []


@pytest.mark.parametrize("mode", list(Mode))
def test_a_stale_answer_button_in_every_mode_writes_nothing(mode):
    stale = buttons.encode(Answer(6, AnswerAction.ROW_ZERO))
    outcome = step(state_in(mode), ButtonPress(data=stale), context())
    assert outcome.effects == []
    if mode is Mode.ASKING:
        assert outcome.messages[0].text == texts.STALE_BUTTON
        assert outcome.messages[-1].question  # and the current question again
        assert outcome.state.cursor == 1
    else:
        assert [m.text for m in outcome.messages] == [texts.UNKNOWN_BUTTON]
        assert outcome.state.mode is mode


@pytest.mark.parametrize("mode", list(Mode))
def test_free_text_in_every_mode(mode):
    outcome = step(state_in(mode), TextInput(text="您好"), context())
    texts_sent = [m.text for m in outcome.messages]
    match mode:
        case Mode.ASKING:  # question 1 is a narrative part: the text is its answer
            assert texts_sent[0] == texts.PART_SAVED_NEXT.format(length=2)
            assert outcome.state.cursor == 2  # and on to the next question
        case Mode.REASON:  # no warning is open on an empty report: nothing to accept
            assert texts_sent[0] == texts.WARNING_GONE
            assert not any(isinstance(e, AcceptWarning) for e in outcome.effects)
        case Mode.CONFIRM_IMPORT:
            assert texts_sent == [texts.IMPORT_CONFIRM + "？"]
            assert outcome.state.pending_import is not None
        case Mode.CONFIRM_DRAFT:
            assert texts_sent == [texts.DRAFT_PENDING]
            assert outcome.state.pending_import is not None and outcome.effects == []
        case Mode.IDLE:
            assert texts_sent == [texts.IDLE_TEXT]
            assert outcome.effects == []


def test_a_current_answer_button_writes_the_row_and_asks_the_next_question():
    report = empty_report()
    plan = plan_for(report.format)
    index = next(i for i, q in enumerate(plan) if isinstance(q, RowQuestion))
    question = plan[index]
    assert isinstance(question, RowQuestion)
    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=index, seq=3)
    press = ButtonPress(data=buttons.encode(Answer(3, AnswerAction.ROW_ZERO)))
    outcome = step(state, press, context(report))
    (write,) = [e for e in outcome.effects if isinstance(e, WriteFigures)]
    assert write.figures == {c: Decimal(0) for c in question.cells}
    assert outcome.state.cursor == index + 1
    assert outcome.state.seq == 4


def test_export_asks_the_engine_for_the_document_after_the_step():
    report = seed_report()
    state = ConversationState(report_id=1, mode=Mode.IDLE, seq=2)
    press = ButtonPress(data=buttons.encode(Export()))
    outcome = step(state, press, context(report, can_render=True))
    (render,) = [e for e in outcome.effects if isinstance(e, RenderReport)]
    assert render.draft is False
    document = outcome.messages[render.message].document
    assert document is not None and document.filename.endswith(".docx")
    assert document.data == b""  # the step builds no document itself
    assert SetStatus(status="final") in outcome.effects

    unavailable = step(state, press, context(report))
    assert [m.text for m in unavailable.messages] == [texts.EXPORT_UNAVAILABLE]
    assert unavailable.effects == []


def test_an_upload_is_taken_as_read_and_confirmed_by_button():
    last_year = Report(organisation="某县某镇人民政府", year=2020, figures=seed_figures())
    upload = UploadRead(
        name="2020年报.docx",
        report_json=last_year.to_json(),
        problems=[ImportProblem(where="第一张表", message="合计与分项之和不符")],
    )
    state = ConversationState(report_id=1, seq=2)
    outcome = step(state, upload, context())
    assert outcome.state.mode is Mode.CONFIRM_IMPORT
    assert "合计与分项之和不符" in outcome.messages[0].text
    assert outcome.effects == []

    confirm = ButtonPress(data=buttons.encode(ConfirmImport(confirmed=True)))
    done = step(outcome.state, confirm, context())
    assert done.state.mode is Mode.IDLE and done.state.pending_import is None
    (saved,) = done.effects
    assert isinstance(saved, SaveImported) and saved.year == 2020


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (UploadRead(name="照片.jpg"), texts.FILE_NOT_DOCX),
        (UploadRead(name="年报.docx"), texts.IMPORT_UNAVAILABLE),
        (FileInput(name="年报.docx", data=b"PK"), texts.IMPORT_UNAVAILABLE),
        (
            UploadRead(name="通知.docx", refusal="这不是年度报告"),
            texts.IMPORT_REJECTED.format(reason="这不是年度报告"),
        ),
    ],
)
def test_an_upload_that_was_not_read_is_refused_in_words(upload, expected):
    outcome = step(ConversationState(report_id=1), upload, context())
    assert [m.text for m in outcome.messages] == [expected]
    assert outcome.state.mode is Mode.IDLE and outcome.effects == []


def test_every_button_a_question_shows_is_one_of_the_grammar():
    """Each question of both formats offers only buttons that decode, and none of its answer
    buttons is refused as unexpected when pressed at once."""
    from dialogs import render
    from report.formats import CURRENT, LEGACY

    last_year = Report(organisation="某县某镇人民政府", year=2020, figures=seed_figures())
    for fmt, year, previous in (
        (LEGACY, 2020, None),
        (CURRENT, 2021, last_year),  # last year in the older format
        (CURRENT, YEAR, None),
    ):
        report = Report(organisation="某县某镇人民政府", year=year)
        assert report.format is fmt
        for index, question in enumerate(plan_for(fmt)):
            message = render.question_message(question, index, 5, report, previous)
            for button in (b for row in message.buttons for b in row):
                action = buttons.decode(button.data)
                assert action is not None, button
                assert buttons.encode(action) == button.data
                if isinstance(action, Answer):
                    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=index, seq=5)
                    press = ButtonPress(data=button.data)
                    pressed = step(state, press, context(report, previous=previous))
                    assert texts.UNKNOWN_BUTTON not in [m.text for m in pressed.messages]


# --- review and sign-off: the clerk's side of the step --------------------------------------


def _labels(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.label for m in outcome.messages for row in m.buttons for b in row]


def _data(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.data for m in outcome.messages for row in m.buttons for b in row]


def test_a_complete_report_of_a_reviewed_office_offers_the_hand_in():
    ctx = context(seed_report(), report_id=12, review="drafting")
    outcome = step(ConversationState(report_id=12), Command(name="review"), ctx)
    assert texts.BTN_SUBMIT in _labels(outcome)
    assert buttons.encode(buttons.SubmitReview(12)) in _data(outcome)
    # Returned: the same button says it is handed in again, and open comments are counted.
    places = ("row:disclosure/disclosure.procurement", "part:problems")
    ctx = context(seed_report(), report_id=12, review="returned", open_comments=places)
    outcome = step(ConversationState(report_id=12), Command(name="review"), ctx)
    assert texts.BTN_RESUBMIT in _labels(outcome)
    assert "上级退回的意见还有2条没有处理" in outcome.messages[-1].text
    # The answer that changes a comment's place answers it in the same turn.
    question = next(
        i
        for i, q in enumerate(plan_for(seed_report().format))
        if isinstance(q, RowQuestion) and q.row.id == "disclosure.procurement"
    )
    state = ConversationState(report_id=12, mode=Mode.ASKING, cursor=question, seq=3)
    outcome = step(state, TextInput(text="10 180000"), ctx)
    assert "上级退回的意见还有1条没有处理" in outcome.messages[-1].text


def test_no_hand_in_while_rows_are_missing_and_none_without_a_supervisor():
    report = seed_report()
    figures = dict(report.figures)
    del figures["disclosure.procurement.items"]
    ctx = context(report.model_copy(update={"figures": figures}), report_id=3, review="drafting")
    outcome = step(ConversationState(report_id=3), Command(name="review"), ctx)
    assert texts.BTN_SUBMIT not in _labels(outcome)
    assert "报告还有1项没有填写，请全部填写后再提交审核。" in outcome.messages[-1].text
    outcome = step(ConversationState(report_id=3), Command(name="review"), context(seed_report()))
    assert texts.BTN_SUBMIT not in _labels(outcome)


def test_a_report_waiting_for_review_offers_withdrawal_and_exports_only_a_draft():
    ctx = context(seed_report(), report_id=5, review="submitted", can_render=True)
    outcome = step(ConversationState(report_id=5), Command(name="review"), ctx)
    assert "正在等待审核" in outcome.messages[-1].text
    assert _labels(outcome)[-1] == texts.BTN_WITHDRAW
    outcome = step(ConversationState(report_id=5), Command(name="export"), ctx)
    (render,) = [e for e in outcome.effects if isinstance(e, RenderReport)]
    assert render.draft and not any(isinstance(e, SetStatus) for e in outcome.effects)
    assert "还没有经上级审核通过" in outcome.messages[-1].text


def test_an_approved_report_exports_final_and_the_appendix_on_request():
    ctx = context(seed_report(), report_id=5, review="approved", can_render=True)
    outcome = step(ConversationState(report_id=5), Command(name="export", args="附件"), ctx)
    (render,) = [e for e in outcome.effects if isinstance(e, RenderReport)]
    assert not render.draft and render.appendix
    outcome = step(ConversationState(report_id=5), Command(name="export"), ctx)
    (render,) = [e for e in outcome.effects if isinstance(e, RenderReport)]
    assert not render.draft and not render.appendix


@pytest.mark.parametrize("mode", [Mode.ASKING, Mode.IDLE])
def test_a_row_code_typed_at_a_narrative_part_or_idle_writes_that_row(mode):
    state = state_in(mode)  # question 1 is a narrative part
    outcome = step(state, TextInput(text="三（三）5 1 0 0 0 0 0"), context())
    writes = [e for e in outcome.effects if isinstance(e, WriteFigures)]
    assert len(writes) == 1
    assert writes[0].figures["applications.refused.internal_affairs.natural_person"] == 1
    assert not any(e for e in outcome.effects if type(e).__name__ == "WriteText")
    assert outcome.state.mode is Mode.ASKING
    assert outcome.messages[-1].question


def test_the_group_button_zeroes_the_rest_of_its_group_only():
    report = empty_report()
    plan = plan_for(report.format)
    index = next(
        i
        for i, q in enumerate(plan)
        if q.key == "row:applications.refused.internal_affairs.natural_person"
    )
    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=index, seq=3)
    press = ButtonPress(data=buttons.encode(Answer(3, AnswerAction.GROUP_ZERO)))
    outcome = step(state, press, context(report))
    written = {c for e in outcome.effects if isinstance(e, WriteFigures) for c in e.figures}
    assert "applications.refused.inquiry.natural_person" in written
    assert "applications.refused.third_party.natural_person" not in written
    assert not any(c.startswith("applications.unavailable.") for c in written)
    asked = plan[outcome.state.cursor]
    assert asked.key == "row:applications.unavailable.not_held.natural_person"


def test_a_typed_answer_carrying_an_earlier_question_writes_nothing():
    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=1, seq=7)
    outcome = step(state, TextInput(text="综述。", seq=6), context())
    assert outcome.effects == []
    assert outcome.messages[0].text == texts.STALE_TEXT_ANSWER
    assert outcome.messages[-1].question and outcome.state.cursor == 1


def test_an_edit_of_the_last_answer_to_a_row_rewrites_that_row_only():
    plan = plan_for(empty_report().format)
    key = "row:disclosure.rules.issued"
    row = next(i for i, q in enumerate(plan) if q.key == key)
    report = empty_report().with_figures({c: Decimal(1) for c in plan[row].cells})
    state = ConversationState(
        report_id=1, mode=Mode.ASKING, cursor=row + 2, seq=9, answer_messages={key: 31}
    )
    edit = TextInput(text="2 0 5", message_id=31, edited=True)
    outcome = step(state, edit, context(report))
    (write,) = [e for e in outcome.effects if isinstance(e, WriteFigures)]
    assert write.figures == {
        "disclosure.rules.issued": 2,
        "disclosure.rules.repealed": 0,
        "disclosure.rules.in_force": 5,
    }
    assert outcome.state.cursor == row + 2  # the clerk stays where they were
    other = step(state, TextInput(text="2 0 5", message_id=30, edited=True), context(report))
    assert other.effects == [] and [m.text for m in other.messages] == [texts.EDITED_OTHER]


def test_figures_alone_at_a_part_are_questioned_and_kept_only_when_confirmed():
    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=0, seq=3)
    asked = step(state, TextInput(text="1 0 3"), context())
    assert asked.effects == [] and asked.state.pending_text == "1 0 3"
    press = ButtonPress(data=buttons.encode(Answer(3, AnswerAction.TEXT_AS_IS)))
    kept = step(asked.state, press, context())
    assert [e.text for e in kept.effects if type(e).__name__ == "WriteText"] == ["1 0 3"]
    assert kept.state.cursor == 1
