"""The seed report (蟠龙镇 2020, legacy format) as a report value, for tests of every layer.

The figures are those printed in ``../shared/spec/panlong-2020-report.txt``: every figure is 0
except 政府集中采购 (9个, 180000元).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from report.formats import LEGACY
from report.values import Report

SPEC_DIR = Path(__file__).resolve().parents[2] / "shared" / "spec"
# A copy lives with the tests, so they run from any checkout (a worktree has no ../shared).
SEED_TEXT_PATH = Path(__file__).resolve().parent / "data" / "panlong-2020-report.txt"
SEED_ORGANISATION = "赣州经开区蟠龙镇"
SEED_YEAR = 2020
SEED_NONZERO = {
    "disclosure.procurement.items": Decimal(9),
    "disclosure.procurement.amount": Decimal(180000),
}


def seed_figures() -> dict[str, Decimal]:
    """Every entered cell of the seed report."""
    return {c.id: SEED_NONZERO.get(c.id, Decimal(0)) for c in LEGACY.entered_cells}


def seed_report() -> Report:
    """The seed report with its figures and a short version of each narrative part."""
    return Report(
        organisation=SEED_ORGANISATION,
        year=SEED_YEAR,
        figures=seed_figures(),
        texts={
            "overview.summary": "2020年，蟠龙镇高度重视政府信息公开工作，2020年主动公开103条。",
            "overview.active": "通过网络问政平台，回复公众提问39次，及时回应群众关切。",
            "overview.requests": "通过网站、信函、电子邮件、传真以及口头等形式接受社会各界依申请公开0条。",
            "overview.management": "蟠龙镇在政府信息公开专栏上发布103条信息。",
            "problems": "公开的质量有待提高。下一步加强业务人员学习培训。",
            "other_matters": "无。",
        },
    )
