"""Conversation state, processed updates, reminders, and transactions that span them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from storage_fixtures import CLERK_ID, OTHER_CLERK_ID, START, Clock

from storage import NotFound, Reminder, StaleWrite, Store, StoredReport

CELL = "applications.new.natural_person"


def test_conversation_state_survives_a_restart(store: Store, db_path: Path, clock: Clock) -> None:
    assert store.load_conversation(CLERK_ID) is None
    store.save_conversation(CLERK_ID, '{"step": 1}')
    store.save_conversation(CLERK_ID, '{"step": 2}')
    store.save_conversation(OTHER_CLERK_ID, '{"step": 9}')
    store.close()

    with Store(db_path, clock=clock) as reopened:
        assert reopened.load_conversation(CLERK_ID) == '{"step": 2}'
        reopened.clear_conversation(CLERK_ID)
        assert reopened.load_conversation(CLERK_ID) is None
        assert reopened.load_conversation(OTHER_CLERK_ID) == '{"step": 9}'


def test_an_update_is_claimed_once(store: Store, db_path: Path, clock: Clock) -> None:
    assert store.claim_update(5001) is True
    assert store.claim_update(5001) is False
    assert store.claim_update(5002) is True
    with Store(db_path, clock=clock) as other:
        assert other.claim_update(5001) is False


def test_an_update_id_seen_over_a_week_ago_is_a_new_update(store: Store, clock: Clock) -> None:
    # Telegram picks ids at random after a week without updates, so old ids come back.
    assert store.claim_update(7001) is True
    clock.now += timedelta(days=6)
    assert store.claim_update(7001) is False
    assert store.claim_update(7002) is True
    clock.now += timedelta(days=2)
    assert store.claim_update(7001) is True
    assert store.claim_update(7001) is False
    assert store.prune_updates() == 0  # 7001 was renewed a moment ago and 7002 is 2 days old
    clock.now += timedelta(days=8)
    assert store.prune_updates() == 2


def test_reminders_are_recorded_once(store: Store, draft: StoredReport, clock: Clock) -> None:
    due = date(2025, 1, 20)
    assert store.record_reminder(CLERK_ID, draft.id, due, "weekly") is True
    assert store.record_reminder(CLERK_ID, draft.id, due, "weekly") is False
    assert store.record_reminder(CLERK_ID, draft.id, due, "final") is True
    later = clock.advance(days=1)
    assert store.record_reminder(OTHER_CLERK_ID, draft.id, due, "weekly") is True

    assert store.reminders(draft.id) == [
        Reminder(CLERK_ID, draft.id, due, "weekly", START),
        Reminder(CLERK_ID, draft.id, due, "final", START),
        Reminder(OTHER_CLERK_ID, draft.id, due, "weekly", later),
    ]
    assert store.reminders() == store.reminders(draft.id)
    assert store.reminders(draft.id + 1) == []
    with pytest.raises(NotFound):
        store.record_reminder(4242, draft.id, due, "weekly")


def test_reminders_can_be_muted_and_resumed(store: Store, draft: StoredReport) -> None:
    assert store.reminders_muted(CLERK_ID, draft.id) is False
    store.mute_reminders(CLERK_ID, draft.id)
    store.mute_reminders(CLERK_ID, draft.id)
    assert store.reminders_muted(CLERK_ID, draft.id) is True
    assert store.reminders_muted(OTHER_CLERK_ID, draft.id) is False
    store.mute_reminders(CLERK_ID, draft.id, muted=False)
    assert store.reminders_muted(CLERK_ID, draft.id) is False


def test_an_answer_with_its_update_and_state_commits_once_at_the_end(
    store: Store, draft: StoredReport, db_path: Path, clock: Clock
) -> None:
    with Store(db_path, clock=clock) as observer:
        with store.transaction():
            assert store.claim_update(7001)
            store.write_figures(draft.id, {CELL: Decimal(3)}, person_id=CLERK_ID, source="tg:7001")
            store.save_conversation(CLERK_ID, '{"next": "business"}')
            # Nothing is visible to another connection before the outermost block ends.
            assert observer.load(draft.id).figures == {}
            assert observer.load_conversation(CLERK_ID) is None
        assert observer.load(draft.id).figures == {CELL: Decimal(3)}
        assert observer.load_conversation(CLERK_ID) == '{"next": "business"}'
        assert observer.claim_update(7001) is False


def test_a_failure_inside_the_block_undoes_everything(
    store: Store, draft: StoredReport, db_path: Path, clock: Clock
) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.claim_update(7002)
        store.write_figures(draft.id, {CELL: Decimal(3)}, person_id=CLERK_ID)
        store.save_conversation(CLERK_ID, "{}")
        raise RuntimeError("the reply could not be built")

    with Store(db_path, clock=clock) as reopened:
        assert reopened.claim_update(7002) is True  # the update may be processed again
        assert reopened.load(draft.id).figures == {}
        assert reopened.load_conversation(CLERK_ID) is None
        assert reopened.audit_log(draft.id) == []
        assert reopened.report_by_id(draft.id).version == 0


def test_a_stale_write_caught_inside_the_block_keeps_the_rest(
    store: Store, draft: StoredReport, db_path: Path, clock: Clock
) -> None:
    store.write_figures(draft.id, {CELL: Decimal(7)}, person_id=OTHER_CLERK_ID)

    with store.transaction():
        assert store.claim_update(7003)
        with pytest.raises(StaleWrite):
            store.write_figures(
                draft.id, {CELL: Decimal(3)}, person_id=CLERK_ID, expected={CELL: 0}
            )
        store.save_conversation(CLERK_ID, '{"conflict": true}')

    with Store(db_path, clock=clock) as reopened:
        assert reopened.claim_update(7003) is False
        assert reopened.load_conversation(CLERK_ID) == '{"conflict": true}'
        assert reopened.load(draft.id).figures == {CELL: Decimal(7)}


def test_a_nested_block_that_fails_undoes_only_itself(store: Store, draft: StoredReport) -> None:
    with store.transaction():
        store.save_conversation(CLERK_ID, "outer")
        with pytest.raises(RuntimeError), store.transaction():
            store.write_figures(draft.id, {CELL: Decimal(3)}, person_id=CLERK_ID)
            raise RuntimeError
        store.claim_update(7004)

    assert store.load_conversation(CLERK_ID) == "outer"
    assert store.load(draft.id).figures == {}
    assert store.claim_update(7004) is False


def test_swap_question_message_returns_the_previous_one(store):
    assert store.swap_question_message(7, 100) is None
    assert store.swap_question_message(7, 105) == 100
    assert store.swap_question_message(8, 300) is None
    assert store.swap_question_message(7, 110) == 105
    store.forget_question_message(7, 105)  # not the live one: nothing changes
    assert store.swap_question_message(7, 111) == 110
    store.forget_question_message(7, 111)
    assert store.swap_question_message(7, 112) is None


def test_the_inbox_keeps_fetched_updates_until_done_across_a_restart(
    store: Store, db_path: Path, clock: Clock
) -> None:
    bot, other_bot = 111, 222
    kept = store.save_inbox(bot, [(10, '{"update_id": 10}'), (11, '{"update_id": 11}')], [], 12)
    assert kept == {10, 11}
    # Fetched again (the offset was not yet confirmed when the process ended): not kept twice.
    assert store.save_inbox(bot, [(11, '{"update_id": 11}'), (12, "{}")], [10], 13) == {12}
    store.close()
    with Store(db_path, clock=clock) as reopened:
        assert [uid for uid, _ in reopened.inbox(bot)] == [11, 12]
        assert reopened.inbox_offset(bot) == 13
        # Update ids are counted per bot.
        assert reopened.inbox(other_bot) == []
        assert reopened.inbox_offset(other_bot) is None
        reopened.save_inbox(bot, [], [11, 12], None)
        assert reopened.inbox(bot) == []
        assert reopened.inbox_offset(bot) == 13
        # After a week without updates Telegram numbers them afresh: the old offset is void.
        clock.advance(days=8)
        assert reopened.inbox_offset(bot) is None
