"""Options shared by the sub-commands."""

from __future__ import annotations

import os
from pathlib import Path

import click

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: os.environ.get("NIANBAO_DB", "nianbao.db"),
    show_default="$NIANBAO_DB or ./nianbao.db",
    help="The SQLite database file.",
)
