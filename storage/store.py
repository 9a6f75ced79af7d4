"""``Store``: the one object the dialogs, the bot and the CLI keep their data through."""

from __future__ import annotations

from storage.bots import BotStore
from storage.deadlines import DeadlineStore
from storage.ledger import LedgerStore
from storage.organisations import OrganisationStore
from storage.reminders import ReminderStore
from storage.reports import ReportStore
from storage.reviews import ReviewStore
from storage.state import StateStore


class Store(
    ReviewStore,
    OrganisationStore,
    LedgerStore,
    ReportStore,
    StateStore,
    DeadlineStore,
    ReminderStore,
    BotStore,
):
    """Organisations, people, reports, their review, ledgers, deadlines, reminders and bot state
    in one SQLite file.

    ``Store(path)`` opens the file (creating it if needed), applies pending migrations and
    turns on WAL mode, foreign keys and a busy timeout. Every write method runs in
    ``transaction()`` and is committed when it returns, unless it is called inside an outer
    ``with store.transaction():``, whose end commits everything at once.
    """
