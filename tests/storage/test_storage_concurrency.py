"""Two clerks at once, and a process killed in the middle of a stream of writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from storage_fixtures import CLERK_ID, OTHER_CLERK_ID

from storage import StaleWrite, Store, StoredReport

CELL = "applications.new.natural_person"
ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("storage_writer_child.py")


def _run_together(*jobs: Callable[[], None]) -> list[BaseException]:
    """Run the jobs in threads started at once; return what they raised."""
    failures: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # handed back to the test
            failures.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def test_two_clerks_answering_the_same_cell_from_the_same_version(
    db_path: Path, draft: StoredReport
) -> None:
    both_read = threading.Barrier(2)
    outcomes: dict[int, StaleWrite | None] = {}

    def clerk(person_id: int, value: int) -> Callable[[], None]:
        def answer() -> None:
            with Store(db_path) as store:
                seen = store.cell_versions(draft.id, [CELL])
                both_read.wait()
                try:
                    store.write_figures(
                        draft.id, {CELL: Decimal(value)}, person_id=person_id, expected=seen
                    )
                    outcomes[person_id] = None
                except StaleWrite as stale:
                    outcomes[person_id] = stale

        return answer

    assert _run_together(clerk(CLERK_ID, 3), clerk(OTHER_CLERK_ID, 5)) == []

    winners = [p for p, outcome in outcomes.items() if outcome is None]
    assert len(winners) == 1
    winner = winners[0]
    loser = next(p for p in outcomes if p != winner)
    stale = outcomes[loser]
    assert stale is not None
    winning_value = "3" if winner == CLERK_ID else "5"
    assert stale.current_value == winning_value
    assert stale.person_id == winner
    assert (stale.expected_version, stale.current_version) == (0, 1)
    with Store(db_path) as store:
        assert store.load(draft.id).figures == {CELL: Decimal(winning_value)}
        assert [(e.new, e.person_id) for e in store.audit_log(draft.id)] == [
            (winning_value, winner)
        ]


def test_two_clerks_counting_up_the_same_cell_lose_no_step(
    db_path: Path, draft: StoredReport
) -> None:
    steps = 40
    conflicts: list[int] = []

    def clerk(person_id: int) -> Callable[[], None]:
        def count() -> None:
            with Store(db_path) as store:
                done = 0
                while done < steps:
                    seen = store.cell_versions(draft.id, [CELL])
                    current = store.load(draft.id).figures.get(CELL, Decimal(0))
                    try:
                        store.write_figures(
                            draft.id, {CELL: current + 1}, person_id=person_id, expected=seen
                        )
                        done += 1
                    except StaleWrite:
                        conflicts.append(person_id)

        return count

    assert _run_together(clerk(CLERK_ID), clerk(OTHER_CLERK_ID)) == []

    with Store(db_path) as store:
        assert store.load(draft.id).figures == {CELL: Decimal(2 * steps)}
        log = store.audit_log(draft.id)
        assert [e.new for e in log] == [str(n) for n in range(1, 2 * steps + 1)]
        assert {e.person_id for e in log} == {CLERK_ID, OTHER_CLERK_ID}
        assert store.cell_versions(draft.id, [CELL]) == {CELL: 2 * steps}


def test_two_clerks_without_versions_are_both_kept_in_order(
    db_path: Path, draft: StoredReport
) -> None:
    def clerk(person_id: int) -> Callable[[], None]:
        def answer() -> None:
            with Store(db_path) as store:
                for n in range(20):
                    store.write_text(draft.id, "problems", f"{person_id}:{n}", person_id=person_id)

        return answer

    assert _run_together(clerk(CLERK_ID), clerk(OTHER_CLERK_ID)) == []

    with Store(db_path) as store:
        written = [e.new for e in store.audit_log(draft.id)]
    for person_id in (CLERK_ID, OTHER_CLERK_ID):
        mine = [w for w in written if w and w.startswith(f"{person_id}:")]
        assert mine == [f"{person_id}:{n}" for n in range(20)]


def test_a_killed_writer_loses_no_acknowledged_write(db_path: Path, draft: StoredReport) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), str(draft.id), str(CLERK_ID)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    acknowledged: list[int] = []
    try:
        for line in child.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= 150:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        rest, errors = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, errors.decode()
    # Lines already in the pipe were printed after their commit: acknowledged too.
    acknowledged += [
        int(line) for line in rest.decode().splitlines(keepends=True) if line.endswith("\n")
    ]
    assert len(acknowledged) >= 150

    with Store(db_path) as store:
        assert store.integrity_check() == ["ok"]
        log = store.audit_log(draft.id)
        sources = {entry.source for entry in log}
        assert {f"seq:{n}" for n in acknowledged} <= sources
        last = max(acknowledged)
        # Each cell holds its last acknowledged value, or one written just before the kill.
        figures = store.load(draft.id).figures
        for entry in log:
            assert entry.new is not None
            number = int(entry.new)
            if number <= last:
                assert figures[entry.target] >= number
        state = store.load_conversation(CLERK_ID)
        assert state is not None and json.loads(state)["sequence"] >= last
        for n in acknowledged:
            assert store.claim_update(n) is False
