"""Review and sign-off in the chat: handing a report in, returning it with comments pinned to
rows, approving and reopening it.

Called by the engine before the report's step (``Engine._route``): the supervisor has no report
of their own to fill in, and each step is a storage transition (``storage.reviews``) that tells
other people. Every decision about who may do what is the store's (``ReviewRefused`` carries the
Chinese sentence); this module words what each person is told and builds the buttons.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from decimal import Decimal
from html import escape
from typing import Protocol

from dialogs import texts
from dialogs.buttons import (
    ApproveReport,
    CancelReturn,
    CommentCell,
    CommentPlace,
    CommentRow,
    CommentSection,
    ExportReviewed,
    Fill,
    Jump,
    OpenComment,
    ReopenReport,
    ReviewAction,
    SendReturn,
    StartReturn,
    SubmitReview,
    ViewReviewed,
    WithdrawReview,
    encode,
)
from dialogs.errors import describe
from dialogs.model import (
    Button,
    ButtonPress,
    ConversationState,
    Document,
    DraftComment,
    Effect,
    Event,
    Mode,
    OutMessage,
    ReturnDraft,
    WriteFigures,
    WriteText,
    button,
)
from dialogs.plan import GateQuestion, PartQuestion, RowQuestion, plan_for, section_questions
from dialogs.reminders import FILLING_ROLES, fillers
from dialogs.render import review_messages, row_code, short_label
from report.layout import ReportFormat
from report.parsing import format_figure
from report.review import (
    Actor,
    Change,
    Place,
    PlaceKind,
    ReviewContext,
    ReviewEvent,
    ReviewEvidence,
    ReviewStatus,
    TransitionRefused,
    is_answered_by,
    main_totals,
    marked_draft,
    place_label,
    refusal,
)
from report.rules import check
from report.values import Report
from storage import (
    NewComment,
    NotFound,
    ReportStatus,
    ReviewRefused,
    StorageError,
    Store,
    StoredReport,
)
from storage.reviews import MAX_COMMENT_CHARS

MAX_CHANGES_SHOWN = 20
#: Cell buttons side by side when a supervisor pins a comment to one cell of a row.
CELLS_PER_ROW = 3
#: The numbering a row label starts with (the row code in front of it says the same).
_NUMBERING = re.compile(r"^(（[一二三四五六七八九十]+）|[0-9]+\.)")


class RenderDocx(Protocol):
    """Renders a report as the official DOCX (with the review appendix when given)."""

    def __call__(
        self,
        report: Report,
        draft: bool,
        issued: date | None,
        appendix: ReviewEvidence | None = None,
    ) -> bytes: ...


Routed = tuple[list[OutMessage] | None, Event]


def is_review_action(action: object) -> bool:
    """Whether a decoded button belongs to review and sign-off."""
    return isinstance(
        action,
        SubmitReview
        | WithdrawReview
        | ApproveReport
        | StartReturn
        | ViewReviewed
        | ReopenReport
        | CommentSection
        | CommentPlace
        | CommentRow
        | CommentCell
        | SendReturn
        | CancelReturn
        | OpenComment
        | ExportReviewed,
    )


def ready_refusal(
    missing: int, open_errors: tuple[str, ...], unaccepted: tuple[str, ...], status: str
) -> str | None:
    """Why the clerk cannot hand the report in yet (None: the 提交 button may be shown)."""
    review = ReviewStatus(status)
    event = ReviewEvent.RESUBMIT if review is ReviewStatus.RETURNED else ReviewEvent.SUBMIT
    context = ReviewContext(
        actor=Actor.FILLER,
        missing=missing,
        open_errors=open_errors,
        unaccepted_warnings=unaccepted,
    )
    refused = refusal(review, event, context)
    if refused is None:
        return None
    return TransitionRefused(refused[0], review, event, refused[1]).message


class ReviewFlow:
    """The review buttons and the supervisor's typed comments, for one store."""

    def __init__(
        self,
        store: Store,
        render_docx: RenderDocx | None,
        today: Callable[[], date],
        open_report: Callable[[ConversationState, int, int], None],
        zone: tzinfo,
    ) -> None:
        self.store = store
        #: The zone times are shown in (``NIANBAO_TZ``).
        self.zone = zone
        self.render_docx = render_docx
        self.today = today
        self.open_report = open_report

    # --- dispatch ---------------------------------------------------------------------------

    def press(self, person_id: int, state: ConversationState, action: ReviewAction) -> Routed:
        """A review button; returns the messages (None: on to the step) and the event."""
        event: Event = ButtonPress(data="")
        match action:
            case SubmitReview(report_id=report_id):
                return self.submit(person_id, report_id), event
            case WithdrawReview(report_id=report_id):
                return self.withdraw(person_id, report_id), event
            case ApproveReport(report_id=report_id):
                return self.approve(person_id, report_id), event
            case ReopenReport(report_id=report_id):
                return self.reopen(person_id, report_id), event
            case ViewReviewed(report_id=report_id):
                return self.view(person_id, report_id), event
            case ExportReviewed(report_id=report_id, appendix=appendix):
                return self.export(person_id, report_id, appendix), event
            case StartReturn(report_id=report_id):
                return self.start_return(person_id, state, report_id), event
            case CommentSection(number=number):
                return self.pick_section(state, number), event
            case CommentPlace(index=index):
                return self.pick_place(state, index), event
            case CommentRow(index=index):
                return self.pick_place(state, index, whole_row=True), event
            case CommentCell(index=index, cell=cell):
                return self.pick_cell(state, index, cell), event
            case SendReturn(report_id=report_id):
                return self.send_return(person_id, state, report_id), event
            case CancelReturn():
                return self.cancel_return(state), event
            case OpenComment(comment_id=comment_id):
                return self.open_comment(person_id, state, comment_id)
        return [OutMessage(text=texts.UNKNOWN_BUTTON)], event

    def awaits_comment(self, state: ConversationState) -> bool:
        """Whether typed text is the comment for a chosen place."""
        return state.return_draft is not None and state.return_draft.place is not None

    # --- the clerk --------------------------------------------------------------------------

    def submit(self, person_id: int, report_id: int) -> list[OutMessage]:
        try:
            before = self.store.review(report_id).status
            self.store.submit(report_id, person_id=person_id)
        except (ReviewRefused, NotFound) as refused:
            return [OutMessage(text=describe(refused))]
        stored = self.store.report_by_id(report_id)
        office = self._office_above(stored.organisation_id)
        out = [
            OutMessage(
                text=texts.REVIEW_SUBMITTED.format(office=escape(office)),
                buttons=[[button(texts.BTN_WITHDRAW, WithdrawReview(report_id))]],
            )
        ]
        again = before is ReviewStatus.RETURNED
        for supervisor in self.store.supervisors_of(stored.organisation_id):
            out.extend(self._handed_in(report_id, supervisor, again))
        return out

    def withdraw(self, person_id: int, report_id: int) -> list[OutMessage]:
        try:
            self.store.withdraw(report_id, person_id=person_id)
        except (ReviewRefused, NotFound) as refused:
            return [OutMessage(text=describe(refused))]
        return [
            OutMessage(text=texts.REVIEW_WITHDRAWN, buttons=[[button(texts.BTN_CONTINUE, Fill())]])
        ]

    def open_comment(self, person_id: int, state: ConversationState, comment_id: int) -> Routed:
        """A returned comment's 去修改 button: on to the question of its place."""
        comment = self.store.comment(comment_id)
        if comment is None:
            return [OutMessage(text=texts.UNKNOWN_BUTTON)], ButtonPress(data="")
        stored = self.store.report_by_id(comment.report_id)
        if self.store.role_in(person_id, stored.organisation_id) not in FILLING_ROLES:
            return [OutMessage(text=texts.UNKNOWN_BUTTON)], ButtonPress(data="")
        self.open_report(state, stored.organisation_id, stored.year)
        report = self.store.load(stored.id)
        index = question_of(report, comment.place)
        return None, ButtonPress(data=_jump_data(index))

    # --- the supervisor ---------------------------------------------------------------------

    def approve(self, person_id: int, report_id: int) -> list[OutMessage]:
        try:
            self.store.approve(report_id, person_id=person_id)
        except (ReviewRefused, NotFound) as refused:
            return [OutMessage(text=describe(refused))]
        stored = self.store.set_status(report_id, ReportStatus.FINAL, person_id=person_id)
        org = self.store.organisation(stored.organisation_id)
        out = [
            OutMessage(
                text=texts.APPROVED_SUPERVISOR.format(
                    organisation=escape(org.name), year=stored.year
                ),
                buttons=[self._copy_buttons(report_id)],
            )
        ]
        office = self._office_above(stored.organisation_id)
        report = self.store.load(report_id)
        document = self._document(report, org.short_name, draft=False)
        for clerk in fillers(self.store, org.id):
            out.append(
                OutMessage(
                    text=texts.APPROVED_TO_CLERK.format(
                        office=escape(office),
                        year=stored.year,
                        publish_by=f"{stored.year + 1}年1月31日",
                    ),
                    document=document,
                    to=clerk,
                )
            )
        return out

    def reopen(self, person_id: int, report_id: int) -> list[OutMessage]:
        try:
            self.store.reopen(report_id, person_id=person_id)
        except (ReviewRefused, NotFound) as refused:
            return [OutMessage(text=describe(refused))]
        stored = self.store.set_status(report_id, ReportStatus.DRAFT, person_id=person_id)
        org = self.store.organisation(stored.organisation_id)
        office = self._office_above(stored.organisation_id)
        out = [
            OutMessage(
                text=texts.REOPENED_SUPERVISOR.format(
                    organisation=escape(org.name), year=stored.year
                )
            )
        ]
        out.extend(
            OutMessage(
                text=texts.REOPENED_TO_CLERK.format(office=escape(office), year=stored.year),
                buttons=[[button(texts.BTN_CONTINUE, Fill())]],
                to=clerk,
            )
            for clerk in fillers(self.store, org.id)
        )
        return out

    def view(self, person_id: int, report_id: int) -> list[OutMessage]:
        """The report as the clerk's preview shows it, read-only, with the review buttons."""
        stored = self._supervised(person_id, report_id)
        if stored is None:
            return [OutMessage(text=texts.REVIEW_NOT_ALLOWED)]
        report = self.store.load(report_id)
        org = self.store.organisation(stored.organisation_id)
        previous = self.store.previous_report(stored.organisation_id, stored.year)
        accepted = self.store.accepted_warnings(report_id)
        problems = [v for v in check(report, previous) if v.key not in accepted]
        overview, rest = review_messages(report, str(stored.status), {}, problems, org.name)
        status = self.store.review(report_id).status
        title, _, body = overview.text.partition("\n")
        title += texts.REVIEW_VIEW_TITLE.format(status=status.label)
        return [
            OutMessage(text=f"{title}\n{body}"),
            OutMessage(text=rest.text, buttons=self._step_buttons(person_id, report_id)),
        ]

    def export(self, person_id: int, report_id: int, appendix: bool) -> list[OutMessage]:
        """The supervisor's copy of a member office's report (a draft until approved)."""
        stored = self._supervised(person_id, report_id)
        if stored is None:
            return [OutMessage(text=texts.REVIEW_NOT_ALLOWED)]
        org = self.store.organisation(stored.organisation_id)
        status = self.store.review(report_id).status
        draft = marked_draft(status, has_supervisor=True)
        evidence = self.store.review_evidence(report_id) if appendix else None
        document = self._document(self.store.load(report_id), org.short_name, draft, evidence)
        if document is None:
            return [OutMessage(text=texts.EXPORT_UNAVAILABLE)]
        template = texts.REVIEW_COPY_APPENDIX if appendix else texts.REVIEW_COPY
        text = template.format(
            organisation=escape(org.short_name),
            year=stored.year,
            status=status.label,
            filename=escape(document.filename),
        )
        return [OutMessage(text=text, document=document)]

    # --- writing a return -------------------------------------------------------------------

    def start_return(
        self, person_id: int, state: ConversationState, report_id: int
    ) -> list[OutMessage]:
        """退回修改 (and 再写一条意见, 返回目录): the sections to choose a place from."""
        refused = self._refused(report_id, person_id, ReviewEvent.RETURN)
        if refused is not None:
            state.return_draft = None
            return [OutMessage(text=refused)]
        if state.return_draft is None or state.return_draft.report_id != report_id:
            state.return_draft = ReturnDraft(report_id=report_id)
        state.return_draft.place = None
        # Not on a question of one's own meanwhile: typed text is the comment, nothing else.
        state.mode = Mode.IDLE
        stored = self.store.report_by_id(report_id)
        org = self.store.organisation(stored.organisation_id)
        fmt = self.store.load(report_id).format
        rows: list[list[Button]] = [
            [button(s.heading, CommentSection(s.number))] for s in fmt.sections
        ]
        rows.extend(self._draft_buttons(state.return_draft))
        return [
            OutMessage(
                text=texts.RETURN_PICK_SECTION.format(organisation=escape(org.name)), buttons=rows
            )
        ]

    def pick_section(self, state: ConversationState, number: int) -> list[OutMessage]:
        draft = state.return_draft
        if draft is None:
            return [OutMessage(text=texts.RETURN_NOT_WRITING)]
        report = self.store.load(draft.report_id)
        plan = plan_for(report.format)
        indexes = [
            i
            for i in section_questions(report.format, number)
            if not isinstance(plan[i], GateQuestion)
        ]
        if not indexes:
            return [OutMessage(text=texts.UNKNOWN_BUTTON)]
        section = plan[indexes[0]].section
        rows: list[list[Button]] = []
        seen: set[str] = set()
        for i in indexes:
            place = place_of(plan[i])
            if place.key in seen:
                continue
            seen.add(place.key)
            rows.append([button(_place_button(plan[i]), CommentPlace(i))])
        rows.append([button(texts.BTN_BACK_TO_SECTIONS, StartReturn(draft.report_id))])
        what = texts.RETURN_WHAT_ROWS if section.table is not None else texts.RETURN_WHAT_PART
        return [
            OutMessage(
                text=texts.RETURN_PICK_PLACE.format(heading=section.heading, what=what),
                buttons=rows,
            )
        ]

    def pick_place(
        self, state: ConversationState, index: int, *, whole_row: bool = False
    ) -> list[OutMessage]:
        """A row or part chosen: the comment's text is asked for, unless the row has several
        cells and the supervisor may first pin one of them (or take the whole row)."""
        draft = state.return_draft
        if draft is None:
            return [OutMessage(text=texts.RETURN_NOT_WRITING)]
        report = self.store.load(draft.report_id)
        plan = plan_for(report.format)
        if index >= len(plan) or isinstance(plan[index], GateQuestion):
            return [OutMessage(text=texts.UNKNOWN_BUTTON)]
        question = plan[index]
        if isinstance(question, RowQuestion) and len(question.cells) > 1 and not whole_row:
            draft.place = None
            return [self._cell_picker(draft, index, question)]
        return self._ask(draft, report.format, place_of(question))

    def pick_cell(self, state: ConversationState, index: int, cell: int) -> list[OutMessage]:
        """One cell of a row chosen: the comment is pinned to it alone."""
        draft = state.return_draft
        if draft is None:
            return [OutMessage(text=texts.RETURN_NOT_WRITING)]
        fmt = self.store.load(draft.report_id).format
        plan = plan_for(fmt)
        question = plan[index] if index < len(plan) else None
        if not isinstance(question, RowQuestion) or cell >= len(question.cells):
            return [OutMessage(text=texts.UNKNOWN_BUTTON)]
        return self._ask(draft, fmt, Place.cell(question.cells[cell]))

    def _cell_picker(self, draft: ReturnDraft, index: int, question: RowQuestion) -> OutMessage:
        fmt = self.store.load(draft.report_id).format
        labels = [fmt.cell(c).column.label for c in question.cells]
        cells = [
            button(short_label(label, 12), CommentCell(index, n)) for n, label in enumerate(labels)
        ]
        rows: list[list[Button]] = [
            cells[start : start + CELLS_PER_ROW] for start in range(0, len(cells), CELLS_PER_ROW)
        ]
        rows.append([button(texts.BTN_WHOLE_ROW, CommentRow(index))])
        rows.append([button(texts.BTN_BACK_TO_SECTIONS, StartReturn(draft.report_id))])
        return OutMessage(
            text=texts.RETURN_PICK_CELL.format(
                row=escape(comment_label(fmt, place_of(question))), count=len(labels)
            ),
            buttons=rows,
        )

    def _ask(self, draft: ReturnDraft, fmt: ReportFormat, place: Place) -> list[OutMessage]:
        draft.place = place.key
        return [
            OutMessage(
                text=texts.RETURN_ASK_TEXT.format(
                    place=escape(comment_label(fmt, place)), limit=MAX_COMMENT_CHARS
                ),
                buttons=[[button(texts.BTN_BACK_TO_SECTIONS, StartReturn(draft.report_id))]],
            )
        ]

    def comment_text(self, state: ConversationState, text: str) -> list[OutMessage]:
        """The supervisor's typed comment on the chosen place."""
        draft = state.return_draft
        assert draft is not None and draft.place is not None
        text = " ".join(text.split())
        if not any(ch.isalpha() for ch in text):
            return [OutMessage(text=texts.RETURN_TEXT_EMPTY)]
        if len(text) > MAX_COMMENT_CHARS:
            return [OutMessage(text=texts.RETURN_TEXT_TOO_LONG.format(limit=MAX_COMMENT_CHARS))]
        draft.comments.append(DraftComment(place=draft.place, text=text))
        place = Place.parse(draft.place)
        draft.place = None
        fmt = self.store.load(draft.report_id).format
        return [
            OutMessage(
                text=texts.RETURN_NOTED.format(
                    number=len(draft.comments),
                    place=escape(comment_label(fmt, place)),
                    text=escape(text),
                ),
                buttons=[
                    [button(texts.BTN_ANOTHER_COMMENT, StartReturn(draft.report_id))],
                    *self._draft_buttons(draft),
                ],
            )
        ]

    def pick_first(self, state: ConversationState) -> list[OutMessage]:
        """Text typed while a return is written but no place is chosen: choose one first."""
        assert state.return_draft is not None
        report_id = state.return_draft.report_id
        rows = [[button(texts.BTN_BACK_TO_SECTIONS, StartReturn(report_id))]]
        rows.extend(self._draft_buttons(state.return_draft))
        return [OutMessage(text=texts.RETURN_PICK_FIRST, buttons=rows)]

    def cancel_return(self, state: ConversationState) -> list[OutMessage]:
        if state.return_draft is None:
            return [OutMessage(text=texts.RETURN_NOT_WRITING)]
        state.return_draft = None
        return [OutMessage(text=texts.RETURN_CANCELLED)]

    def send_return(
        self, person_id: int, state: ConversationState, report_id: int
    ) -> list[OutMessage]:
        draft = state.return_draft
        if draft is None or draft.report_id != report_id:
            return [OutMessage(text=texts.RETURN_NOT_WRITING)]
        comments = [NewComment(Place.parse(c.place), c.text) for c in draft.comments]
        try:
            _, given = self.store.return_report(report_id, comments, person_id=person_id)
        except StorageError as refused:
            return [OutMessage(text=describe(refused))]
        state.return_draft = None
        stored = self.store.report_by_id(report_id)
        org = self.store.organisation(stored.organisation_id)
        fmt = self.store.load(report_id).format
        office = self._office_above(stored.organisation_id)
        lines = [
            texts.RETURNED_TO_CLERK.format(
                office=escape(office), year=stored.year, count=len(given)
            )
        ]
        buttons: list[list[Button]] = []
        report = self.store.load(report_id)
        plan = plan_for(fmt)
        for number, comment in enumerate(given, start=1):
            label = comment_label(fmt, comment.place)
            lines.append(
                texts.RETURNED_COMMENT.format(
                    number=number, place=escape(label), text=escape(comment.text)
                )
            )
            go = texts.BTN_GO_TO_COMMENT.format(
                place=_place_button(plan[question_of(report, comment.place)])
            )
            if comment.place.kind is PlaceKind.CELL:
                go += texts.COMMENT_CELL_SUFFIX.format(
                    column=short_label(fmt.cell(comment.place.id).column.label, 8)
                )
            buttons.append([button(f"{number}. {go}", OpenComment(comment.id))])
        out = [
            OutMessage(
                text=texts.RETURN_SENT.format(organisation=escape(org.name), count=len(given))
            )
        ]
        out.extend(
            OutMessage(text="\n".join(lines), buttons=buttons, to=clerk)
            for clerk in fillers(self.store, org.id)
        )
        return out

    # --- what the supervisor is told --------------------------------------------------------

    def _handed_in(self, report_id: int, supervisor: int, again: bool) -> list[OutMessage]:
        stored = self.store.report_by_id(report_id)
        org = self.store.organisation(stored.organisation_id)
        report = self.store.load(report_id)
        previous = self.store.previous_report(stored.organisation_id, stored.year)
        template = texts.REVIEW_HANDED_IN_AGAIN if again else texts.REVIEW_HANDED_IN
        lines = [template.format(organisation=escape(org.name), year=stored.year)]
        if again:
            lines.extend(self._changes(report_id))
        lines.append(texts.REVIEW_TOTALS + ("" if previous else texts.REVIEW_NO_LAST_YEAR))
        for total in main_totals(report, previous):
            lines.append(
                texts.REVIEW_TOTAL_LINE.format(
                    label=texts.REVIEW_TOTAL_LABELS.get(total.cell_id, _total_label(total.label)),
                    now=_value(total.now),
                    last=_value(total.last_year),
                    far=texts.REVIEW_FAR if total.far else "",
                )
            )
        evidence = self.store.review_evidence(report_id)
        if evidence.accepted:
            lines.append(texts.REVIEW_ACCEPTED.format(count=len(evidence.accepted)))
            lines.extend(
                texts.REVIEW_ACCEPTED_LINE.format(
                    number=n, description=escape(a.description), reason=escape(a.reason)
                )
                for n, a in enumerate(evidence.accepted, start=1)
            )
        else:
            lines.append(texts.REVIEW_ACCEPTED_NONE)
        buttons = self._step_buttons(supervisor, report_id)
        document = self._document(report, org.short_name, draft=True)
        if document is None:
            return [OutMessage(text="\n".join(lines), buttons=buttons, to=supervisor)]
        return [
            OutMessage(text="\n".join(lines), to=supervisor),
            OutMessage(
                text=texts.REVIEW_DRAFT_ATTACHED, document=document, buttons=buttons, to=supervisor
            ),
        ]

    def _changes(self, report_id: int) -> list[str]:
        changes = [c for c in self.store.changes_since_return(report_id) if not c.computed]
        comments = [
            c for c in self.store.comments(report_id) if c.event_id == self._last_return(report_id)
        ]
        lines = []
        if comments:
            answered = sum(1 for c in comments if c.answered_at is not None)
            lines.append(
                texts.REVIEW_COMMENTS_ANSWERED.format(total=len(comments), answered=answered)
            )
        if not changes:
            lines.append(texts.REVIEW_CHANGES_NONE)
            return lines
        lines.append(texts.REVIEW_CHANGES.format(count=len(changes)))
        lines.extend(_change_line(c) for c in changes[:MAX_CHANGES_SHOWN])
        if len(changes) > MAX_CHANGES_SHOWN:
            lines.append(texts.REVIEW_CHANGES_MORE.format(count=len(changes) - MAX_CHANGES_SHOWN))
        return lines

    def _last_return(self, report_id: int) -> int | None:
        returns = [
            r.id for r in self.store.review_history(report_id) if r.event is ReviewEvent.RETURN
        ]
        return returns[-1] if returns else None

    def _step_buttons(self, person_id: int, report_id: int) -> list[list[Button]]:
        allowed = self.store.allowed_steps(report_id, person_id)
        rows: list[list[Button]] = []
        if ReviewEvent.APPROVE in allowed:
            rows.append(
                [
                    button(texts.BTN_APPROVE, ApproveReport(report_id)),
                    button(texts.BTN_RETURN_REPORT, StartReturn(report_id)),
                ]
            )
        if ReviewEvent.REOPEN in allowed:
            rows.append([button(texts.BTN_REOPEN, ReopenReport(report_id))])
        rows.append([button(texts.BTN_VIEW_REPORT, ViewReviewed(report_id))])
        if ReviewEvent.REOPEN in allowed:
            rows.append(self._copy_buttons(report_id))
        return rows

    @staticmethod
    def _copy_buttons(report_id: int) -> list[Button]:
        return [
            button(texts.BTN_FINAL_COPY, ExportReviewed(report_id, appendix=False)),
            button(texts.BTN_FINAL_WITH_APPENDIX, ExportReviewed(report_id, appendix=True)),
        ]

    @staticmethod
    def _draft_buttons(draft: ReturnDraft) -> list[list[Button]]:
        rows = []
        if draft.comments:
            rows.append(
                [
                    button(
                        texts.BTN_SEND_RETURN.format(count=len(draft.comments)),
                        SendReturn(draft.report_id),
                    )
                ]
            )
        rows.append([button(texts.BTN_CANCEL_RETURN, CancelReturn(draft.report_id))])
        return rows

    # --- helpers ----------------------------------------------------------------------------

    def _refused(self, report_id: int, person_id: int, event: ReviewEvent) -> str | None:
        """The store's refusal of ``event`` by this person now (a return: once commented)."""
        try:
            status = self.store.review(report_id).status
            context = self.store.review_context(report_id, person_id, event, comments=1)
        except NotFound as missing:
            return describe(missing)
        refused = refusal(status, event, context)
        if refused is None:
            return None
        return TransitionRefused(refused[0], status, event, refused[1]).message

    def _supervised(self, person_id: int, report_id: int) -> StoredReport | None:
        try:
            stored = self.store.report_by_id(report_id)
        except NotFound:
            return None
        if person_id not in self.store.supervisors_of(stored.organisation_id):
            return None
        return stored

    def _office_above(self, org_id: int) -> str:
        parent = self.store.organisation(org_id).parent_id
        return self.store.organisation(parent).name if parent is not None else ""

    def _document(
        self,
        report: Report,
        short_name: str,
        draft: bool,
        appendix: ReviewEvidence | None = None,
    ) -> Document | None:
        if self.render_docx is None:
            return None
        filename = texts.FILENAME.format(
            short=short_name, year=report.year, suffix=texts.FILENAME_DRAFT if draft else ""
        )
        data = self.render_docx(report, draft, self.today(), appendix)
        return Document(filename=filename, data=data)


def still_open(fmt: ReportFormat, places: tuple[str, ...], effects: list[Effect]) -> int:
    """How many of the open comments (by place) this turn's writes leave unanswered."""
    cells = {c for e in effects if isinstance(e, WriteFigures) for c in e.figures}
    parts = {e.part_id for e in effects if isinstance(e, WriteText)}
    return sum(1 for key in places if not is_answered_by(fmt, Place.parse(key), cells, parts))


def place_of(question: PartQuestion | RowQuestion | GateQuestion) -> Place:
    """Where a comment on this question is pinned: its part, or its row."""
    if isinstance(question, PartQuestion):
        return Place.part(question.part.id)
    assert isinstance(question, RowQuestion)
    return Place.row(question.table.id, question.row.id)


def comment_label(fmt: ReportFormat, place: Place) -> str:
    """How the clerk and the supervisor know a comment's place: a row of a table by the
    table and the row's code and label (``收到和处理政府信息公开申请情况：三（三）5
    属于三类内部事务信息``), a cell by its row and column (``…·自然人``); a part, or table 四
    as a whole, by ``place_label``."""
    plan = plan_for(fmt)
    question: RowQuestion | None = None
    if place.kind is PlaceKind.CELL:
        question = next(
            (q for q in plan if isinstance(q, RowQuestion) and place.id in q.cells), None
        )
    elif place.kind is PlaceKind.ROW and not place.id.endswith("/"):
        question = next(
            (q for q in plan if isinstance(q, RowQuestion) and place_of(q) == place), None
        )
    if question is None:
        return place_label(fmt, place)
    row = texts.COMMENT_ROW_IN_TABLE.format(table=question.table.title, row=_row_name(question))
    if place.kind is PlaceKind.ROW:
        return row
    return texts.COMMENT_CELL.format(row=row, column=fmt.cell(place.id).column.label)


def question_of(report: Report, place: Place) -> int:
    """The question a comment's 去修改 button lands on."""
    plan = plan_for(report.format)
    for index, question in enumerate(plan):
        if isinstance(question, GateQuestion):
            continue
        if place_of(question) == place:
            return index
        if isinstance(question, RowQuestion) and place.id in question.cells:
            return index
    return 0


def _jump_data(index: int) -> str:
    return encode(Jump(index))


def _place_button(question: PartQuestion | RowQuestion | GateQuestion) -> str:
    if isinstance(question, PartQuestion):
        return question.part.title or question.section.heading
    assert isinstance(question, RowQuestion)
    return _row_name(question, short=True)


def _row_name(question: RowQuestion, *, short: bool = False) -> str:
    """A row by its code and label (``三（三）5 属于三类内部事务信息``), shortened for a button."""
    code = row_code(question.row.labels)
    label = short_label(question.label, 16) if short else question.label
    if label.startswith(code):
        return label
    # In a sentence a closing bracket needs no space after it; a button keeps it, to read.
    space = "" if code.endswith("）") and not short else " "
    return f"{code}{space}{_NUMBERING.sub('', label)}"


def _total_label(label: str) -> str:
    return label.removesuffix("·总计").replace("政府信息公开", "")


def _value(value: Decimal | None) -> str:
    return format_figure(value) if value is not None else "—"


def _change_line(change: Change) -> str:
    def shown(value: Decimal | str | None) -> str:
        if value is None or value == "":
            return texts.REVIEW_EMPTY_VALUE
        if isinstance(value, Decimal):
            return format_figure(value)
        return escape(short_label(value, 30))

    return texts.REVIEW_CHANGE_LINE.format(
        label=escape(change.label), before=shown(change.before), after=shown(change.after)
    )


def moment(at: datetime | None, zone: tzinfo) -> str:
    """A review step's time as a clerk reads it in ``zone``: ``1月20日 10:15``."""
    if at is None:
        return ""
    local = at.astimezone(zone) if at.tzinfo else at
    return texts.REVIEW_MOMENT.format(month=local.month, day=local.day, time=f"{local:%H:%M}")
