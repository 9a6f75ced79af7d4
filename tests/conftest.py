"""Shared pytest configuration and fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import Store

pytest_plugins = ["tests.botapi.fixtures"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite store in a fresh temporary folder (tests/storage/ adds a settable clock)."""
    with Store(tmp_path / "nianbao.db") as opened:
        yield opened
