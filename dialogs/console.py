"""The same conversation in a terminal, for trying the product without Telegram.

Type answers as in the chat; ``/fill``, ``/review``, ``/export``, ``/cancel`` work as commands;
press a button by typing ``#`` and its number; ``/file PATH`` sends a file (a .docx report, or a ledger). Documents the bot
would send are written to the output folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import unescape
from pathlib import Path

from dialogs import buttons as buttons_grammar
from dialogs.buttons import Answer
from dialogs.engine import Engine
from dialogs.model import Button, ButtonPress, Command, Event, FileInput, OutMessage, TextInput
from report.cleaning import clean_text, safe_filename

CONSOLE_HELP = "（按钮：输入 #编号；命令：/fill /review /export /last /ledger /deadline /progress /summary /cancel /help；发送文件：/file 路径；退出：/quit）"
#: One byte more than the largest file the reader accepts (20 MB), so it can say "too large".
MAX_FILE_READ = 20 * 1024 * 1024 + 1
CONSOLE_TO = "（以下消息发给用户 {person}）"
STILL_USABLE = "（当前问题的按钮仍可使用）"
ALREADY_OPENED = "（启动时已执行 /{command}，见上文。）"
_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")


def plain(text: str) -> str:
    """Message text without the HTML markup, as a terminal shows it."""
    return unescape(_TAG.sub("", text))


def render(message: OutMessage, numbered: list[Button]) -> str:
    """A message as terminal text; its buttons are numbered on from ``numbered``. A message
    for somebody else (a supervisor told of a hand-in) says who it goes to."""
    lines = [plain(message.text)]
    if message.to is not None:
        lines.insert(0, CONSOLE_TO.format(person=message.to))
    for row in message.buttons:
        cells = []
        for button in row:
            numbered.append(button)
            cells.append(f"[#{len(numbered)} {button.label}]")
        lines.append(" ".join(cells))
    return "\n".join(lines)


def question_seq(messages: list[OutMessage]) -> int | None:
    """The seq of the question among ``messages`` (its answer buttons carry it), if any."""
    for message in reversed(messages):
        if not message.question:
            continue
        for button in (b for row in message.buttons for b in row):
            action = buttons_grammar.decode(button.data)
            if isinstance(action, Answer):
                return action.seq
    return None


def to_event(line: str, buttons: list[Button], seq: int | None = None) -> Event | None:
    """Turn a typed line into an event (None for a line that means nothing). A typed answer
    carries ``seq``, the question it answers, as a chat reply belongs to its question."""
    line = clean_text(line).strip()
    if re.fullmatch(r"#\d+", line):
        number = int(line[1:])
        return ButtonPress(data=buttons[number - 1].data) if 0 < number <= len(buttons) else None
    if line.startswith("/file "):
        path = Path(line[6:].strip())
        try:
            with path.open("rb") as file:
                # Never more than the reader takes: a bigger file is refused as too large.
                return FileInput(name=path.name, data=file.read(MAX_FILE_READ))
        except (OSError, ValueError):  # no such file, or a name no system accepts
            return None
    if line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        return Command(name=name, args=args)
    return TextInput(text=line, seq=seq)


def run_console(
    engine: Engine,
    person_id: int,
    lines: Iterable[str],
    write: Callable[[str], None],
    out_dir: Path,
    opening: str = "fill",
) -> None:
    """Drive the engine from ``lines`` until they end or /quit, writing replies with ``write``;
    the first command is ``opening`` (a supervisor starts with /progress)."""
    buttons: list[Button] = []
    #: The question being asked: its buttons stay usable after any reply, as in the chat.
    current: list[OutMessage] = []

    def show(messages: list[OutMessage]) -> None:
        buttons.clear()
        asked = [m for m in messages if m.question]
        if asked:
            current[:] = asked[-1:]
        for message in messages:
            write(render(message, buttons))
            if message.document is not None:
                out_dir.mkdir(parents=True, exist_ok=True)
                target = out_dir / safe_filename(message.document.filename)
                partial = target.with_name(f".{target.name}.part")
                partial.write_bytes(message.document.data)
                partial.replace(target)  # whole or not at all
                write(f"（文件已保存：{target}）")
            write("")
        if not asked and current and current[0].buttons:
            still = OutMessage(text=STILL_USABLE, buttons=current[0].buttons)
            write(render(still, buttons))
            write("")

    write(CONSOLE_HELP)
    show(engine.handle(person_id, Command(name=opening)))
    # The console typed the opening command for the person; theirs, typed first, would only
    # show the same opening again.
    just_opened = True
    for line in lines:
        if line.strip() in ("/quit", "/exit"):
            break
        event = to_event(line, buttons, question_seq(current))
        if event is None:
            write("没有这个按钮或文件。" + CONSOLE_HELP)
            continue
        if just_opened and event == Command(name=opening):
            write(ALREADY_OPENED.format(command=opening))
            write("")
            continue
        just_opened = False
        show(engine.handle(person_id, event))
