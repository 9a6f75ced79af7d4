"""The real bot as a separate process against the Bot API test server, and people who talk to it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from dialogs.console import plain
from tests.botapi.client import BotApiClient, ChatMessage, Snapshot

REPO = Path(__file__).resolve().parents[1]
QUIET_SECONDS = 0.15


WEBHOOK_HOST = "nianbao.example.gov.cn"
WEBHOOK_URL = f"https://{WEBHOOK_HOST}/nianbao/telegram"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """``python -m bot.cli run`` with the environment pointing it at the test server.

    With ``webhook=True`` it runs behind a webhook on a local port; the test server plays both
    Telegram and the reverse proxy that forwards ``WEBHOOK_URL`` to that port.
    """

    def __init__(
        self,
        server,  # type: ignore[no-untyped-def]
        db_path: Path,
        log_path: Path,
        admin_ids: tuple[int, ...] = (),
        *,
        webhook: bool = False,
    ) -> None:
        self.server = server
        self.webhook_port = free_port() if webhook else None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NIANBAO_"))},
            "TELEGRAM_BOT_TOKEN": server.token,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "NIANBAO_DB": str(db_path),
            "NIANBAO_ADMIN_IDS": ",".join(map(str, admin_ids)),
            "NIANBAO_BOT_USERNAME": "nianbao_test_bot",
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 20.0) -> BotProcess:
        client: BotApiClient = self.server.client
        command = [sys.executable, "-m", "bot.cli", "run"]
        ready_when = "getupdates"
        if self.webhook_port is not None:
            client.route_webhook(WEBHOOK_HOST, f"http://127.0.0.1:{self.webhook_port}")
            command += ["--webhook", WEBHOOK_URL, "--port", str(self.webhook_port)]
            ready_when = "setwebhook"
        calls_before = len([c for c in client.calls() if c.method.lower() == ready_when])
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=log)
        self.starts += 1
        # Ready once it polls (or has set its webhook, after it listens): commands are
        # registered first (post_init), then updates are taken.
        client.wait_until(
            lambda s: (
                len([c for c in s.calls if c.method.lower() == ready_when]) > calls_before or None
            ),
            timeout,
            what=f"the bot to start ({ready_when})",
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Person:
    """Somebody in a private chat with the bot, acting through the test server."""

    client: BotApiClient
    user_id: int
    name: str
    transcript: list[str] = field(default_factory=list)
    seen: int = 0

    def __post_init__(self) -> None:
        self.client.add_user(self.user_id, self.name)

    # --- acting -----------------------------------------------------------------------------

    def says(self, text: str) -> list[ChatMessage]:
        self.transcript.append(f"**{self.name}:** {text}")
        self.client.send_text(self.user_id, text)
        return self.settle()

    def command(self, command: str, args: str = "") -> list[ChatMessage]:
        self.transcript.append(f"**{self.name}:** /{command} {args}".rstrip())
        self.client.send_command(self.user_id, command, args)
        return self.settle()

    def start(self, payload: str | None = None) -> list[ChatMessage]:
        self.transcript.append(f"**{self.name}:** /start" + (f" {payload}" if payload else ""))
        self.client.send_start(self.user_id, payload)
        return self.settle()

    def taps(self, label: str) -> list[ChatMessage]:
        message = self.message_with_button(label)
        button = next(b for b in message.buttons if b.text == label or b.text.startswith(label))
        self.transcript.append(f"**{self.name}:** [{button.text}]")
        self.client.press_button(self.user_id, message.message_id, button.callback_data)
        return self.settle()

    def forges(self, message_id: int, data: str) -> list[ChatMessage]:
        self.client.press_button(self.user_id, message_id, data, forge=True)
        return self.settle(expect_new=False)

    def sends_file(self, name: str, content: bytes) -> list[ChatMessage]:
        self.transcript.append(f"**{self.name}:** 📎 {name}")
        self.client.send_document(self.user_id, content, name)
        return self.settle()

    # --- reading ----------------------------------------------------------------------------

    def bot_messages(self) -> list[ChatMessage]:
        return self.client.bot_messages(self.user_id)

    def message_with_button(self, label: str) -> ChatMessage:
        for message in reversed(self.bot_messages()):
            if any(b.text == label or b.text.startswith(label) for b in message.buttons):
                return message
        raise AssertionError(
            f"no message with a button {label!r}:\n" + self.text(self.bot_messages()[-6:])
        )

    def question(self) -> ChatMessage:
        """The last message that still shows buttons."""
        return next(m for m in reversed(self.bot_messages()) if m.buttons)

    @staticmethod
    def text(messages: list[ChatMessage]) -> str:
        return "\n".join(plain(m.text or m.caption or "") for m in messages)

    def settle(self, timeout: float = 10.0, expect_new: bool = True) -> list[ChatMessage]:
        """Wait until the bot has answered and gone quiet; return the new messages."""
        deadline = time.monotonic() + timeout
        if expect_new:
            self.client.wait_until(
                lambda s: len(s.bot_messages(self.user_id)) > self.seen or None,
                timeout,
                what=f"a reply to {self.name}",
            )
        last = _fingerprint(self.client.snapshot(with_content=False), self.user_id)
        while time.monotonic() < deadline:
            time.sleep(QUIET_SECONDS)
            snapshot = self.client.snapshot(with_content=False)
            now = _fingerprint(snapshot, self.user_id)
            # Quiet is not enough: the bot paces a chat's messages (about one a second once a
            # burst is spent), so after a burst a pause of up to a second is not the end.
            if now == last and not snapshot.pending_updates and not _paced(snapshot, self.user_id):
                break
            last = now
        messages = self.bot_messages()
        new = messages[self.seen :]
        self.seen = len(messages)
        for message in new:
            lines = plain(message.text or message.caption or "").split("\n")
            if message.buttons:
                lines.append(" · ".join(f"[{b.text}]" for b in message.buttons))
            if message.document:
                lines.append(f"📎 {message.document.file_name}")
            self.transcript.append("\n".join(f"> {line}" for line in lines))
        return new


#: Messages to one chat within PACE_WINDOW seconds after which the bot may be pacing it.
PACE_BURST = 8
PACE_WINDOW = 12.0
#: A pause after the last message that ends a paced stretch (the bot sends one a second).
PACE_QUIET = 1.3


def _paced(snapshot: Snapshot, chat_id: int) -> bool:
    """Whether the bot may still be pacing messages to ``chat_id``: it sent a burst lately and
    less than PACE_QUIET seconds have passed since its last message there."""
    sent = [
        c.at
        for c in snapshot.calls
        if c.method in ("sendMessage", "sendDocument")
        and str(c.params.get("chat_id")) == str(chat_id)
    ]
    now = time.time()
    recent = [at for at in sent if at > now - PACE_WINDOW]
    return len(recent) >= PACE_BURST and now - recent[-1] < PACE_QUIET


def _fingerprint(snapshot: Snapshot, chat_id: int) -> tuple[int, int, int]:
    messages = snapshot.bot_messages(chat_id)
    return (len(messages), sum(len(m.history) for m in messages), len(snapshot.calls))


def invite_code(text: str) -> str:
    """The start parameter of the invite link in a bot message."""
    match = re.search(r"start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)
