"""Internal deadlines set by parent offices (migration step 4)."""

from __future__ import annotations

from datetime import date

import pytest

from storage import NotFound


def test_a_deadline_per_office_and_year_set_changed_and_cleared(store):
    city = store.add_organisation("赣州市人民政府办公室")
    county = store.add_organisation("赣州经开区党政办公室", parent_id=city.id)
    town = store.add_organisation("赣州经开区蟠龙镇人民政府", parent_id=county.id)
    store.upsert_person(1, "县政务公开办")
    assert [o.id for o in store.ancestors(town.id)] == [county.id, city.id]
    assert store.deadlines_above(town.id, 2024) == []

    store.set_internal_deadline(county.id, 2024, date(2025, 1, 15), person_id=1)
    store.set_internal_deadline(county.id, 2024, date(2025, 1, 16), person_id=1)
    store.set_internal_deadline(city.id, 2024, date(2025, 1, 20))
    assert store.internal_deadline(county.id, 2024) == date(2025, 1, 16)
    assert store.internal_deadline(county.id, 2025) is None
    assert sorted(store.deadlines_above(town.id, 2024)) == [date(2025, 1, 16), date(2025, 1, 20)]
    assert store.deadlines_above(county.id, 2024) == [date(2025, 1, 20)]

    store.set_internal_deadline(county.id, 2024, None)
    assert store.internal_deadline(county.id, 2024) is None
    with pytest.raises(NotFound):
        store.set_internal_deadline(999, 2024, date(2025, 1, 15))
