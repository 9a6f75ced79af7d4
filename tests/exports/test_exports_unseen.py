"""The reader on published reports it was not tuned on (tests/data/unseen, README there).

One test per report: in each form a clerk may hold (the saved page, its DOCX, Word's
另存为纯文本 of the DOCX) every cell of the format read as printed, every part found with its
first words and none invented, the verdict (the errors of the printed figures) and the title's
office and year right, all against values written by hand in ``expected.json``. A report with
printed errors also goes out through the exporter and comes back as printed, still flagged.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks.unseen import FORMS, expected_reports, read_form, score
from exports import read_docx, write_docx
from report.rules import Severity, Violation, check

EXPECTED = expected_reports()


def _errors(violations: list[Violation]) -> set[str]:
    return {v.key for v in violations if v.severity is Severity.ERROR}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unseen_report_read_right_in_every_form(name: str) -> None:
    expected = EXPECTED[name]
    for form in FORMS:
        result = read_form(name, form)
        s = score(result, expected)
        assert s.wrong == (), f"{name}.{form}: {s.wrong}"
        assert s.parts_invented == ()
        assert s.all_right
        assert result.figures_complete, form


def test_the_expected_values_name_every_figure_printed_not_zero() -> None:
    """The hand-written values are what the README's arithmetic checks: nine reports, three of
    them with printed errors, and their non-zero figures add up as the README says."""
    assert len(EXPECTED) >= 8
    with_errors = {name for name, e in EXPECTED.items() if e["errors"]}
    assert with_errors == {"pingtan-gaj-2021", "pingtan-jjf-2023", "pingtan-jjf-2025"}
    jjf = EXPECTED["pingtan-jjf-2025"]["figures"]
    assert isinstance(jjf, dict)
    assert "applications.results_total.total" not in jjf  # printed 0 against rows of 3 + 1
    assert Decimal(jjf["applications.granted.total"]) + Decimal(
        jjf["applications.unavailable.not_held.total"]
    ) == Decimal(jjf["applications.new.total"])


@pytest.mark.parametrize("name", ["pingtan-gaj-2021", "pingtan-jjf-2023", "pingtan-jjf-2025"])
def test_unseen_report_with_printed_errors_round_trips_as_printed_and_flagged(name: str) -> None:
    result = read_form(name, "html")
    errors = _errors(check(result.report))
    assert errors == set(EXPECTED[name]["errors"])  # type: ignore[call-overload]
    back = read_docx(write_docx(result.report))
    assert back.report.figures == result.report.figures
    assert _errors(check(back.report)) == errors
    assert back.draft is True
