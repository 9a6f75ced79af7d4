"""Stored drafts for the answer benchmark: N organisations, each with a half-filled report."""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

from dialogs.model import ConversationState
from dialogs.plan import APPEALS_GATE, APPLICATIONS_GATE
from report.formats import format_for_year
from storage import Role, Store

#: Figures every background draft holds (a clerk half-way through table 2).
FIGURES_PER_DRAFT = 8
BATCH = 5_000


def background_figures(year: int, index: int) -> dict[str, Decimal]:
    cells = [c.id for c in format_for_year(year).entered_cells][:FIGURES_PER_DRAFT]
    return {c: Decimal(index % 7) for c in cells}


def fill_store(store: Store, count: int, year: int) -> None:
    """``count`` organisations with a draft each, inserted through the storage API."""
    for start in range(0, count, BATCH):
        with store.transaction():
            for index in range(start, min(start + BATCH, count)):
                org = store.add_organisation(f"背景单位{index:06d}")
                stored = store.report(org.id, year)
                assert stored is not None
                store.write_figures(stored.id, background_figures(year, index), person_id=None)


def fill_pickle(path: Path, count: int, year: int, first_user: int) -> None:
    """The stock baseline's pickle holding ``count`` users' drafts (same figures as above)."""
    user_data = {
        first_user + index: {"figures": background_figures(year, index), "year": year}
        for index in range(count)
    }
    conversations = {"fill": {(first_user + i, first_user + i): 3 for i in range(count)}}
    data = {
        "user_data": user_data,
        "chat_data": {},
        "bot_data": {},
        "callback_data": None,
        "conversations": conversations,
    }
    with path.open("wb") as file:
        pickle.dump(data, file)


def clerk_ready_for_tables(store: Store, clerk: int, organisation: str, year: int) -> None:
    """A clerk of a new office whose narrative is written and whose gates are answered, so the
    next answers are table rows (call inside a transaction when adding many)."""
    fmt = format_for_year(year)
    org = store.add_organisation(organisation)
    store.upsert_person(clerk, f"文书{clerk}")
    store.add_membership(clerk, org.id, Role.CLERK)
    stored = store.report(org.id, year)
    assert stored is not None
    for part in fmt.parts:
        store.write_text(stored.id, part.id, "本部分已填写。", person_id=clerk)
    gates = {APPLICATIONS_GATE: True, APPEALS_GATE: True}
    state = ConversationState(report_id=stored.id, gates=gates)
    store.save_conversation(clerk, state.model_dump_json())
