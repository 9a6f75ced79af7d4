"""A check that re-evaluates only the rules a change touches gives what a whole check gives.

``check`` starts from the check just before when the report differs in a few figures (the
answer's row, a candidate fix); every verdict here is compared with ``Checked.of`` (every rule
evaluated afresh), message for message, so a verdict kept from before that should have changed
fails the test.
"""

import random
from decimal import Decimal as D

import pytest

from report import rules
from report.formats import CURRENT, LEGACY
from report.rules import Checked, check
from report.values import Report
from tests.seed import seed_report


def shown(violations):
    """What a clerk is told, and what the buttons point at."""
    return [
        (v.key, v.describe(), v.cells, str(v.left.value), str(v.right.value)) for v in violations
    ]


#: Every rule evaluated afresh (bound before ``whole_checks`` counts the calls from ``check``).
WHOLE = Checked.of


def assert_as_whole(report, previous=None):
    found = check(report, previous)
    assert shown(found) == shown(WHOLE(report, previous).violations())
    return found


@pytest.fixture
def whole_checks(monkeypatch):
    """Counts the checks that evaluated every rule (the rest started from an earlier one)."""
    calls = []
    original = Checked.of.__func__

    def counted(cls, report, previous):
        calls.append(report)
        return original(cls, report, previous)

    monkeypatch.setattr(Checked, "of", classmethod(counted))
    rules.recent_checks().clear()
    return calls


def empty(fmt=CURRENT, year=2024, **texts) -> Report:
    return Report(organisation="某县某局", year=year, format_id=fmt.id, texts=texts)


def test_a_balance_broken_by_one_answer_and_fixed_by_a_later_one(whole_checks):
    report = empty()
    for cell, value in {
        "applications.new.natural_person": D(5),
        "applications.carried_over.natural_person": D(0),
    }.items():
        report = report.with_figures({cell: value})
        assert_as_whole(report)
    for column in ("business", "research", "social", "legal", "other"):
        report = report.with_figures(
            {f"applications.new.{column}": D(0), f"applications.carried_over.{column}": D(0)}
        )
    results = [c.id for c in CURRENT.entered_cells if c.row.role and c.row.role.value == "result"]
    report = report.with_figures({c: D(0) for c in results})
    report = report.with_figures({"applications.granted.natural_person": D(3)})
    report = report.with_figures(
        {f"applications.carried_forward.{c}": D(0) for c in ("business", "research")}
    )
    report = report.with_figures(
        {f"applications.carried_forward.{c}": D(0) for c in ("social", "legal", "other")}
    )
    assert_as_whole(report)
    # 四 entered wrong: the balance of the natural-person column breaks ...
    report = report.with_figures({"applications.carried_forward.natural_person": D(1)})
    found = assert_as_whole(report)
    assert "balance.natural_person" in {v.key for v in found}
    # ... and the row typed again makes it hold: the kept verdict must not survive.
    report = report.with_figures({"applications.carried_forward.natural_person": D(2)})
    found = assert_as_whole(report)
    assert "balance.natural_person" not in {v.key for v in found}
    # 三（七）总计 is a total of totals: a result row changed deep below it is seen too.
    report = report.with_figures({"applications.refused.state_secret.natural_person": D(1)})
    found = assert_as_whole(report)
    assert "balance.natural_person" in {v.key for v in found}
    # The first check, and the one after the results were all entered at once.
    assert len(whole_checks) == 2, "the small changes were not checked from the one before"


def test_a_report_changed_in_place_after_its_check_is_checked_again(whole_checks):
    new_row = [c.id for c in CURRENT.table("applications").cells if c.row.id == "applications.new"]
    report = empty().with_figures({c: D(0) for c in new_row if not c.endswith(".total")})
    assert_as_whole(report)
    report.figures["applications.new.total"] = D(3)  # a printed total that does not add up
    found = assert_as_whole(report)
    assert "row_total.applications.new.total" in {v.key for v in found}
    del report.figures["applications.new.total"]
    assert "row_total.applications.new.total" not in {v.key for v in assert_as_whole(report)}


def test_an_equal_figure_written_differently_is_quoted_as_written(whole_checks):
    zeros = {c.id: D(0) for c in CURRENT.entered_cells}
    report = empty().with_figures({**zeros, "applications.new.total": D(3)})
    assert "row_total.applications.new.total" in {v.key for v in assert_as_whole(report)}
    assert_as_whole(report.with_figures({"applications.new.total": D("3.0")}))
    assert_as_whole(report.with_figures({"applications.new.total": D("3")}))


def test_the_narrative_is_read_again_when_a_text_changes(whole_checks):
    report = seed_report()
    assert assert_as_whole(report) == []
    part = "overview.requests"
    changed = report.model_copy(
        update={"texts": {**report.texts, part: "本年度共收到政府信息公开申请5件，均已按时答复。"}}
    )
    assert {v.kind for v in assert_as_whole(changed)} == {"narrative"}
    # The figure the text states changed in the table instead: read again too.
    table = changed.with_figures({"applications.new.natural_person": D(5)})
    assert "narrative.applications" not in {v.key for v in assert_as_whole(table)}
    assert assert_as_whole(report) == []


def test_last_years_report_is_part_of_what_was_checked(whole_checks):
    this = empty().with_figures({"applications.carried_over.natural_person": D(2)})
    last = empty(year=2023).with_figures({"applications.carried_forward.natural_person": D(1)})
    assert "carry_over.natural_person" not in {v.key for v in assert_as_whole(this)}
    assert "carry_over.natural_person" in {v.key for v in assert_as_whole(this, last)}
    other = empty(year=2023).with_figures({"applications.carried_forward.natural_person": D(2)})
    assert "carry_over.natural_person" not in {v.key for v in assert_as_whole(this, other)}
    # Written otherwise, last year's figure is quoted otherwise.
    written = empty(year=2023).with_figures(
        {"applications.carried_forward.natural_person": D("1.0")}
    )
    assert_as_whole(this, last)
    assert_as_whole(this, written)
    last.figures["applications.carried_forward.natural_person"] = D(2)  # changed in place
    assert "carry_over.natural_person" not in {v.key for v in assert_as_whole(this, last)}


def test_the_next_answer_starts_from_the_last_one_read_again_from_storage(whole_checks):
    """Each answer reads the report and last year's again: equal figures, other objects."""
    last = empty(year=2023).with_figures({"applications.carried_forward.natural_person": D(1)})
    report = empty().with_figures({"applications.carried_over.natural_person": D(2)})
    assert_as_whole(report, last)
    assert len(whole_checks) == 1

    def read_again(stored: Report) -> Report:
        return Report.from_json(stored.to_json())

    assert_as_whole(read_again(report), read_again(last))
    report = read_again(report).with_figures({"applications.new.natural_person": D(4)})
    assert_as_whole(report, read_again(last))
    assert len(whole_checks) == 1
    # Last year's report corrected meanwhile (an import): its rules are evaluated again.
    corrected = read_again(last).with_figures({"applications.carried_forward.natural_person": D(2)})
    assert "carry_over.natural_person" not in {v.key for v in assert_as_whole(report, corrected)}


@pytest.mark.parametrize("seed", range(6))
def test_random_answers_and_document_totals_give_what_a_whole_check_gives(seed, whole_checks):
    rng = random.Random(seed)
    fmt = CURRENT if seed % 2 else LEGACY
    year = 2024 if fmt is CURRENT else 2020
    cells = list(fmt.cells_by_id)  # entered and computed (printed totals, as documents have)
    previous = (
        Report(
            organisation="某县某局",
            year=year - 1,
            format_id=fmt.id,
            figures={c.id: D(rng.randrange(0, 30)) for c in fmt.entered_cells},
        )
        if seed % 3
        else None
    )
    report = Report(organisation="某县某局", year=year, format_id=fmt.id)
    entered = [c.id for c in fmt.entered_cells]
    for step in range(160):
        figures = dict(report.figures)
        for _ in range(rng.randrange(1, 7)):
            cell = rng.choice(entered if rng.random() < 0.8 else cells)
            if cell in figures and rng.random() < 0.1:
                del figures[cell]
            else:
                figures[cell] = D(rng.choice((0, 0, 1, 2, 3, 10, 120, "1.5", -1)))
        texts = dict(report.texts)
        if rng.random() < 0.1:
            part = rng.choice(fmt.parts).id
            texts[part] = (
                f"本年度主动公开政府信息{rng.randrange(100)}条，收到申请{rng.randrange(9)}件。"
            )
        report = report.model_copy(update={"figures": figures, "texts": texts})
        assert_as_whole(report, previous)
        if step % 40 == 39:  # a whole table at once (同上年, a document read back)
            report = report.with_figures({c: D(1) for c in entered[: len(entered) // 2]})
            assert_as_whole(report, previous)
    assert len(whole_checks) <= 5, "the small changes were not checked from the one before"
