"""The conversation's values: its state, what comes in, and what goes out.

All of them are plain serialisable data; nothing here knows Telegram or SQLite.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, field_validator

from dialogs import buttons
from report.ledger import Counting

#: File endings taken as a report document (the reader decides by content; these are what
#: offices keep: Word, a published PDF, a saved web page, old Word/WPS, a plain-text export).
REPORT_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".doc", ".wps", ".txt")


def is_report_file(name: str) -> bool:
    """Whether an upload's name says it is a report document the readers take."""
    return name.lower().endswith(REPORT_SUFFIXES)


class Mode(StrEnum):
    IDLE = "idle"  # not on a question (after 暂存退出, or before choosing a report)
    ASKING = "asking"  # on question ``cursor`` of the plan
    REASON = "reason"  # waiting for the reason a warning is accepted
    CONFIRM_IMPORT = "confirm_import"  # an uploaded report waits for confirmation
    LEDGER = "ledger"  # an uploaded ledger waits for answers and confirmation (ledger_flow)
    CONFIRM_DRAFT = "confirm_draft"  # this year's report sent as a file waits for confirmation


class DraftComment(BaseModel):
    """A comment written for a return that is not sent yet."""

    place: str  # a ``report.review.Place`` key
    text: str


class ReturnDraft(BaseModel):
    """A supervisor writing a return: the report, the comments so far, and the place whose
    comment is being typed (None: choosing a place)."""

    report_id: int
    comments: list[DraftComment] = Field(default_factory=list)
    place: str | None = None


class ConversationState(BaseModel):
    """Where one person is. Stored as JSON after every turn."""

    report_id: int | None = None
    mode: Mode = Mode.IDLE
    cursor: int = 0
    #: Bumped whenever a question is asked; answer buttons carry it, so a button of an earlier
    #: question (pressed late, or twice) is recognised and never applied to the wrong cell.
    seq: int = 0
    #: Whether the current narrative part has received text during this visit (the first
    #: message replaces the old text, later ones are appended).
    part_started: bool = False
    #: Versions of the current question's cells when it was asked (stale-write detection).
    base_versions: dict[str, int] = Field(default_factory=dict)
    #: Answers to the yes/no gates, by gate id.
    gates: dict[str, bool] = Field(default_factory=dict)
    #: The warning (rule key) whose reason is awaited in REASON mode.
    warning_key: str | None = None
    #: An uploaded report awaiting confirmation (the Report as JSON) in CONFIRM_IMPORT or
    #: CONFIRM_DRAFT mode.
    pending_import: str | None = None
    #: The application ledger last sent (``Ledger`` as JSON), its file name and the report it
    #: was counted for; kept after confirmation for ``/ledger`` (see ``dialogs.ledger_flow``).
    ledger_json: str | None = None
    ledger_name: str = ""
    ledger_report_id: int | None = None
    #: Whether its counts still wait for confirmation (nothing is written before).
    ledger_pending: bool = False
    #: The wording asked about (``kind:key``) and the counter its buttons carry.
    ledger_question: str | None = None
    ledger_step: int = 0
    #: Versions of table 三's cells when the counts were shown (stale-write detection).
    ledger_versions: dict[str, int] = Field(default_factory=dict)
    #: A return being written by a supervisor (review and sign-off; ``dialogs.review_flow``).
    return_draft: ReturnDraft | None = None
    #: Figures typed at a narrative part, kept while the clerk is asked whether they are text.
    pending_text: str | None = None
    #: Tables whose column legend this person has been shown (later rows refer to it).
    legend_shown: list[str] = Field(default_factory=list)
    #: The chat message that last answered each row (row key → message id): editing that
    #: message corrects the row.
    answer_messages: dict[str, int] = Field(default_factory=dict)
    #: Keys of the rows this person entered lately, newest first (to rank the rows to re-enter).
    recent_rows: list[str] = Field(default_factory=list)

    @field_validator("mode", mode="before")
    @classmethod
    def _retired_modes(cls, value: object) -> object:
        # "choose_org" was stored while an organisation was being chosen; it behaved as IDLE.
        return Mode.IDLE if value == "choose_org" else value


# --- events ---------------------------------------------------------------------------------


class TextInput(BaseModel):
    kind: Literal["text"] = "text"
    text: str
    #: The chat message it came in (Telegram's id), to recognise a later edit of it.
    message_id: int | None = None
    #: An edit of an earlier message (``message_id``), not a new answer.
    edited: bool = False
    #: The question it answers (its ``seq``), when the client knows it (the console): an
    #: answer typed for an earlier question is never applied to the current one.
    seq: int | None = None


class ButtonPress(BaseModel):
    kind: Literal["button"] = "button"
    data: str


class FileInput(BaseModel):
    kind: Literal["file"] = "file"
    name: str
    data: bytes


class Command(BaseModel):
    """A slash command (without the slash): fill, review, export, cancel, help, menu."""

    kind: Literal["command"] = "command"
    name: str
    args: str = ""


class ImportProblem(BaseModel):
    """Something of an uploaded report that could not be read (where, and what)."""

    where: str
    message: str


class UploadRead(BaseModel):
    """An upload as the engine read it before the step: the report found in it, or why none.

    Neither ``report_json`` nor ``refusal``: the file was not read (not a .docx, or no reader).
    """

    kind: Literal["upload"] = "upload"
    name: str
    report_json: str | None = None
    problems: list[ImportProblem] = Field(default_factory=list)
    #: The reader's reason for refusing the file, for the clerk.
    refusal: str | None = None
    #: The organisation the document's title names (None: no title found).
    organisation: str | None = None


class LedgerRead(BaseModel):
    """An upload the engine read as an application ledger: the ledger (JSON), or why not."""

    kind: Literal["ledger"] = "ledger"
    name: str
    ledger_json: str | None = None
    #: The reader's reason for refusing the ledger, for the clerk.
    refusal: str | None = None


Event = TextInput | ButtonPress | FileInput | UploadRead | LedgerRead | Command


def builds_document(event: Event) -> bool:
    """Whether the event makes a document (the report, or an office's summary)."""
    if isinstance(event, Command):
        return event.name in ("export", "summary")
    return isinstance(event, ButtonPress) and buttons.builds_document(buttons.decode(event.data))


# --- output ---------------------------------------------------------------------------------


class Button(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    #: The callback data: ``buttons.encode`` of the button's action (build with ``button``).
    data: str


def button(label: str, action: buttons.Action) -> Button:
    """A button labelled ``label`` that does ``action`` when pressed."""
    return Button(label=label, data=buttons.encode(action))


class Document(BaseModel):
    filename: str
    #: Empty in the step's outcome for the report itself: the engine renders it afterwards
    #: (``RenderReport``).
    data: bytes = b""


class OutMessage(BaseModel):
    """One message to show: HTML-subset text (b, i, code, pre), buttons by rows, a file."""

    text: str
    buttons: list[list[Button]] = Field(default_factory=list)
    document: Document | None = None
    #: True for a question: the adapter removes the buttons of the previous question.
    question: bool = False
    #: Another person to send this to (a supervisor's reminder); None: the person who acted.
    to: int | None = None


# --- effects the engine applies to storage --------------------------------------------------


class WriteFigures(BaseModel):
    figures: dict[str, Decimal | None]
    expected: dict[str, int] | None = None
    #: The audit source when not the update itself ("document": read from a sent file).
    source: str | None = None


class WriteText(BaseModel):
    part_id: str
    text: str | None
    expected: int | None = None
    #: The audit source when not the update itself ("document": read from a sent file).
    source: str | None = None


class AcceptWarning(BaseModel):
    key: str
    reason: str


class SetStatus(BaseModel):
    status: str


class SaveImported(BaseModel):
    year: int
    report_json: str


class RenderReport(BaseModel):
    """Build the report as a Word document, after the step, into message ``message``."""

    message: int
    draft: bool
    issued: date | None = None
    #: Add the review appendix (审核情况说明).
    appendix: bool = False


class RememberLedgerWording(BaseModel):
    """An office's answer to a ledger question: ``key`` (normalised wording) means ``target``."""

    kind: str
    key: str
    target: str


class WriteLedgerCounts(BaseModel):
    """Write a confirmed ledger counting into table 三 (``storage.write_ledger_counts``)."""

    counting: InstanceOf[Counting]
    file_name: str
    expected: dict[str, int] | None = None


Effect = (
    WriteFigures
    | WriteText
    | AcceptWarning
    | SetStatus
    | SaveImported
    | RenderReport
    | RememberLedgerWording
    | WriteLedgerCounts
)
