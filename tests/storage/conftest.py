"""Fixtures for the storage tests: real SQLite files in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from storage_fixtures import CLERK_ID, OTHER_CLERK_ID, Clock

from storage import Organisation, Store, StoredReport


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nianbao.db"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_path: Path, clock: Clock) -> Iterator[Store]:
    with Store(db_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def county(store: Store) -> Organisation:
    return store.add_organisation("信丰县人民政府")


@pytest.fixture
def town(store: Store, county: Organisation) -> Organisation:
    return store.add_organisation("信丰县大塘埠镇人民政府", parent_id=county.id)


@pytest.fixture
def clerks(store: Store) -> tuple[int, int]:
    store.upsert_person(CLERK_ID, "李明")
    store.upsert_person(OTHER_CLERK_ID, "王芳")
    return CLERK_ID, OTHER_CLERK_ID


@pytest.fixture
def draft(store: Store, town: Organisation, clerks: tuple[int, int]) -> StoredReport:
    """The town's (empty) report on 2024, in the current format."""
    report = store.report(town.id, 2024)
    assert report is not None
    return report
