"""``nianbao org``: register organisations and invite the people who report for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta, timezone
from pathlib import Path

import click

from bot.commands.common import db_option, fail, opened_store
from storage import Organisation, Role, Store

DEFAULT_BOT = "nianbao_bot"
BEIJING = timezone(timedelta(hours=8))

# What the command prints (the operator reads Chinese).
HELP_GROUP = "管理填报单位：添加单位、列出单位、生成邀请码。"
HELP_ADD = "添加单位。NAME 为单位全称。"
HELP_LIST = "列出已添加的单位（下级单位缩进显示在上级单位之下）。"
HELP_INVITE = "为单位生成一次性邀请码和邀请链接。NAME 为单位全称或简称。"
HELP_SHORT = "单位简称（默认由全称自动缩写）。"
HELP_PARENT = "上级单位的全称或简称。"
HELP_ROLE = "被邀请人的身份：clerk 填报人员，admin 单位管理员，supervisor 上级审核人员。"
HELP_BOT = "机器人用户名（默认取环境变量 NIANBAO_BOT_USERNAME，否则为 nianbao_bot）。"
HELP_DAYS = "邀请码有效天数。"
HELP_ASSIGN = (
    "指定由哪个机器人受理本单位（一个进程运行多个机器人时）。NAME 为单位全称或简称，"
    "BOT 为机器人用户名或编号（须已随 nianbao run 启动过）。"
)
ASSIGNED = "已指定：{org}由 @{bot} 受理。本单位人员须在 @{bot} 中发送 /start 后才能收到提醒和通知。"
BOT_NOT_FOUND = "未找到机器人“{bot}”。机器人须先随 nianbao run 启动过一次。已知的机器人：{known}"
NO_BOTS = "（无）"
ADDED = "已添加单位：{name}（简称：{short}，编号：{id}）"
ADDED_UNDER = "上级单位：{parent}"
ROLE_LABELS = {"clerk": "填报人员", "admin": "单位管理员", "supervisor": "上级审核人员"}
NO_ORGANISATIONS = "尚未添加任何单位。可使用“nianbao org add 单位全称”添加。"
LISTED = "{indent}{id}  {name}（{short}）"
LISTED_BOT = "  @{bot}"
NOT_FOUND = "未找到单位“{name}”。可使用“nianbao org list”查看已添加的单位。"
PARENT_NOT_FOUND = (
    "未找到上级单位“{name}”。请先添加上级单位，或使用“nianbao org list”查看已添加的单位。"
)
INVITE_LINES = (
    "单位：{org}",
    "身份：{role}",
    "邀请码：{code}",
    "邀请链接：{link}",
    "有效期至：{expires}（北京时间），仅可使用一次。",
)
TIME_FORMAT = "%Y-%m-%d %H:%M"


@click.group(help=HELP_GROUP)
def org() -> None:
    pass


@org.command("add", help=HELP_ADD)
@click.argument("name")
@click.option("--short", "short_name", help=HELP_SHORT)
@click.option("--parent", help=HELP_PARENT)
@db_option
def add(name: str, short_name: str | None, parent: str | None, db_path: Path) -> None:
    with opened_store(db_path) as store:
        parent_org = None
        if parent is not None:
            parent_org = store.find_organisation(parent)
            if parent_org is None:
                fail(PARENT_NOT_FOUND.format(name=parent))
        created = store.add_organisation(
            name, short_name=short_name, parent_id=parent_org.id if parent_org else None
        )
    click.echo(ADDED.format(name=created.name, short=created.short_name, id=created.id))
    if parent_org is not None:
        click.echo(ADDED_UNDER.format(parent=parent_org.name))


@org.command("list", help=HELP_LIST)
@db_option
def list_(db_path: Path) -> None:
    with opened_store(db_path) as store:
        organisations = store.organisations()
        # With several bots, each office's: offices none serves yet are the first bot's.
        bots = store.bots()
        names = {b.id: b.username or str(b.id) for b in bots}
        serving = (
            {o.id: store.office_bot(o.id) or bots[0].id for o in organisations} if bots else {}
        )
    if not organisations:
        click.echo(NO_ORGANISATIONS)
        return
    for depth, item in tree(organisations):
        line = LISTED.format(indent="  " * depth, id=item.id, name=item.name, short=item.short_name)
        if len(bots) > 1:
            line += LISTED_BOT.format(bot=names.get(serving[item.id], serving[item.id]))
        click.echo(line)


@org.command("invite", help=HELP_INVITE)
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.CLERK.value,
    show_default=True,
    help=HELP_ROLE,
)
@click.option(
    "--bot", "bot_username", envvar="NIANBAO_BOT_USERNAME", default=DEFAULT_BOT, help=HELP_BOT
)
@click.option("--days", type=click.IntRange(1, 365), default=14, show_default=True, help=HELP_DAYS)
@db_option
def invite(name: str, role: str, bot_username: str, days: int, db_path: Path) -> None:
    with opened_store(db_path) as store:
        target = store.find_organisation(name)
        if target is None:
            fail(NOT_FOUND.format(name=name))
        created = store.create_invite(target.id, Role(role), valid_for=timedelta(days=days))
        bot_username = serving_username(store, target.id, bot_username)
    values = {
        "org": target.name,
        "role": ROLE_LABELS[created.role.value],
        "code": created.code,
        "link": invite_link(bot_username, created.code),
        "expires": created.expires_at.astimezone(BEIJING).strftime(TIME_FORMAT),
    }
    for line in INVITE_LINES:
        click.echo(line.format(**values))


@org.command("bot", help=HELP_ASSIGN)
@click.argument("name")
@click.argument("bot")
@db_option
def assign_bot(name: str, bot: str, db_path: Path) -> None:
    with opened_store(db_path) as store:
        target = store.find_organisation(name)
        if target is None:
            fail(NOT_FOUND.format(name=name))
        found = store.find_bot(bot)
        if found is None:
            known = "、".join(f"@{b.username}" if b.username else str(b.id) for b in store.bots())
            fail(BOT_NOT_FOUND.format(bot=bot, known=known or NO_BOTS))
        store.assign_bot(target.id, found.id)
    click.echo(ASSIGNED.format(org=target.name, bot=found.username or found.id))


def serving_username(store: Store, org_id: int, given: str) -> str:
    """The username for the office's invite link: the bot serving it (which ``given`` becomes
    if it names a known bot and none serves the office yet; else the first bot), or ``given``
    when the database knows no bots (none has run yet)."""
    bots = store.bots()
    if not bots:
        return given
    served = store.office_bot(org_id)
    if served is None:
        named = store.find_bot(given)
        served = store.claim_office(org_id, named.id) if named is not None else bots[0].id
    record = next((b for b in bots if b.id == served), None)
    return record.username if record is not None and record.username else given


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with the invite code as its start parameter."""
    return f"https://t.me/{bot_username.strip().lstrip('@')}?start={code}"


def tree(organisations: list[Organisation]) -> Iterator[tuple[int, Organisation]]:
    """Organisations depth-first, each with its depth under its top-level office."""
    ids = {o.id for o in organisations}
    below: dict[int | None, list[Organisation]] = {}
    for item in organisations:
        parent = item.parent_id if item.parent_id in ids else None
        below.setdefault(parent, []).append(item)

    def walk(parent: int | None, depth: int) -> Iterator[tuple[int, Organisation]]:
        for item in below.get(parent, []):
            yield depth, item
            yield from walk(item.id, depth + 1)

    return walk(None, 0)
