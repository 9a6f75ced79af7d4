"""The review appendix, as the lines a county office reads before it publishes (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum

from exports import texts
from exports.figures import format_figure
from report.layout import ReportFormat
from report.review import FAR_MIN_DIFFERENCE, FAR_RATIO, ReviewEvidence, ReviewStatus


class LineKind(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    BODY = "body"


@dataclass(frozen=True)
class Line:
    kind: LineKind
    text: str


def local_date(moment: datetime | None, zone: tzinfo) -> str:
    """``2025年1月6日`` in the office's time zone ('' for None)."""
    if moment is None:
        return ""
    day = moment.astimezone(zone)
    return texts.issued_line(day.year, day.month, day.day)


def _ratio(value: Decimal) -> str:
    return f"{value.normalize():f}"


def appendix_lines(evidence: ReviewEvidence, fmt: ReportFormat, zone: tzinfo) -> list[Line]:
    """Every line of the appendix, in order, its dates in ``zone``."""
    lines = [Line(LineKind.TITLE, texts.APPENDIX_TITLE)]
    lines.append(Line(LineKind.HEADING, texts.APPENDIX_ACCEPTED))
    for number, warning in enumerate(evidence.accepted, start=1):
        lines.append(
            Line(
                LineKind.BODY,
                texts.APPENDIX_ACCEPTED_ITEM.format(
                    number=number,
                    description=warning.description,
                    reason=warning.reason,
                    person=warning.person or texts.UNKNOWN_PERSON,
                    date=local_date(warning.at, zone),
                ),
            )
        )
    if not evidence.accepted:
        lines.append(Line(LineKind.BODY, texts.APPENDIX_NONE))
    lines.append(Line(LineKind.HEADING, texts.APPENDIX_FAR))
    lines.append(
        Line(
            LineKind.BODY,
            texts.APPENDIX_FAR_RULE.format(
                ratio=_ratio(FAR_RATIO),
                fraction=f"1/{_ratio(FAR_RATIO)}",
                difference=_ratio(FAR_MIN_DIFFERENCE),
            ),
        )
    )
    for number, far in enumerate(evidence.far, start=1):
        column = fmt.cell(far.cell_id).column
        lines.append(
            Line(
                LineKind.BODY,
                texts.APPENDIX_FAR_ITEM.format(
                    number=number,
                    label=far.label,
                    now=format_figure(far.now, column),
                    last=format_figure(far.last_year, column),
                ),
            )
        )
    if not evidence.compared:
        lines.append(Line(LineKind.BODY, texts.APPENDIX_NO_PREVIOUS))
    elif not evidence.far:
        lines.append(Line(LineKind.BODY, texts.APPENDIX_NONE))
    lines.append(Line(LineKind.HEADING, texts.APPENDIX_AUTHORS))
    for authors in evidence.authors:
        if authors.last_change is None:
            text = texts.APPENDIX_AUTHOR_EMPTY.format(heading=authors.heading)
        elif not authors.people:
            text = texts.APPENDIX_AUTHOR_UNKNOWN.format(
                heading=authors.heading, date=local_date(authors.last_change, zone)
            )
        else:
            text = texts.APPENDIX_AUTHOR_ITEM.format(
                heading=authors.heading,
                people=texts.PEOPLE_SEPARATOR.join(authors.people),
                date=local_date(authors.last_change, zone),
            )
        lines.append(Line(LineKind.BODY, text))
    lines.append(Line(LineKind.HEADING, texts.APPENDIX_APPROVAL))
    if evidence.status is ReviewStatus.APPROVED and evidence.approved_at is not None:
        approval = texts.APPENDIX_APPROVED.format(
            person=evidence.approved_by or texts.UNKNOWN_PERSON,
            date=local_date(evidence.approved_at, zone),
        )
    else:
        approval = texts.APPENDIX_NOT_APPROVED.format(status=evidence.status.label)
    lines.append(Line(LineKind.BODY, approval))
    return lines
