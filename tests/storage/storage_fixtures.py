"""Shared helpers of the storage tests (a plain module: conftest is not importable)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2025, 1, 6, 1, 30, tzinfo=UTC)
CLERK_ID = 1001
OTHER_CLERK_ID = 1002


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
