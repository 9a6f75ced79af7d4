"""``nianbao console``: the conversation in a terminal, without Telegram."""

from __future__ import annotations

import getpass
import sys
import zlib
from pathlib import Path

import click

from bot.commands.common import db_option
from bot.wiring import make_engine
from dialogs.console import run_console
from storage import Role, Store

DEFAULT_ORGANISATION = "示例县示例镇人民政府"


def console_person_id(name: str) -> int:
    """A stable person id for a console user, from their name: negative, so it never meets a
    Telegram user's id, and the same name is the same person on every run."""
    return -1 - zlib.crc32(name.encode("utf-8")) % 1_000_000_000


def default_person() -> str:
    """The OS user running the console (each terminal user is a person of their own)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console"


def open_console(
    db_path: Path, organisation: str, out_dir: Path, person: str | None = None
) -> None:
    """Join ``person`` (the OS user by default) to ``organisation`` (creating it if needed) and
    run the console as that person: two consoles of two people are two conversations."""
    name = person or default_person()
    person_id = console_person_id(name)
    with Store(db_path) as store:
        org = store.find_organisation(organisation)
        if org is None:
            org = store.add_organisation(organisation)
            click.echo(f"已创建单位：{org.name}（数据库：{db_path}）")
        store.upsert_person(person_id, name)
        if store.role_in(person_id, org.id) is None:
            store.add_membership(person_id, org.id, Role.CLERK)
        engine = make_engine(store)
        run_console(engine, person_id, sys.stdin, click.echo, out_dir)


@click.command()
@db_option
@click.option(
    "--org",
    "organisation",
    default=DEFAULT_ORGANISATION,
    show_default=True,
    help="The organisation to fill in for.",
)
@click.option(
    "--person",
    "person",
    default=None,
    help="Who is typing (default: the OS user); each person has their own conversation.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where generated documents are written.",
)
def console(db_path: Path, organisation: str, person: str | None, out_dir: Path) -> None:
    """Fill in a report in the terminal (the same dialogs as the bot)."""
    open_console(db_path, organisation, out_dir, person)
