"""The README says what the code does: its opening commands, chat commands and settings."""

import re
from pathlib import Path

from bot.settings import Settings
from dialogs import texts

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
MAKEFILE = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_the_makefile_has_them():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split()[0:2] for line in first_block.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
    assert re.search(r"^run: ", MAKEFILE, re.M) and re.search(r"^test: ", MAKEFILE, re.M)


def test_every_registered_chat_command_is_documented():
    for name, _ in texts.COMMANDS:
        assert f"`/{name}" in README, name


def test_every_setting_is_documented():
    for field in Settings.model_fields.values():
        assert f"`{field.validation_alias}`" in README, field.validation_alias
