"""Options shared by the sub-commands."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from storage import Store

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: os.environ.get("NIANBAO_DB", "nianbao.db"),
    show_default="$NIANBAO_DB or ./nianbao.db",
    help="The SQLite database file.",
)


@contextmanager
def opened_store(db_path: str | os.PathLike[str]) -> Iterator[Store]:
    """The store at ``db_path``; a storage error becomes one line on stderr and exit code 1."""
    from storage import StorageError, Store  # a command that needs no database does not load it

    try:
        with Store(os.path.expanduser(db_path)) as store:
            yield store
    except StorageError as error:
        fail(error.message)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)
