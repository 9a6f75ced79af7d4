"""``nianbao console``: the conversation in a terminal, without Telegram."""

from __future__ import annotations

import getpass
import io
import re
import sys
import zlib
from pathlib import Path

import click

from bot.commands.common import db_option, opened_store
from bot.wiring import make_engine
from dialogs.console import run_console
from dialogs.reminders import FILLING_ROLES
from storage import Role

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
    """Run the console as ``person``: the user id of a person in the database (a clerk,
    or a supervisor reviewing, who starts at /progress), or else a name (the OS user by
    default) joined to ``organisation`` as a clerk (creating it if needed). Two consoles of two
    people are two conversations."""
    name = person or default_person()
    with opened_store(db_path) as store:
        existing = int(name) if re.fullmatch(r"-?[0-9]{1,15}", name) else None
        if existing is not None:
            if store.person(existing) is None or not store.memberships(existing):
                raise click.ClickException(f"no person {existing} with a membership in {db_path}")
            fills = any(m.role in FILLING_ROLES for m in store.memberships(existing))
            run_console(
                make_engine(store),
                existing,
                typed_lines(),
                click.echo,
                out_dir,
                opening="fill" if fills else "progress",
            )
            return
        person_id = console_person_id(name)
        org = store.find_organisation(organisation)
        if org is None:
            org = store.add_organisation(organisation)
            click.echo(f"已创建单位：{org.name}（数据库：{db_path}）")
        store.upsert_person(person_id, name)
        if store.role_in(person_id, org.id) is None:
            store.add_membership(person_id, org.id, Role.CLERK)
        engine = make_engine(store)
        run_console(engine, person_id, typed_lines(), click.echo, out_dir)


def typed_lines() -> io.TextIOWrapper:
    """Standard input as UTF-8 lines; bytes that are not UTF-8 (a GBK terminal) become U+FFFD
    instead of ending the console."""
    return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")


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
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where generated documents are written.",
)
@click.option(
    "--person",
    default=None,
    help=(
        "Who is typing: a name (default: the OS user), joined to --org as a clerk; or the "
        "Telegram user id of a person in the database, e.g. a supervisor."
    ),
)
def console(db_path: Path, organisation: str, out_dir: Path, person: str | None) -> None:
    """Fill in a report in the terminal (the same dialogs as the bot)."""
    open_console(db_path, organisation, out_dir, person)
