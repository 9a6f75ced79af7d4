"""Benchmark 2: DOCX export per report, and check per file (read the DOCX back, run the rules)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from benchmarks.stats import Timing
from exports import write_docx
from exports.check import check_files
from report.formats import format_for_year
from report.values import MAX_TEXT_CHARS, Report
from tests.seed import seed_report


@dataclass(frozen=True)
class DocumentResult:
    name: str
    size: int
    export: Timing
    check: Timing


#: A real report's narrative is about 3,000 characters in all (the seed); a large one has 2,000
#: per part, in paragraphs of about 100 characters.
LARGE_PART_CHARS = 2_000


def large_report(part_chars: int = LARGE_PART_CHARS) -> Report:
    """The current format with every figure entered (large, varied numbers) and every narrative
    part ``part_chars`` long."""
    fmt = format_for_year(2024)
    figures = {
        c.id: Decimal(100_000 + 37 * n) if "amount" in c.id else Decimal(1 + n % 97)
        for n, c in enumerate(fmt.entered_cells)
    }
    line = (
        "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开"
        "条例》各项规定，围绕中心工作，进一步加大政府信息主动公开力度，规范依申请公开办理流程。\n"
    )
    text = (line * (part_chars // len(line) + 1))[:part_chars].strip()
    return Report(
        organisation="某省某市某县人民政府办公室",
        year=2024,
        figures=figures,
        texts={p.id: text for p in fmt.parts},
    )


def _timed(action, repeat: int) -> Timing:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        samples.append(time.perf_counter() - begin)
    return Timing(samples, sum(samples))


def _check_file(path: Path) -> None:
    """What ``nianbao check FILE`` does: read the file, run the rules."""
    (checked,) = check_files([path])
    assert checked.rejected is None and checked.unopened is None, checked.rejected


def run(repeat: int = 20) -> list[DocumentResult]:
    """Median export and check times of the seed report and a large report."""
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="nianbao-docs-"))
    reports = (
        ("seed (蟠龙镇 2020)", seed_report()),
        (f"large (2024, every cell, {LARGE_PART_CHARS:,} chars per part)", large_report()),
        (
            f"stress (2024, every part at the {MAX_TEXT_CHARS:,}-char limit)",
            large_report(MAX_TEXT_CHARS),
        ),
    )
    for name, report in reports:
        data = write_docx(report)
        path = workdir / f"report-{len(results)}.docx"
        path.write_bytes(data)
        export = _timed(lambda r=report: write_docx(r), repeat)
        checked = _timed(lambda p=path: _check_file(p), repeat)
        results.append(DocumentResult(name, len(data), export, checked))
    return results
