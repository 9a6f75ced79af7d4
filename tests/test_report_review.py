"""The review lifecycle as data: every transition, every refusal, places, diffs, far figures."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest

from report import texts
from report.formats import CURRENT, LEGACY
from report.review import (
    ACTOR_OF,
    TRANSITIONS,
    Actor,
    Audience,
    Place,
    PlaceKind,
    Refusal,
    ReviewContext,
    ReviewEvent,
    ReviewStatus,
    TransitionRefused,
    check_place,
    diff_reports,
    far_from_last_year,
    hand_in_event,
    is_answered_by,
    is_far,
    main_totals,
    marked_draft,
    next_status,
    place_cells,
    place_label,
    reminded,
)
from report.values import Report
from tests.seed import seed_report

S = ReviewStatus
E = ReviewEvent


def ready(event: ReviewEvent, **facts: object) -> ReviewContext:
    """A context in which ``event`` is taken by the right person with nothing in the way."""
    defaults: dict[str, object] = {"actor": ACTOR_OF[event], "comments": int(event is E.RETURN)}
    return ReviewContext(**{**defaults, **facts})  # type: ignore[arg-type]


def refused(status: ReviewStatus, event: ReviewEvent, context: ReviewContext) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as caught:
        next_status(status, event, context)
    return caught.value


@pytest.mark.parametrize(("status", "event"), list(TRANSITIONS))
def test_every_transition_of_the_table_is_taken(status: ReviewStatus, event: ReviewEvent) -> None:
    assert next_status(status, event, ready(event)) is TRANSITIONS[(status, event)]


def test_the_lifecycle_of_a_returned_report() -> None:
    status = S.DRAFTING
    for event in (E.SUBMIT, E.RETURN, E.RESUBMIT, E.APPROVE, E.REOPEN, E.SUBMIT):
        status = next_status(status, event, ready(event))
    assert status is S.SUBMITTED


@pytest.mark.parametrize(("status", "event"), [k for k in product(S, E) if k not in TRANSITIONS])
def test_every_step_outside_the_table_is_refused_naming_the_state(
    status: ReviewStatus, event: ReviewEvent
) -> None:
    error = refused(status, event, ready(event))
    assert error.status is status and error.event is event
    assert error.reason not in (
        Refusal.NOT_YOUR_OFFICE,
        Refusal.ONLY_FILLER,
        Refusal.ONLY_SUPERVISOR,
    )
    assert error.message == str(error)
    if error.reason in (Refusal.NOT_SUBMITTED, Refusal.NOT_APPROVED):
        assert status.label in error.message


@pytest.mark.parametrize(
    ("status", "event", "reason"),
    [
        (S.APPROVED, E.APPROVE, Refusal.ALREADY_APPROVED),
        (S.APPROVED, E.RETURN, Refusal.APPROVED_NEEDS_REOPEN),
        (S.APPROVED, E.SUBMIT, Refusal.APPROVED_LOCKED),
        (S.APPROVED, E.WITHDRAW, Refusal.APPROVED_LOCKED),
        (S.SUBMITTED, E.SUBMIT, Refusal.ALREADY_SUBMITTED),
        (S.DRAFTING, E.APPROVE, Refusal.NOT_SUBMITTED),
        (S.RETURNED, E.RETURN, Refusal.NOT_SUBMITTED),
        (S.SUBMITTED, E.REOPEN, Refusal.NOT_APPROVED),
        (S.DRAFTING, E.RESUBMIT, Refusal.WRONG_STATE),
    ],
)
def test_out_of_turn_steps_say_why(
    status: ReviewStatus, event: ReviewEvent, reason: Refusal
) -> None:
    assert refused(status, event, ready(event)).reason is reason


def test_a_clerk_cannot_approve_return_or_reopen() -> None:
    for status, event in (
        (S.SUBMITTED, E.APPROVE),
        (S.SUBMITTED, E.RETURN),
        (S.APPROVED, E.REOPEN),
    ):
        error = refused(status, event, ReviewContext(actor=Actor.FILLER, comments=1))
        assert error.reason is Refusal.ONLY_SUPERVISOR
        assert "上级单位的审核人员" in error.message


def test_a_supervisor_cannot_submit_for_the_office() -> None:
    error = refused(S.DRAFTING, E.SUBMIT, ReviewContext(actor=Actor.SUPERVISOR))
    assert error.reason is Refusal.ONLY_FILLER


def test_someone_of_another_office_can_do_nothing_with_the_report() -> None:
    for status, event in TRANSITIONS:
        error = refused(status, event, ReviewContext(actor=Actor.OUTSIDER, comments=1))
        assert error.reason is Refusal.NOT_YOUR_OFFICE


def test_an_office_without_a_supervisor_is_not_reviewed() -> None:
    error = refused(S.DRAFTING, E.SUBMIT, ready(E.SUBMIT, has_supervisor=False))
    assert error.reason is Refusal.NO_SUPERVISOR
    assert not marked_draft(S.DRAFTING, has_supervisor=False)
    assert marked_draft(S.SUBMITTED, has_supervisor=True)
    assert not marked_draft(S.APPROVED, has_supervisor=True)


@pytest.mark.parametrize("event", [E.SUBMIT, E.RESUBMIT])
def test_handing_in_needs_a_complete_report_without_errors_and_with_warnings_accepted(
    event: ReviewEvent,
) -> None:
    status = S.DRAFTING if event is E.SUBMIT else S.RETURNED
    cases = [
        ({"missing": 3}, Refusal.INCOMPLETE, "3项"),
        ({"open_errors": ("balance.total",)}, Refusal.OPEN_ERRORS, "1处错误"),
        ({"unaccepted_warnings": ("outlier.a", "outlier.b")}, Refusal.UNACCEPTED_WARNINGS, "2处"),
    ]
    for facts, reason, words in cases:
        error = refused(status, event, ready(event, **facts))
        assert error.reason is reason
        assert words in error.message


def test_a_return_needs_a_comment() -> None:
    error = refused(S.SUBMITTED, E.RETURN, ReviewContext(actor=Actor.SUPERVISOR, comments=0))
    assert error.reason is Refusal.NO_COMMENT


def test_every_refusal_and_status_is_worded() -> None:
    assert set(texts.REVIEW_REFUSALS) == {r.value for r in Refusal}
    assert [s.label for s in S] == ["填报中", "待审核", "已退回", "已通过"]
    assert all(e.label for e in E)


def test_pressing_submit_after_a_return_is_a_resubmission() -> None:
    assert hand_in_event(S.RETURNED) is E.RESUBMIT
    assert hand_in_event(S.DRAFTING) is E.SUBMIT


def test_reminders_follow_the_review() -> None:
    assert reminded(S.DRAFTING) is Audience.FILLERS
    assert reminded(S.RETURNED) is Audience.FILLERS
    assert reminded(S.SUBMITTED) is Audience.SUPERVISORS
    assert reminded(S.APPROVED) is Audience.NOBODY


# -- places --------------------------------------------------------------------------------


def test_places_are_stored_by_a_key_and_read_back() -> None:
    for place in (
        Place.cell("applications.new.total"),
        Place.row("applications", "applications.granted"),
        Place.row("appeals", ""),
        Place.part("problems"),
    ):
        assert Place.parse(place.key) == place
        check_place(CURRENT, place)


@pytest.mark.parametrize(
    "place",
    [
        Place.cell("applications.nowhere.total"),
        Place.row("applications", "applications.nowhere"),
        Place.row("nowhere", ""),
        Place.part("nowhere"),
    ],
)
def test_a_place_the_format_does_not_declare_is_refused(place: Place) -> None:
    with pytest.raises(ValueError, match="not a"):
        check_place(CURRENT, place)


def test_places_are_labelled_as_the_format_prints_them() -> None:
    assert place_label(CURRENT, Place.row("applications", "applications.granted")) == (
        "收到和处理政府信息公开申请情况：（一）予以公开"
    )
    assert "整表" in place_label(CURRENT, Place.row("appeals", ""))
    assert place_label(CURRENT, Place.part("overview.summary")) == CURRENT.sections[0].heading
    assert place_label(CURRENT, Place.cell("applications.new.natural_person")) == (
        "一、本年新收政府信息公开申请数量·自然人"
    )


def test_a_comment_on_a_total_is_answered_by_a_change_to_what_it_adds_up() -> None:
    total = Place.cell("applications.results_total.total")
    assert "applications.refused.state_secret.business" in place_cells(CURRENT, total)
    assert is_answered_by(CURRENT, total, {"applications.granted.research"}, set())
    assert not is_answered_by(CURRENT, total, {"applications.new.research"}, set())
    row = Place.row("applications", "applications.new")
    assert is_answered_by(CURRENT, row, {"applications.new.other_org"}, set())
    assert not is_answered_by(CURRENT, row, {"applications.carried_over.other_org"}, set())
    part = Place.part("problems")
    assert is_answered_by(CURRENT, part, set(), {"problems"})
    assert not is_answered_by(CURRENT, part, {"applications.new.other_org"}, {"other_matters"})
    assert place_cells(CURRENT, part) == frozenset()
    assert Place.parse("part:problems").kind is PlaceKind.PART


# -- what changed, what is far --------------------------------------------------------------


def test_the_diff_lists_each_changed_cell_its_totals_and_texts() -> None:
    before = seed_report()
    after = before.with_figures({"applications.new.natural_person": Decimal(4)})
    after = after.model_copy(update={"texts": {**after.texts, "problems": "已整改。"}})
    changes = diff_reports(before, after)
    by_place = {c.place.key: c for c in changes}
    entered = by_place["cell:applications.new.natural_person"]
    assert (entered.before, entered.after, entered.computed) == (Decimal(0), Decimal(4), False)
    assert by_place["cell:applications.new.total"].computed
    assert by_place["part:problems"].after == "已整改。"
    assert len(changes) == 3
    assert diff_reports(before, before) == ()


@pytest.mark.parametrize(
    ("now", "last", "far"),
    [
        (14, 5, False),  # nearly three times, but only 9 apart
        (20, 10, True),
        (60, 100, False),
        (50, 100, True),
        (10, 0, True),
        (9, 0, False),
        (0, 10, True),
        (150, 100, False),
    ],
)
def test_far_means_doubled_or_halved_and_ten_apart(now: int, last: int, far: bool) -> None:
    assert is_far(Decimal(now), Decimal(last)) is far


def test_far_figures_compare_the_same_cell_across_formats() -> None:
    previous = seed_report()  # legacy, 2020: procurement 9 items, applications 0
    figures = {c.id: Decimal(0) for c in CURRENT.entered_cells}
    figures["applications.new.natural_person"] = Decimal(12)
    report = Report(organisation=previous.organisation, year=2021, figures=figures)
    far = far_from_last_year(report, previous)
    ids = [f.cell_id for f in far]
    assert "applications.new.natural_person" in ids
    assert "applications.new.total" in ids
    assert all(c in CURRENT.cells_by_id and c in LEGACY.cells_by_id for c in ids)
    assert far_from_last_year(report, None) == ()


def test_main_totals_stand_beside_last_years() -> None:
    previous = seed_report()
    figures = {c.id: Decimal(0) for c in CURRENT.entered_cells}
    figures["applications.new.business"] = Decimal(30)
    figures["applications.granted.business"] = Decimal(30)
    report = Report(organisation=previous.organisation, year=2021, figures=figures)
    totals = {t.cell_id: t for t in main_totals(report, previous)}
    new = totals["applications.new.total"]
    assert (new.now, new.last_year, new.far) == (Decimal(30), Decimal(0), True)
    assert new.label == "一、本年新收政府信息公开申请数量·总计"
    assert totals["review.total"].now == Decimal(0) and not totals["review.total"].far
    assert all(t.last_year is None for t in main_totals(report, None))
