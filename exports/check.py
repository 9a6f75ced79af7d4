"""Checking report files as ``nianbao check`` does: read each one, run the rules.

A file's report on the year before (same organisation, also among the files) is used for the
year-on-year warnings. The outcome is data; the command line words it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exports import DocumentRejected, ProblemKind, ReadProblem, ReadResult
from exports.sandbox import read_untrusted_path

if TYPE_CHECKING:
    from report.rules import Violation


@dataclass
class CheckedFile:
    """The outcome of checking one file."""

    path: Path
    result: ReadResult | None = None
    #: Why the reader refused the file (its message, for people).
    rejected: str | None = None
    #: Why the file could not be opened at all (the system's reason), else None.
    unopened: str | None = None
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        from report.rules import Severity

        return [v for v in self.violations if v.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Violation]:
        from report.rules import Severity

        return [v for v in self.violations if v.severity is Severity.WARNING]

    @property
    def unread(self) -> list[ReadProblem]:
        return list(self.result.problems) if self.result else []

    @property
    def failed(self) -> bool:
        """Refused or not opened, a rule error, or a figure that could not be read."""
        return (
            self.rejected is not None
            or self.unopened is not None
            or bool(self.errors)
            or any(p.kind is ProblemKind.FIGURE for p in self.unread)
        )


def _load_rules() -> None:
    importlib.import_module("report.rules")


def _read(path: Path, one_shot: bool) -> CheckedFile:
    checked = CheckedFile(path)
    try:
        # In the sandbox: a limited child process, the size checked before a byte is read. The
        # rules are loaded while the first file is read (in parallel, by a one-shot command).
        checked.result = read_untrusted_path(path, one_shot=one_shot, meanwhile=_load_rules)
    except OSError as error:
        checked.unopened = str(error.strerror or error)
    except DocumentRejected as error:
        checked.rejected = error.message
    return checked


def check_files(paths: list[Path], *, one_shot: bool = False) -> list[CheckedFile]:
    """Read and check every file; a file's report on the year before (same organisation, also
    in the batch) is used for the year-on-year warnings. ``one_shot``: the caller is a
    short-lived command, which forks each reading child itself (``exports.sandbox``)."""
    checked = [_read(p, one_shot) for p in paths]
    from report.rules import check

    by_key = {
        (c.result.report.organisation, c.result.report.year): c.result.report
        for c in checked
        if c.result is not None
    }
    for item in checked:
        if item.result is not None:
            report = item.result.report
            item.violations = check(report, by_key.get((report.organisation, report.year - 1)))
    return checked
