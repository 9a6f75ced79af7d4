"""Drafts, people and organisations in SQLite, behind a small typed API.

No SQL lives outside this package. See ``Store`` for the entry point.
"""

from storage.bots import BotRecord
from storage.codec import TEXT_PREFIX, WARNING_PREFIX, default_short_name, text_target
from storage.errors import (
    AmbiguousName,
    DatabaseFault,
    InviteError,
    NotFound,
    ReportLocked,
    ReviewRefused,
    StaleWrite,
    StorageError,
)
from storage.migrations import LATEST as SCHEMA_VERSION
from storage.models import (
    AuditEntry,
    Comment,
    Invite,
    MemberReview,
    Membership,
    Organisation,
    Person,
    Reminder,
    ReportStatus,
    Review,
    ReviewRecord,
    Role,
    StoredReport,
)
from storage.reviews import NewComment
from storage.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "TEXT_PREFIX",
    "WARNING_PREFIX",
    "AmbiguousName",
    "AuditEntry",
    "BotRecord",
    "Comment",
    "DatabaseFault",
    "Invite",
    "InviteError",
    "MemberReview",
    "Membership",
    "NewComment",
    "NotFound",
    "Organisation",
    "Person",
    "Reminder",
    "ReportLocked",
    "ReportStatus",
    "Review",
    "ReviewRecord",
    "ReviewRefused",
    "Role",
    "StaleWrite",
    "StorageError",
    "Store",
    "StoredReport",
    "default_short_name",
    "text_target",
]
