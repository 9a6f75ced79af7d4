"""Drafts, people and organisations in SQLite, behind a small typed API.

No SQL lives outside this package. See ``Store`` for the entry point.
"""

from report.cleaning import default_short_name
from storage.bots import BotRecord
from storage.codec import TEXT_PREFIX, WARNING_PREFIX, text_target
from storage.errors import (
    AmbiguousName,
    BadName,
    CannotOpen,
    CommentRefused,
    DatabaseFault,
    FormatMismatch,
    InviteError,
    LedgerRefused,
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
    UpdateOrigin,
    update_origin,
    update_source,
)
from storage.reviews import NewComment
from storage.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "TEXT_PREFIX",
    "WARNING_PREFIX",
    "AmbiguousName",
    "AuditEntry",
    "BadName",
    "BotRecord",
    "CannotOpen",
    "Comment",
    "CommentRefused",
    "DatabaseFault",
    "FormatMismatch",
    "Invite",
    "InviteError",
    "LedgerRefused",
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
    "UpdateOrigin",
    "default_short_name",
    "text_target",
    "update_origin",
    "update_source",
]
