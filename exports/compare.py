"""The comparison of a read report with the stored draft lives in :mod:`report.compare` (pure,
so the conversation can use it); re-exported here for the exports' callers."""

from report.compare import (
    CellChange,
    DraftComparison,
    PartChange,
    compare_with_stored,
    describe_changes,
)

__all__ = ["CellChange", "DraftComparison", "PartChange", "compare_with_stored", "describe_changes"]
