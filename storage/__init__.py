"""Drafts, people and organisations in SQLite, behind a small typed API.

No SQL lives outside this package. See ``Store`` for the entry point.
"""

from storage.codec import TEXT_PREFIX, WARNING_PREFIX, default_short_name, text_target
from storage.errors import (
    AmbiguousName,
    DatabaseFault,
    InviteError,
    NotFound,
    StaleWrite,
    StorageError,
)
from storage.migrations import LATEST as SCHEMA_VERSION
from storage.models import (
    AuditEntry,
    Invite,
    Membership,
    Organisation,
    Person,
    Reminder,
    ReportStatus,
    Role,
    StoredReport,
)
from storage.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "TEXT_PREFIX",
    "WARNING_PREFIX",
    "AmbiguousName",
    "AuditEntry",
    "DatabaseFault",
    "Invite",
    "InviteError",
    "Membership",
    "NotFound",
    "Organisation",
    "Person",
    "Reminder",
    "ReportStatus",
    "Role",
    "StaleWrite",
    "StorageError",
    "Store",
    "StoredReport",
    "default_short_name",
    "text_target",
]
