"""Joining an organisation by invite, and creating organisations (administrators only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import escape

from dialogs import texts
from dialogs.buttons import Fill
from dialogs.engine import reporting_year
from dialogs.errors import describe
from dialogs.model import OutMessage, button
from storage import AmbiguousName, InviteError, Organisation, Role, Store

INVITE_DAYS = 14
MAX_NAME_CHARS = 100


def _find(store: Store, name: str) -> Organisation | None:
    """The organisation with this full or short name; a short name several share finds none."""
    try:
        return store.find_organisation(name)
    except AmbiguousName:
        return None


def _serving_username(store: Store, org_id: int, bot_id: int, bot_username: str) -> str:
    """The username of the bot serving the office (this bot, ``bot_username``, if none did)."""
    served = store.claim_office(org_id, bot_id)
    known = store.find_bot(str(served)) if served != bot_id else None
    return known.username if known is not None and known.username else bot_username


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with ``/start <code>``."""
    return f"https://t.me/{bot_username}?start={code}"


def join(
    store: Store,
    person_id: int,
    display_name: str,
    code: str,
    today: date,
    bot_id: int | None = None,
) -> list[OutMessage]:
    """Redeem an invite code for this person, through the bot ``bot_id`` (the person is
    written to through it; it serves the office if none did yet)."""
    store.upsert_person(person_id, display_name)
    try:
        membership = store.redeem_invite(code, person_id, now=datetime.now(UTC))
    except InviteError as error:
        return [OutMessage(text=describe(error))]
    if bot_id is not None:
        store.claim_office(membership.organisation_id, bot_id)
        store.joined_through(person_id, membership.organisation_id, bot_id)
    org = store.organisation(membership.organisation_id)
    if membership.role is Role.SUPERVISOR:
        return [
            OutMessage(
                text=texts.JOINED_SUPERVISOR.format(organisation=escape(org.name))
                + "\n"
                + texts.SUPERVISOR_MENU.format(offices=escape(org.name))
            )
        ]
    return [
        OutMessage(
            text=texts.JOINED.format(
                organisation=escape(org.name),
                role=texts.ROLE_NAMES[membership.role],
                year=reporting_year(today),
            ),
            buttons=[[button(texts.BTN_START, Fill())]],
        )
    ]


def create_organisation(
    store: Store,
    person_id: int,
    display_name: str,
    name: str,
    *,
    is_admin: bool,
    bot_username: str,
    bot_id: int | None = None,
) -> list[OutMessage]:
    """Create an organisation (administrators only) and hand back an invite link for its clerks;
    the bot it was created through (``bot_id``) serves it."""
    if not is_admin:
        return [OutMessage(text=texts.NOT_ADMIN)]
    name = " ".join(name.split())
    if not name:
        return [OutMessage(text=texts.NEWORG_USAGE)]
    if len(name) > MAX_NAME_CHARS:
        return [OutMessage(text=texts.NEWORG_TOO_LONG.format(limit=MAX_NAME_CHARS))]
    if _find(store, name) is not None:
        return [OutMessage(text=texts.NEWORG_EXISTS.format(name=escape(name)))]
    store.upsert_person(person_id, display_name)
    with store.transaction():
        org = store.add_organisation(name)
        store.add_membership(person_id, org.id, Role.ADMIN)
        invite = store.create_invite(org.id, Role.CLERK, valid_for=timedelta(days=INVITE_DAYS))
        if bot_id is not None:
            store.claim_office(org.id, bot_id)
    return [
        OutMessage(
            text=texts.NEWORG_DONE.format(
                name=escape(org.name),
                short=escape(org.short_name),
                days=INVITE_DAYS,
                link=invite_link(bot_username, invite.code),
            )
        )
    ]


def invite(
    store: Store,
    person_id: int,
    name: str,
    *,
    is_admin: bool,
    bot_username: str,
    role: Role = Role.CLERK,
    bot_id: int | None = None,
) -> list[OutMessage]:
    """A fresh invite link for an organisation, for a system administrator or its own admin.

    The link opens the bot serving the office; one asked through ``bot_id`` serves it if none
    did yet."""
    name = " ".join(name.split())
    if not name:
        return [OutMessage(text=texts.INVITE_USAGE)]
    org = _find(store, name[:MAX_NAME_CHARS])
    if org is None:
        return [OutMessage(text=texts.ORG_NOT_FOUND.format(name=escape(name)))]
    if not is_admin and store.role_in(person_id, org.id) is not Role.ADMIN:
        return [OutMessage(text=texts.NOT_ADMIN)]
    code = store.create_invite(org.id, role, valid_for=timedelta(days=INVITE_DAYS)).code
    if bot_id is not None:
        bot_username = _serving_username(store, org.id, bot_id, bot_username)
    return [
        OutMessage(
            text=texts.INVITE_DONE.format(
                name=escape(org.name),
                role=texts.ROLE_NAMES[role],
                days=INVITE_DAYS,
                link=invite_link(bot_username, code),
            )
        )
    ]
