"""``python -m benchmarks.unseen [first|second|third|all]``: the reader on reports it was not tuned on.

Reads every report kept in ``tests/data/unseen/`` (README there) in each form a clerk may hold
(the saved page, the DOCX, Word's 另存为纯文本 of that DOCX) and compares with the values written
by hand in ``expected.json``: figures read right out of every cell of the format, parts found
with their first words (and none invented), the verdict (the set of errors the check of the
printed figures reports), and the title's office and year. Prints one line per report and form,
then the totals.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from exports import DocumentRejected, ReadResult, read_document, read_text
from report.formats import FORMATS
from report.rules import Severity, check
from tests.exports.exports_helpers import word_plain_text

UNSEEN = Path(__file__).resolve().parents[1] / "tests" / "data" / "unseen"
FORMS = ("html", "docx", "word.txt")


def expected_reports() -> dict[str, dict[str, object]]:
    """The hand-written expected values, by report name."""
    data = json.loads((UNSEEN / "expected.json").read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if not name.startswith("_")}


def read_form(name: str, form: str) -> ReadResult:
    """Report ``name`` read from one of its forms."""
    if form == "word.txt":
        return read_text(word_plain_text((UNSEEN / f"{name}.docx").read_bytes()))
    return read_document((UNSEEN / f"{name}.{form}").read_bytes(), f"{name}.{form}")


@dataclass(frozen=True)
class Score:
    """How one reading compares with the expected values."""

    figures_right: int
    figures_total: int
    parts_right: int
    parts_total: int
    parts_invented: tuple[str, ...]
    verdict_right: bool
    title_right: bool
    wrong: tuple[str, ...]

    @property
    def all_right(self) -> bool:
        """Every figure, part, the verdict and the title right."""
        return (
            self.figures_right == self.figures_total
            and self.parts_right == self.parts_total
            and not self.parts_invented
            and self.verdict_right
            and self.title_right
        )


def score(result: ReadResult | None, expected: dict[str, object]) -> Score:
    """Compare one reading (None: the document was refused) with ``expected``."""
    fmt = FORMATS[str(expected["format"])]
    cells = [c.id for t in fmt.tables for c in t.cells]
    printed = {k: Decimal(str(v)) for k, v in dict(expected["figures"]).items()}  # type: ignore[call-overload]
    parts: dict[str, str] = dict(expected["parts"])  # type: ignore[call-overload]
    errors = set(expected["errors"])  # type: ignore[call-overload]
    if result is None:
        return Score(0, len(cells), 0, len(parts), (), False, False, ("refused",))
    wrong: list[str] = []
    figures_right = 0
    for cell in cells:
        got = result.report.figures.get(cell)
        if got is not None and got == printed.get(cell, Decimal(0)):
            figures_right += 1
        else:
            wrong.append(f"{cell}={got}")
    texts = result.report.texts
    parts_right = 0
    for part, words in parts.items():
        if texts.get(part, "").startswith(words):
            parts_right += 1
        else:
            wrong.append(f"{part}: {texts.get(part, '')[:24]!r}")
    invented = tuple(sorted(set(texts) - set(parts)))
    wrong.extend(f"invented {part}: {texts[part][:24]!r}" for part in invented)
    found = {v.key for v in check(result.report) if v.severity is Severity.ERROR}
    if found != errors:
        wrong.append(f"errors {sorted(found)}")
    title_right = (result.organisation, result.year) == (
        expected["organisation"],
        expected["year"],
    ) and result.format_id == expected["format"]
    if not title_right:
        wrong.append(f"title {result.organisation} {result.year} {result.format_id}")
    return Score(
        figures_right,
        len(cells),
        parts_right,
        len(parts),
        invented,
        found == errors,
        title_right,
        tuple(wrong),
    )


def measure(which: str = "all", verbose: bool = False) -> list[str]:
    """The table of scores for the reports of set ``which`` (first, second, third or all)."""
    lines = [
        "| report | form | figures | parts | verdict | title |",
        "|---|---|---:|---:|---|---|",
    ]
    totals = [0, 0, 0, 0, 0, 0, 0, 0]
    for name, expected in expected_reports().items():
        if which != "all" and expected["set"] != which:
            continue
        for form in FORMS:
            try:
                result: ReadResult | None = read_form(name, form)
            except DocumentRejected:
                result = None
            s = score(result, expected)
            parts = f"{s.parts_right}/{s.parts_total}"
            if s.parts_invented:
                parts += f" (+{len(s.parts_invented)} invented)"
            lines.append(
                f"| {name} | {form} | {s.figures_right}/{s.figures_total} | {parts} "
                f"| {'right' if s.verdict_right else 'WRONG'} "
                f"| {'right' if s.title_right else 'WRONG'} |"
            )
            if verbose and s.wrong:
                lines.append(f"|  |  | {'; '.join(s.wrong)[:400]} | | | |")
            totals[0] += s.figures_right
            totals[1] += s.figures_total
            totals[2] += s.parts_right
            totals[3] += s.parts_total + len(s.parts_invented)
            totals[4] += s.verdict_right
            totals[5] += s.title_right
            totals[6] += s.all_right
            totals[7] += 1
    n = totals[7]
    lines.append(
        f"| **total** | {n} readings | {totals[0]}/{totals[1]} "
        f"({100 * totals[0] / max(totals[1], 1):.1f} %) | {totals[2]}/{totals[3]} "
        f"| {totals[4]}/{n} right | {totals[5]}/{n} right |"
    )
    lines.append(f"\nAll right (every figure, part, verdict and title): {totals[6]}/{n} readings.")
    return lines


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    print("\n".join(measure(args[0] if args else "all", verbose="-v" in sys.argv)))
