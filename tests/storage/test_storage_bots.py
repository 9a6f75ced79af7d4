"""Several bots over one database: update ids counted per bot, the bot serving each office and
person, and a database of one bot upgraded with that bot as the owner."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from storage import Role, Store
from storage.migrations import migrate

STAMP = "2026-11-30T08:00:00+00:00"
FIRST, SECOND = 7000000001, 7000000002


def test_the_same_update_id_of_two_bots_is_two_updates(tmp_path: Path) -> None:
    with Store(tmp_path / "bots.db") as store:
        assert store.claim_update(700000001, FIRST)
        assert store.claim_update(700000001, SECOND)
        assert not store.claim_update(700000001, FIRST)
        assert not store.claim_update(700000001, SECOND)


def test_a_person_is_written_to_through_the_bot_they_joined_through(tmp_path: Path) -> None:
    with Store(tmp_path / "bots.db") as store:
        city = store.add_organisation("赣州市人民政府办公室", short_name="赣州市")
        town = store.add_organisation("赣州经开区蟠龙镇人民政府", parent_id=city.id)
        store.upsert_person(1, "文书")
        store.upsert_person(2, "主任")
        store.add_membership(1, town.id, Role.CLERK)
        store.add_membership(2, city.id, Role.SUPERVISOR)
        assert store.person_bot(1) is None  # nobody assigned: the first bot's
        assert store.claim_office(town.id, SECOND) == SECOND
        assert store.claim_office(town.id, FIRST) == SECOND  # an office keeps its bot
        assert store.person_bot(1) == SECOND  # follows the office
        store.joined_through(2, city.id, FIRST)
        assert store.person_bot(2) == FIRST and store.person_bots(2) == {FIRST}
        # Moved explicitly: the office's people follow it.
        store.joined_through(1, town.id, SECOND)
        store.assign_bot(town.id, FIRST)
        assert store.office_bot(town.id) == FIRST and store.person_bot(1) == FIRST


def test_a_membership_of_the_office_in_question_wins(tmp_path: Path) -> None:
    with Store(tmp_path / "bots.db") as store:
        first = store.add_organisation("信丰县大塘埠镇人民政府")
        second = store.add_organisation("信丰县古陂镇人民政府")
        store.upsert_person(1, "文书")
        store.add_membership(1, first.id, Role.CLERK)
        store.add_membership(1, second.id, Role.CLERK)
        store.joined_through(1, first.id, FIRST)
        store.joined_through(1, second.id, SECOND)
        assert store.person_bot(1) == FIRST
        assert store.person_bot(1, second.id) == SECOND
        assert store.person_bots(1) == {FIRST, SECOND}


def test_a_database_of_one_bot_migrates_with_that_bot_as_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate(conn, target=8)
        conn.executescript(
            f"""
            INSERT INTO organisations (id, name, short_name, parent_id, created_at)
                VALUES (1, '信丰县大塘埠镇人民政府', '大塘埠镇', NULL, '{STAMP}'),
                       (2, '信丰县古陂镇人民政府', '古陂镇', NULL, '{STAMP}');
            INSERT INTO people (id, display_name, created_at, updated_at)
                VALUES (1001, '李明', '{STAMP}', '{STAMP}');
            INSERT INTO memberships (person_id, organisation_id, role, created_at)
                VALUES (1001, 1, 'clerk', '{STAMP}');
            INSERT INTO processed_updates (update_id, processed_at) VALUES (42, '{STAMP}');
            """
        )
    finally:
        conn.close()
    with Store(path, clock=lambda: datetime.fromisoformat(STAMP)) as store:
        assert store.adopt_updates(FIRST) == 1
        assert store.adopt_offices(FIRST) == 1
        assert not store.claim_update(42, FIRST)  # processed before the upgrade
        assert store.claim_update(42, SECOND)
        assert store.office_bot(1) == FIRST
        assert store.office_bot(2) is None  # nobody there yet: the first invite decides
        assert store.person_bot(1001) == FIRST
        assert store.adopt_updates(FIRST) == 0  # the next start changes nothing


def test_bots_are_remembered_by_username_and_id(tmp_path: Path) -> None:
    with Store(tmp_path / "bots.db") as store:
        store.record_bot(SECOND, "ganzhou_nianbao_bot", 1)
        store.record_bot(FIRST, "nanchang_nianbao_bot", 0)
        assert [b.id for b in store.bots()] == [FIRST, SECOND]
        found = store.find_bot("@Ganzhou_Nianbao_Bot")
        assert found is not None and found.id == SECOND
        assert store.find_bot(str(FIRST)) == store.bots()[0]
        assert store.find_bot("nobody_bot") is None
