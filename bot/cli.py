"""The ``nianbao`` command line: a thin layer over the library packages.

Each sub-command lives in ``bot/commands/<name>.py`` and turns library errors into one clear line.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from bot.commands.console import console, open_console
from bot.commands.documents import COMMANDS as DOCUMENT_COMMANDS
from bot.commands.ledger import COMMANDS as LEDGER_COMMANDS
from bot.commands.org import org
from bot.commands.review import review
from bot.commands.run import load_settings, run, run_bot


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nianbao: 政府信息公开工作年度报告填报助手."""


@main.command()
def start() -> None:
    """Run the bot when TELEGRAM_BOT_TOKEN is set, otherwise the same dialogs in this terminal."""
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        run_bot(load_settings())
        return
    click.echo("未设置 TELEGRAM_BOT_TOKEN，现在启动终端版（与 Telegram 机器人的对话完全相同）。")
    click.echo("No TELEGRAM_BOT_TOKEN is set: starting the terminal console instead of the bot.")
    open_console(
        Path(os.environ.get("NIANBAO_DB", "nianbao.db")),
        os.environ.get("NIANBAO_ORG", "示例县示例镇人民政府"),
        Path("out"),
    )


for command in (org, review, console, run, *DOCUMENT_COMMANDS, *LEDGER_COMMANDS):
    main.add_command(command)


if __name__ == "__main__":
    main()
