"""Review and sign-off on a real SQLite file: steps, comments answered on write, locks, audit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from storage_fixtures import CLERK_ID, OTHER_CLERK_ID, Clock

from report.review import Place, ReviewEvent, ReviewStatus
from storage import (
    CommentRefused,
    NewComment,
    Organisation,
    ReportLocked,
    ReviewRefused,
    Role,
    Store,
    StoredReport,
    text_target,
)
from tests.seed import SEED_YEAR, seed_report

SUPERVISOR_ID = 2001
OUTSIDE_SUPERVISOR_ID = 2002

NEW_NATURAL = "applications.new.natural_person"
GRANTED_ROW = Place.row("applications", "applications.granted")


@pytest.fixture
def people(store: Store, county: Organisation, town: Organisation) -> None:
    """李明 and 王芳 fill in the town's report; 张科长 supervises at the county."""
    store.upsert_person(CLERK_ID, "李明")
    store.upsert_person(OTHER_CLERK_ID, "王芳")
    store.upsert_person(SUPERVISOR_ID, "张科长")
    store.add_membership(CLERK_ID, town.id, Role.CLERK)
    store.add_membership(OTHER_CLERK_ID, town.id, Role.ADMIN)
    store.add_membership(SUPERVISOR_ID, county.id, Role.SUPERVISOR)


@pytest.fixture
def filled(store: Store, town: Organisation, people: None) -> StoredReport:
    """The town's 2020 report, complete and without errors (the seed report's content)."""
    stored = store.report(town.id, SEED_YEAR)
    assert stored is not None
    seed = seed_report()
    store.write_figures(stored.id, dict(seed.figures), person_id=CLERK_ID)
    for part_id, text in seed.texts.items():
        store.write_text(stored.id, part_id, text, person_id=OTHER_CLERK_ID)
    return stored


def refusal(call: object, *args: object, **kwargs: object) -> ReviewRefused:
    with pytest.raises(ReviewRefused) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value


def two_comments() -> list[NewComment]:
    return [
        NewComment(Place.cell(NEW_NATURAL), "本年新收申请数与登记台账不一致，请核对。"),
        NewComment(GRANTED_ROW, "予以公开一行请按办结件数重新统计。"),
    ]


def test_a_report_starts_drafting(store: Store, filled: StoredReport) -> None:
    review = store.review(filled.id)
    assert review.status is ReviewStatus.DRAFTING and review.since is None
    assert store.review_history(filled.id) == []


def test_submit_return_answer_resubmit_approve(
    store: Store, filled: StoredReport, clock: Clock, db_path: Path
) -> None:
    submitted = store.submit(filled.id, person_id=CLERK_ID)
    assert submitted.status is ReviewStatus.SUBMITTED
    assert submitted.submitted_at == clock.now

    clock.advance(hours=3)
    review, given = store.return_report(filled.id, two_comments(), person_id=SUPERVISOR_ID)
    assert review.status is ReviewStatus.RETURNED and review.returned_at == clock.now
    assert [c.place for c in given] == [Place.cell(NEW_NATURAL), GRANTED_ROW]
    assert all(c.answered_at is None and c.person_id == SUPERVISOR_ID for c in given)

    # The clerk fixes the cell: that comment is answered by the write itself.
    clock.advance(minutes=20)
    fixed_at = clock.now
    store.write_figures(filled.id, {NEW_NATURAL: Decimal(2)}, person_id=CLERK_ID)
    store.write_figures(
        filled.id, {"applications.granted.natural_person": Decimal(2)}, person_id=CLERK_ID
    )
    # An unrelated write answers nothing else.
    open_now = store.comments(filled.id, open_only=True)
    assert open_now == []
    first = store.comments(filled.id)[0]
    assert first.answered_at == fixed_at and first.answered_by == CLERK_ID

    # The narrative still says 0 applications: the clerk must deal with that warning first.
    error = refusal(store.submit, filled.id, person_id=CLERK_ID)
    assert error.reason == "unaccepted_warnings" and error.status == "returned"
    store.write_text(
        filled.id,
        "overview.requests",
        "通过网站、信函等形式接受依申请公开2条。",
        person_id=CLERK_ID,
    )
    store.submit(filled.id, person_id=CLERK_ID)
    assert store.review_history(filled.id)[-1].event is ReviewEvent.RESUBMIT

    changes = {c.place.key: c for c in store.changes_since_return(filled.id)}
    assert changes[f"cell:{NEW_NATURAL}"].before == Decimal(0)
    assert changes[f"cell:{NEW_NATURAL}"].after == Decimal(2)
    assert "cell:applications.granted.natural_person" in changes
    assert all(c.computed for k, c in changes.items() if k.endswith(".total"))

    clock.advance(days=1)
    approved = store.approve(filled.id, person_id=SUPERVISOR_ID)
    assert approved.status is ReviewStatus.APPROVED
    assert (approved.approved_at, approved.approved_by) == (clock.now, SUPERVISOR_ID)

    # Everything is on disk: another connection sees the same history.
    with Store(db_path) as other:
        events = [r.event for r in other.review_history(filled.id)]
        assert events == [
            ReviewEvent.SUBMIT,
            ReviewEvent.RETURN,
            ReviewEvent.RESUBMIT,
            ReviewEvent.APPROVE,
        ]
        steps = [
            (a.old, a.new, a.person_id) for a in other.audit_log(filled.id) if a.target == "review"
        ]
        assert steps == [
            ("drafting", "submitted", CLERK_ID),
            ("submitted", "returned", SUPERVISOR_ID),
            ("returned", "submitted", CLERK_ID),
            ("submitted", "approved", SUPERVISOR_ID),
        ]
        comments = [a for a in other.audit_log(filled.id) if a.target.startswith("comment:")]
        assert [a.new for a in comments] == [
            f"cell:{NEW_NATURAL}|本年新收申请数与登记台账不一致，请核对。",
            f"{GRANTED_ROW.key}|予以公开一行请按办结件数重新统计。",
        ]


def test_a_comment_on_a_part_is_answered_when_its_text_changes(
    store: Store, filled: StoredReport
) -> None:
    store.submit(filled.id, person_id=CLERK_ID)
    store.return_report(
        filled.id, [NewComment(Place.part("problems"), "问题写得太笼统。")], person_id=SUPERVISOR_ID
    )
    store.write_figures(filled.id, {NEW_NATURAL: Decimal(0)}, person_id=CLERK_ID)  # unchanged
    store.write_text(filled.id, "other_matters", "无其他事项。", person_id=CLERK_ID)
    assert len(store.comments(filled.id, open_only=True)) == 1
    store.write_text(
        filled.id, "problems", "人员力量不足，下一步加强培训。", person_id=OTHER_CLERK_ID
    )
    (comment,) = store.comments(filled.id)
    assert comment.answered and comment.answered_by == OTHER_CLERK_ID


def test_submitted_and_approved_reports_refuse_writes(store: Store, filled: StoredReport) -> None:
    store.submit(filled.id, person_id=CLERK_ID)
    with pytest.raises(ReportLocked) as submitted:
        store.write_figures(filled.id, {NEW_NATURAL: Decimal(5)}, person_id=CLERK_ID)
    assert submitted.value.status == "submitted"
    store.approve(filled.id, person_id=SUPERVISOR_ID)
    before = store.load(filled.id)
    for write in (
        lambda: store.write_figures(filled.id, {NEW_NATURAL: Decimal(5)}, person_id=CLERK_ID),
        lambda: store.write_text(filled.id, "problems", "改", person_id=CLERK_ID),
        lambda: store.accept_warning(filled.id, "outlier.x", "理由", person_id=CLERK_ID),
        lambda: store.save_imported(
            filled.organisation_id, SEED_YEAR, seed_report(), person_id=CLERK_ID
        ),
    ):
        with pytest.raises(ReportLocked) as caught:
            write()
        assert caught.value.status == "approved"
    assert store.load(filled.id) == before

    store.reopen(filled.id, person_id=SUPERVISOR_ID, note="上级要求补充说明")
    store.write_figures(filled.id, {NEW_NATURAL: Decimal(5)}, person_id=CLERK_ID)
    assert store.load(filled.id).figures[NEW_NATURAL] == Decimal(5)
    review = store.review(filled.id)
    assert review.status is ReviewStatus.DRAFTING and review.approved_by is None
    reopened = store.review_history(filled.id)[-1]
    assert (reopened.event, reopened.person_id, reopened.note) == (
        ReviewEvent.REOPEN,
        SUPERVISOR_ID,
        "上级要求补充说明",
    )
    assert store.audit_log(filled.id)[-2].source == "reopen: 上级要求补充说明"


def test_the_clerk_may_withdraw_before_review(store: Store, filled: StoredReport) -> None:
    store.submit(filled.id, person_id=CLERK_ID)
    assert store.withdraw(filled.id, person_id=OTHER_CLERK_ID).status is ReviewStatus.DRAFTING
    store.write_figures(filled.id, {NEW_NATURAL: Decimal(1)}, person_id=CLERK_ID)


def test_refusals_are_typed_and_write_nothing(
    store: Store, filled: StoredReport, county: Organisation
) -> None:
    assert refusal(store.approve, filled.id, person_id=SUPERVISOR_ID).reason == "not_submitted"
    store.submit(filled.id, person_id=CLERK_ID)
    assert refusal(store.approve, filled.id, person_id=CLERK_ID).reason == "only_supervisor"
    assert refusal(store.submit, filled.id, person_id=CLERK_ID).reason == "already_submitted"
    assert refusal(store.return_report, filled.id, [], person_id=SUPERVISOR_ID).reason == (
        "no_comment"
    )
    store.approve(filled.id, person_id=SUPERVISOR_ID)
    assert refusal(store.approve, filled.id, person_id=SUPERVISOR_ID).reason == "already_approved"
    error = refusal(store.return_report, filled.id, two_comments(), person_id=SUPERVISOR_ID)
    assert error.reason == "approved_needs_reopen" and error.status == "approved"
    assert store.comments(filled.id) == []
    assert [r.event for r in store.review_history(filled.id)] == [
        ReviewEvent.SUBMIT,
        ReviewEvent.APPROVE,
    ]


def test_a_supervisor_of_another_county_cannot_comment(store: Store, filled: StoredReport) -> None:
    other_county = store.add_organisation("安远县人民政府")
    store.upsert_person(OUTSIDE_SUPERVISOR_ID, "赵科长")
    store.add_membership(OUTSIDE_SUPERVISOR_ID, other_county.id, Role.SUPERVISOR)
    store.submit(filled.id, person_id=CLERK_ID)
    error = refusal(store.return_report, filled.id, two_comments(), person_id=OUTSIDE_SUPERVISOR_ID)
    assert error.reason == "not_your_office"
    assert store.comments(filled.id) == []


def test_a_comment_needs_words_and_a_real_place(store: Store, filled: StoredReport) -> None:
    store.submit(filled.id, person_id=CLERK_ID)
    with pytest.raises(CommentRefused) as empty:
        store.return_report(filled.id, [NewComment(GRANTED_ROW, "  ")], person_id=SUPERVISOR_ID)
    assert empty.value.kind == "empty"
    with pytest.raises(ValueError, match="not a cell"):
        store.return_report(
            filled.id, [NewComment(Place.cell("nowhere"), "错")], person_id=SUPERVISOR_ID
        )
    assert store.review(filled.id).status is ReviewStatus.SUBMITTED


def test_submitting_needs_a_finished_report(store: Store, town: Organisation, people: None) -> None:
    stored = store.report(town.id, SEED_YEAR)
    assert stored is not None
    assert refusal(store.submit, stored.id, person_id=CLERK_ID).reason == "incomplete"
    seed = seed_report()
    store.write_figures(stored.id, dict(seed.figures), person_id=CLERK_ID)
    for part_id, text in seed.texts.items():
        store.write_text(stored.id, part_id, text, person_id=CLERK_ID)
    # 一 + 二 no longer equals 三（七）+ 四: an open error.
    store.write_figures(stored.id, {NEW_NATURAL: Decimal(3)}, person_id=CLERK_ID)
    error = refusal(store.submit, stored.id, person_id=CLERK_ID)
    assert error.reason == "open_errors" and error.count == 1


def test_a_warning_must_be_accepted_with_a_reason(
    store: Store, filled: StoredReport, town: Organisation
) -> None:
    last_year = store.report(town.id, SEED_YEAR - 1)
    assert last_year is not None
    store.write_figures(
        last_year.id, {"disclosure.procurement.items": Decimal(200)}, person_id=CLERK_ID
    )
    error = refusal(store.submit, filled.id, person_id=CLERK_ID)
    assert error.reason == "unaccepted_warnings"
    store.accept_warning(filled.id, "outlier.disclosure.procurement.items", " ", person_id=CLERK_ID)
    assert refusal(store.submit, filled.id, person_id=CLERK_ID).reason == "unaccepted_warnings"
    store.accept_warning(
        filled.id,
        "outlier.disclosure.procurement.items",
        "今年集中采购改由县里统一办理",
        person_id=CLERK_ID,
    )
    assert store.submit(filled.id, person_id=CLERK_ID).status is ReviewStatus.SUBMITTED


def test_an_office_without_a_supervisor_finishes_without_review(store: Store, people: None) -> None:
    alone = store.add_organisation("独立机关")
    store.add_membership(CLERK_ID, alone.id, Role.CLERK)
    stored = store.report(alone.id, SEED_YEAR)
    assert stored is not None
    seed = seed_report()
    store.write_figures(stored.id, dict(seed.figures), person_id=CLERK_ID)
    for part_id, text in seed.texts.items():
        store.write_text(stored.id, part_id, text, person_id=CLERK_ID)
    assert refusal(store.submit, stored.id, person_id=CLERK_ID).reason == "no_supervisor"
    assert store.reminder_recipients(stored.id) == [CLERK_ID]


def test_progress_shows_status_and_wait_and_reminders_follow_it(
    store: Store, filled: StoredReport, county: Organisation, town: Organisation, clock: Clock
) -> None:
    other_town = store.add_organisation("信丰县油山镇人民政府", parent_id=county.id)
    assert store.reminder_recipients(filled.id) == [CLERK_ID, OTHER_CLERK_ID]
    store.submit(filled.id, person_id=CLERK_ID)
    submitted_at = clock.now
    assert store.reminder_recipients(filled.id) == [SUPERVISOR_ID]
    now = clock.advance(days=2, hours=5)
    rows = store.review_overview(county.id, SEED_YEAR, now)
    assert [(r.organisation.id, r.status) for r in rows] == [
        (town.id, ReviewStatus.SUBMITTED),
        (other_town.id, ReviewStatus.DRAFTING),
    ]
    assert rows[0].since == submitted_at and rows[0].waited == now - submitted_at
    assert rows[1].report_id is None and rows[1].waited is None
    store.approve(filled.id, person_id=SUPERVISOR_ID)
    assert store.reminder_recipients(filled.id) == []


def test_evidence_for_the_appendix(
    store: Store, filled: StoredReport, town: Organisation, clock: Clock
) -> None:
    last_year = store.report(town.id, SEED_YEAR - 1)
    assert last_year is not None
    store.write_figures(
        last_year.id, {"disclosure.procurement.items": Decimal(200)}, person_id=CLERK_ID
    )
    store.accept_warning(
        filled.id,
        "outlier.disclosure.procurement.items",
        "今年集中采购改由县里统一办理",
        person_id=CLERK_ID,
    )
    store.submit(filled.id, person_id=CLERK_ID)
    store.approve(filled.id, person_id=SUPERVISOR_ID)
    evidence = store.review_evidence(filled.id)
    (accepted,) = evidence.accepted
    assert accepted.reason == "今年集中采购改由县里统一办理" and accepted.person == "李明"
    assert "200" in accepted.description
    assert [f.cell_id for f in evidence.far] == ["disclosure.procurement.items"]
    by_heading = {a.heading: a.people for a in evidence.authors}
    assert by_heading["二、主动公开政府信息情况"] == ("李明",)
    assert by_heading["一、总体情况"] == ("王芳",)
    assert evidence.approved_by == "张科长" and evidence.approved_at == clock.now
    assert text_target("problems") == "text:problems"


def test_the_steps_each_person_may_take(store: Store, filled: StoredReport) -> None:
    assert store.allowed_steps(filled.id, CLERK_ID) == [ReviewEvent.SUBMIT]
    assert store.allowed_steps(filled.id, SUPERVISOR_ID) == []
    store.submit(filled.id, person_id=CLERK_ID)
    assert store.allowed_steps(filled.id, CLERK_ID) == [ReviewEvent.WITHDRAW]
    assert store.allowed_steps(filled.id, SUPERVISOR_ID) == [
        ReviewEvent.RETURN,
        ReviewEvent.APPROVE,
    ]
    store.approve(filled.id, person_id=SUPERVISOR_ID)
    assert store.allowed_steps(filled.id, OTHER_CLERK_ID) == []
    assert store.allowed_steps(filled.id, SUPERVISOR_ID) == [ReviewEvent.REOPEN]
