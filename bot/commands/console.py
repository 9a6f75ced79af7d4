"""``nianbao console``: the conversation in a terminal, without Telegram."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from bot.commands.common import db_option, opened_store
from bot.wiring import make_engine
from dialogs.console import run_console
from dialogs.reminders import FILLING_ROLES
from storage import Role

CONSOLE_PERSON_ID = -1
CONSOLE_PERSON_NAME = "本机用户"
DEFAULT_ORGANISATION = "示例县示例镇人民政府"


def open_console(
    db_path: Path, organisation: str, out_dir: Path, person_id: int | None = None
) -> None:
    """Join the local user to ``organisation`` (creating it if needed) and run the console;
    with ``person_id``, act as that person instead (a clerk, or a supervisor reviewing)."""
    with opened_store(db_path) as store:
        if person_id is not None:
            if store.person(person_id) is None or not store.memberships(person_id):
                raise click.ClickException(f"no person {person_id} with a membership in {db_path}")
            fills = any(m.role in FILLING_ROLES for m in store.memberships(person_id))
            run_console(
                make_engine(store),
                person_id,
                typed_lines(),
                click.echo,
                out_dir,
                opening="fill" if fills else "progress",
            )
            return
        org = store.find_organisation(organisation)
        if org is None:
            org = store.add_organisation(organisation)
            click.echo(f"已创建单位：{org.name}（数据库：{db_path}）")
        store.upsert_person(CONSOLE_PERSON_ID, CONSOLE_PERSON_NAME)
        if store.role_in(CONSOLE_PERSON_ID, org.id) is None:
            store.add_membership(CONSOLE_PERSON_ID, org.id, Role.CLERK)
        engine = make_engine(store)
        run_console(engine, CONSOLE_PERSON_ID, typed_lines(), click.echo, out_dir)


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
    "person_id",
    type=int,
    default=None,
    help="Act as this person (a Telegram user id in the database), e.g. a supervisor.",
)
def console(db_path: Path, organisation: str, out_dir: Path, person_id: int | None) -> None:
    """Fill in a report in the terminal (the same dialogs as the bot)."""
    open_console(db_path, organisation, out_dir, person_id)
