"""The ``nianbao`` command line: a thin layer over the library packages.

Each sub-command lives in ``bot/commands/<name>.py`` and turns library errors into one clear line.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
from contextlib import suppress
from pathlib import Path

import click

# No pydantic plugin is used: spare every command the scan of all installed packages' metadata
# for one (pydantic's documented switch), a noticeable part of a one-shot command's start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

#: Each sub-command and where it lives: a command's module (and what it imports: the bot,
#: the document reader, the database) is loaded only when that command runs.
LAZY_COMMANDS = {
    "org": "bot.commands.org:org",
    "console": "bot.commands.console:console",
    "run": "bot.commands.run:run",
    "check": "bot.commands.documents:check_command",
    "import": "bot.commands.documents:import_command",
    "export": "bot.commands.documents:export_command",
    "ledger": "bot.commands.ledger:ledger_command",
    "review": "bot.commands.review:review",
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, _, name = LAZY_COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nianbao: 政府信息公开工作年度报告填报助手."""


@main.command()
def start() -> None:
    """Run the bot when TELEGRAM_BOT_TOKEN(S) is set, otherwise the same dialogs in this
    terminal."""
    if os.environ.get("TELEGRAM_BOT_TOKEN") or os.environ.get("TELEGRAM_BOT_TOKENS"):
        from bot.commands.run import load_settings, run_bot

        run_bot(load_settings())
        return
    click.echo("未设置 TELEGRAM_BOT_TOKEN，现在启动终端版（与 Telegram 机器人的对话完全相同）。")
    click.echo("No TELEGRAM_BOT_TOKEN is set: starting the terminal console instead of the bot.")
    from bot.commands.console import open_console

    open_console(
        Path(os.environ.get("NIANBAO_DB", "nianbao.db")),
        os.environ.get("NIANBAO_ORG", "示例县示例镇人民政府"),
        Path("out"),
    )


#: Commands that only read files and print. Once such a command is done, its process ends
#: without the interpreter's teardown (freeing every module and object it loaded: 60-80 ms,
#: an eighth of a ``nianbao check`` of one report, paid again for each file a county office's
#: script checks); exit handlers still run and the output is flushed first.
QUICK_EXIT_COMMANDS = frozenset({"check"})


def entry() -> None:
    """``nianbao`` (the console script) and ``python -m bot.cli``."""
    quick = sys.argv[1:2] != [] and sys.argv[1] in QUICK_EXIT_COMMANDS
    if quick:
        # The cyclic collector's passes over the modules being imported (a twentieth of a
        # check's CPU) free next to nothing; what the command keeps is each file's result
        # (freed by reference counting), the reading being done in a child per file.
        gc.disable()
    try:
        main()
    except SystemExit as done:
        if quick:
            _exit_now(done.code)
        raise


def _exit_now(code: object) -> None:
    """End the process with ``code`` (as ``SystemExit`` would), skipping the teardown."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    # What teardown would have done that anyone can see: the exit handlers (logging's flush,
    # the fork server's stop) and the buffered output.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):  # a reader that went away (``| head``) changes nothing
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    entry()
