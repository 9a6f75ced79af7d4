"""``nianbao org``: register organisations and invite the people who report for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta, timezone
from pathlib import Path

import click

from bot.commands.common import db_option, fail, opened_store
from storage import Organisation, Role

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
ADDED = "已添加单位：{name}（简称：{short}，编号：{id}）"
ADDED_UNDER = "上级单位：{parent}"
ROLE_LABELS = {"clerk": "填报人员", "admin": "单位管理员", "supervisor": "上级审核人员"}
NO_ORGANISATIONS = "尚未添加任何单位。可使用“nianbao org add 单位全称”添加。"
LISTED = "{indent}{id}  {name}（{short}）"
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
    if not organisations:
        click.echo(NO_ORGANISATIONS)
        return
    for depth, item in tree(organisations):
        click.echo(
            LISTED.format(indent="  " * depth, id=item.id, name=item.name, short=item.short_name)
        )


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
    values = {
        "org": target.name,
        "role": ROLE_LABELS[created.role.value],
        "code": created.code,
        "link": invite_link(bot_username, created.code),
        "expires": created.expires_at.astimezone(BEIJING).strftime(TIME_FORMAT),
    }
    for line in INVITE_LINES:
        click.echo(line.format(**values))


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
