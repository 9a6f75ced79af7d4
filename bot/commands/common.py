"""Options shared by the sub-commands."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from storage import Store

#: What the operator reads when the database file cannot be written (nothing was saved).
DATABASE_FAULTS = {
    "busy": "数据库文件“{path}”正被其他程序（如正在运行的机器人）占用，本次操作未执行，请稍后再试。",
    "full": "磁盘空间已满，无法写入数据库文件“{path}”，本次操作未保存。请清理磁盘空间后重试。",
    "readonly": "数据库文件“{path}”是只读的（或所在目录不可写），本次操作未保存。请检查文件权限后重试。",
    "io": "读写数据库文件“{path}”时出错，本次操作未保存。请检查磁盘后重试。",
}

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: os.environ.get("NIANBAO_DB", "nianbao.db"),
    show_default="$NIANBAO_DB or ./nianbao.db",
    help="The SQLite database file.",
)


def configured_zone() -> tzinfo:
    """The zone dates are shown in (``NIANBAO_TZ``, as the bot reads it)."""
    from pydantic import ValidationError

    from bot.settings import Settings, settings_problem

    try:
        return Settings().zone
    except ValidationError as error:
        fail(settings_problem(error))


@contextmanager
def opened_store(db_path: str | os.PathLike[str]) -> Iterator[Store]:
    """The store at ``db_path``; a storage error becomes one line on stderr and exit code 1."""
    # A command that needs no database does not load it.
    from dialogs.errors import describe
    from storage import DatabaseFault, StorageError, Store

    try:
        with Store(os.path.expanduser(db_path)) as store:
            yield store
    except DatabaseFault as fault:
        fail(DATABASE_FAULTS[fault.kind].format(path=db_path))
    except StorageError as error:
        fail(describe(error))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a killed process or a full disk leaves the old file
    (or none), never half a document."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)
