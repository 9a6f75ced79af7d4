"""Organisations, people, memberships and invites on a real SQLite file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from storage_fixtures import START, Clock

from storage import (
    AmbiguousName,
    BadName,
    InviteError,
    Membership,
    NotFound,
    Organisation,
    Role,
    Store,
    default_short_name,
)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("赣州经开区蟠龙镇人民政府", "蟠龙镇"),
        ("信丰县人民政府", "信丰县"),
        ("信丰县教育体育局", "教育体育局"),
        ("江西省赣州市信丰县大塘埠镇人民政府", "大塘埠镇"),
        ("昆明市盘龙区拓东街道办事处", "拓东街道"),
        ("赣州市市场监督管理局", "市场监督管理局"),
        ("国家统计局", "国家统计局"),
    ],
)
def test_default_short_name(name: str, short: str) -> None:
    assert default_short_name(name) == short


def test_add_organisation_and_read_it_back(store: Store) -> None:
    county = store.add_organisation("  信丰县人民政府 ")
    town = store.add_organisation(
        "信丰县大塘埠镇人民政府", short_name="大塘埠", parent_id=county.id
    )

    assert county == Organisation(county.id, "信丰县人民政府", "信丰县", None)
    assert town.short_name == "大塘埠" and town.parent_id == county.id
    assert store.organisation(town.id) == town
    assert store.organisations() == [county, town]


def test_duplicate_empty_or_long_names_are_refused_with_their_kind(store: Store) -> None:
    store.add_organisation("信丰县人民政府")
    with pytest.raises(BadName) as duplicate:
        store.add_organisation("信丰县人民政府")
    assert (duplicate.value.kind, duplicate.value.name) == ("duplicate", "信丰县人民政府")
    with pytest.raises(BadName) as empty:
        store.add_organisation("   ")
    assert empty.value.kind == "empty"
    with pytest.raises(BadName) as long:
        store.add_organisation("局" * 201)
    assert (long.value.kind, long.value.limit) == ("too_long", 200)
    assert len(store.organisations()) == 1


def test_unknown_organisation_or_parent_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.organisation(42)
    with pytest.raises(NotFound):
        store.add_organisation("某镇人民政府", parent_id=42)
    assert store.organisations() == []


def test_find_by_full_or_short_name(store: Store, county: Organisation, town: Organisation) -> None:
    assert store.find_organisation("信丰县人民政府") == county
    assert store.find_organisation(" 大塘埠镇 ") == town
    assert store.find_organisation("蟠龙镇") is None


def test_a_short_name_shared_by_two_organisations_is_ambiguous(store: Store) -> None:
    store.add_organisation("信丰县城关镇人民政府")
    store.add_organisation("安远县城关镇人民政府")
    with pytest.raises(AmbiguousName) as error:
        store.find_organisation("城关镇")
    assert error.value.name == "城关镇"
    assert error.value.candidates == ("信丰县城关镇人民政府", "安远县城关镇人民政府")
    assert store.find_organisation("安远县城关镇人民政府") is not None


def test_children_and_descendants(store: Store, county: Organisation, town: Organisation) -> None:
    bureau = store.add_organisation("信丰县教育体育局", parent_id=county.id)
    village = store.add_organisation("信丰县大塘埠镇大塘埠村民委员会", parent_id=town.id)

    assert store.children(county.id) == [town, bureau]
    assert store.children(town.id) == [village]
    assert store.children(village.id) == []
    assert store.descendants(county.id) == [town, bureau, village]


def test_people_are_registered_and_renamed(store: Store) -> None:
    assert store.person(7) is None
    store.upsert_person(7, "李明")
    renamed = store.upsert_person(7, " 李明（党政办） ")

    assert renamed.display_name == "李明（党政办）"
    assert store.person(7) == renamed


def test_memberships_are_idempotent_and_take_the_latest_role(
    store: Store, county: Organisation, town: Organisation, clock: Clock
) -> None:
    store.upsert_person(7, "李明")
    store.add_membership(7, town.id, Role.CLERK)
    clock.advance(minutes=1)
    store.add_membership(7, town.id, Role.ADMIN)
    clock.advance(minutes=1)
    store.add_membership(7, county.id, Role.SUPERVISOR)

    assert store.memberships(7) == [
        Membership(7, town.id, Role.ADMIN),
        Membership(7, county.id, Role.SUPERVISOR),
    ]
    assert store.members(town.id) == [Membership(7, town.id, Role.ADMIN)]


def test_membership_needs_a_known_person_and_organisation(store: Store, town: Organisation) -> None:
    with pytest.raises(NotFound) as unknown_person:
        store.add_membership(7, town.id, Role.CLERK)
    assert (unknown_person.value.kind, unknown_person.value.id) == ("person", 7)
    store.upsert_person(7, "李明")
    with pytest.raises(NotFound):
        store.add_membership(7, 999, Role.CLERK)
    assert store.memberships(7) == []


def test_role_in_reaches_down_from_a_supervised_office(
    store: Store, county: Organisation, town: Organisation
) -> None:
    village = store.add_organisation("大塘埠村民委员会", parent_id=town.id)
    other = store.add_organisation("安远县人民政府")
    for person, name in ((1, "县审核员"), (2, "县填报员"), (3, "镇填报员")):
        store.upsert_person(person, name)
    store.add_membership(1, county.id, Role.SUPERVISOR)
    store.add_membership(2, county.id, Role.CLERK)
    store.add_membership(3, town.id, Role.CLERK)

    assert store.role_in(1, county.id) == Role.SUPERVISOR
    assert store.role_in(1, town.id) == Role.SUPERVISOR
    assert store.role_in(1, village.id) == Role.SUPERVISOR
    assert store.role_in(1, other.id) is None
    assert store.role_in(2, town.id) is None  # a clerk of the county does not see the towns
    assert store.role_in(3, town.id) == Role.CLERK
    assert store.role_in(3, county.id) is None
    assert store.role_in(3, village.id) is None


def test_invite_codes_fit_a_telegram_deep_link_and_differ(store: Store, town: Organisation) -> None:
    codes = {store.create_invite(town.id).code for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", code)


def test_invite_is_redeemed_once(store: Store, town: Organisation, clock: Clock) -> None:
    invite = store.create_invite(town.id, Role.ADMIN, valid_for=timedelta(days=3))
    assert invite.expires_at == START + timedelta(days=3)
    assert invite.used_by is None
    store.upsert_person(7, "李明")
    store.upsert_person(8, "王芳")

    membership = store.redeem_invite(invite.code, 7)

    assert membership == Membership(7, town.id, Role.ADMIN)
    assert store.role_in(7, town.id) == Role.ADMIN
    stored = store.invite(invite.code)
    assert stored is not None and stored.used_by == 7
    # The same person following the link again is harmless; anybody else is refused.
    assert store.redeem_invite(invite.code, 7) == membership
    with pytest.raises(InviteError) as used:
        store.redeem_invite(invite.code, 8)
    assert used.value.reason == "used"
    assert store.memberships(8) == []


def test_expired_and_unknown_invites_are_refused(
    store: Store, town: Organisation, clock: Clock
) -> None:
    store.upsert_person(7, "李明")
    invite = store.create_invite(town.id, valid_for=timedelta(days=14))

    with pytest.raises(InviteError) as expired:
        store.redeem_invite(invite.code, 7, now=START + timedelta(days=14))
    assert expired.value.reason == "expired"
    with pytest.raises(InviteError) as unknown:
        store.redeem_invite("no-such-code", 7)
    assert unknown.value.reason == "unknown"
    assert store.memberships(7) == []

    clock.advance(days=13, hours=23)
    assert store.redeem_invite(invite.code, 7).role == Role.CLERK


def test_invite_for_an_unknown_organisation_or_person(store: Store, town: Organisation) -> None:
    with pytest.raises(NotFound):
        store.create_invite(999)
    invite = store.create_invite(town.id)
    with pytest.raises(NotFound):
        store.redeem_invite(invite.code, 7)
    stored = store.invite(invite.code)
    assert stored is not None and stored.used_by is None
