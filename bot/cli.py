"""The ``nianbao`` command line: a thin layer over the library packages.

Each sub-command lives in ``bot/commands/<name>.py`` and turns library errors into one clear line.
"""

from __future__ import annotations

import os

import click

from bot.commands.documents import COMMANDS as DOCUMENT_COMMANDS
from bot.commands.org import org


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nianbao: 政府信息公开工作年度报告填报助手."""


@main.command()
def start() -> None:
    """Run the bot when TELEGRAM_BOT_TOKEN is set, otherwise explain what is available."""
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        click.echo("nianbao: the Telegram bot is not built yet.")
    else:
        click.echo("nianbao: no TELEGRAM_BOT_TOKEN is set; the terminal console is not built yet.")


main.add_command(org)
for _command in DOCUMENT_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
