"""The bot token never reaches stderr, whatever the Bot API answers at start-up.

A fake API (a plain HTTP server in a thread) echoes the request path, token included, in a 502
HTML page and in a 400; ``nianbao run`` is started as a real process against it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from bot.cli import main
from bot.settings import WEBHOOK_SECRET_PATTERN, Settings
from bot.webhook import hooks, webhook_secret
from storage import Store

TOKEN = "7000000002:AAHechoingProxyTestTokenNianbao0000"
SECRET_PART = TOKEN.partition(":")[2]


class _Echo(BaseHTTPRequestHandler):
    status = 502

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.status == 502:
            body = f"<html><body><h1>502 Bad Gateway</h1><p>{self.path}</p></body></html>"
            kind = "text/html"
        else:
            body = (
                '{"ok": false, "error_code": 400, "description": "Bad Request: no such path '
                + self.path
                + '"}'
            )
            kind = "application/json"
        data = body.encode()
        self.send_response(self.status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _echoing(status: int) -> Iterator[str]:
    """The base URL of a fake Bot API answering every request with ``status``, echoing its
    path (502: an HTML page; 400: a JSON error)."""
    handler = type("Echo", (_Echo,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/bot"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=[502, 400])
def echoing_api(request) -> Iterator[tuple[str, int]]:
    with _echoing(request.param) as api:
        yield api, request.param


def _run(
    api: str, tmp_path, *args: str, more: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api,
        "NIANBAO_DB": str(tmp_path / "bot.db"),
        **(more or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_failing_start_never_prints_the_token(echoing_api, tmp_path) -> None:
    api, status = echoing_api
    done = _run(api, tmp_path)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert TOKEN not in output and SECRET_PART not in output
    assert "Traceback" not in done.stderr.splitlines()[-1]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error:"), last
    # Polling mode sets no webhook: a 400 is not called a refused webhook.
    assert "webhook" not in last
    if status == 400:
        assert "<token>" in last or "refused a request" in last


def test_a_refused_webhook_is_named_so_without_the_token(tmp_path) -> None:
    with _echoing(400) as api:
        done = _run(api, tmp_path, "--webhook", "https://example.org/nianbao", "--port", "0")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert TOKEN not in output and SECRET_PART not in output


def test_several_tokens_fail_on_one_line_naming_none(tmp_path) -> None:
    """The second bot's token is as secret as the first's: a malformed one is named by its
    place, a failing start (by polling or behind a webhook) prints neither, nor a webhook
    secret."""
    with _echoing(502) as api:
        _several_tokens_fail(api, tmp_path)


def _several_tokens_fail(api: str, tmp_path) -> None:
    other = "7000000003:AAHsecondCityTokenNianbaoTests00000"
    malformed = _run(api, tmp_path, more={"TELEGRAM_BOT_TOKENS": f"{other},7000000004:short"})
    assert malformed.returncode != 0
    assert malformed.stderr.strip().splitlines()[-1] == (
        "Error: bot token 3 is malformed (expected digits, a colon and the secret part)"
    )
    webhook = _run(
        api,
        tmp_path,
        "--webhook",
        "https://example.org/nianbao",
        more={"TELEGRAM_BOT_TOKENS": other},
    )
    assert webhook.returncode != 0
    assert webhook.stderr.strip().splitlines()[-1].startswith("Error: ")
    both = _run(api, tmp_path, more={"TELEGRAM_BOT_TOKEN": other, "TELEGRAM_BOT_TOKENS": TOKEN})
    assert both.returncode != 0
    for done in (malformed, webhook, both):
        output = done.stdout + done.stderr
        for token in (TOKEN, other):
            assert token not in output and token.partition(":")[2] not in output
            assert webhook_secret(token) not in output
    assert both.stderr.strip().splitlines()[-1].startswith("Error:")


def test_an_unreachable_api_is_one_line_without_the_token(tmp_path) -> None:
    done = _run("http://127.0.0.1:9/bot", tmp_path)
    assert done.returncode != 0
    assert TOKEN not in done.stdout + done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error:") and "Telegram" in last


def test_the_webhook_secret_is_stable_and_reveals_nothing_of_the_token() -> None:
    assert webhook_secret(TOKEN) == webhook_secret(TOKEN)
    assert webhook_secret(TOKEN) != webhook_secret(TOKEN.replace("0", "1"))
    secret = webhook_secret(TOKEN)
    assert SECRET_PART not in secret and len(secret) == 64
    assert all(c in "0123456789abcdef" for c in secret)


def test_each_bot_behind_one_webhook_has_its_own_path_and_secret() -> None:
    url = "https://bot.example.gov.cn/nianbao/telegram?x=1"
    other = "7000000003:AAHsecondCityTokenNianbaoTests00000"
    # One bot: the URL as given, the configured secret or the token's.
    (alone,) = hooks(url, [(7000000002, TOKEN)])
    assert (alone.url, alone.secret) == (url, webhook_secret(TOKEN))
    assert hooks(url, [(7000000002, TOKEN)], "configured_secret")[0].secret == "configured_secret"
    # Several: each bot's id after the path (never the token), each its own secret.
    first, second = hooks(url, [(7000000002, TOKEN), (7000000003, other)])
    assert first.url == "https://bot.example.gov.cn/nianbao/telegram/7000000002?x=1"
    assert second.url == "https://bot.example.gov.cn/nianbao/telegram/7000000003?x=1"
    assert (first.secret, second.secret) == (webhook_secret(TOKEN), webhook_secret(other))
    assert hooks("https://bot.example.gov.cn/", [(1, TOKEN), (2, other)])[1].url == (
        "https://bot.example.gov.cn/2"
    )
    # A configured secret gives each bot its own, stable, derived from it.
    derived = [h.secret for h in hooks(url, [(7000000002, TOKEN), (7000000003, other)], "s3cret")]
    again = [h.secret for h in hooks(url, [(7000000002, TOKEN), (7000000003, other)], "s3cret")]
    assert derived == again and len(set(derived)) == 2 and "s3cret" not in derived
    assert all(len(s) == 64 and SECRET_PART not in s for s in derived)
    assert first.secret not in repr(first)  # never printed with the URL


#: Secrets ``setWebhook`` would refuse (the last because of its length alone), each with the
#: one line ``nianbao run`` stops with before it calls Telegram.
_CHARACTERS = "may only contain A-Z, a-z, 0-9, _ and - (Telegram's rule for a webhook secret)"
BAD_SECRETS = [
    ("s3cret with spaces", _CHARACTERS),
    ("年报webhook密钥", _CHARACTERS),
    ("nianbao:secret/2026", _CHARACTERS),
    ("K" * 257, "is 257 characters long; Telegram allows at most 256"),
]


@pytest.mark.parametrize(("secret", "why"), BAD_SECRETS)
def test_a_webhook_secret_telegram_would_refuse_stops_the_start_on_one_line(
    tmp_path, secret, why
) -> None:
    # The API would echo whatever it is sent: nothing may reach it, nor the secret stderr.
    with _echoing(502) as api:
        done = _run(
            api,
            tmp_path,
            "--webhook",
            "https://example.org/nianbao",
            "--port",
            "0",
            more={"NIANBAO_WEBHOOK_SECRET": secret},
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Error: NIANBAO_WEBHOOK_SECRET {why}"]
    output = done.stdout + done.stderr
    assert secret not in output and secret[:8] not in output
    assert not (tmp_path / "bot.db").exists()  # stopped before anything was opened


def test_the_webhook_secret_setting_holds_to_telegrams_rule() -> None:
    longest = "a-Z_9" * 51 + "x"
    assert len(longest) == 256
    assert Settings(NIANBAO_WEBHOOK_SECRET=longest).webhook_secret.get_secret_value() == longest
    # Set but empty, as in a .env template: unset, each bot's secret derived from its token.
    assert Settings(NIANBAO_WEBHOOK_SECRET="").webhook_secret is None
    for secret, why in BAD_SECRETS:
        with pytest.raises(ValidationError) as raised:
            Settings(NIANBAO_WEBHOOK_SECRET=secret)
        assert why in str(raised.value)
        # pydantic names the input in its errors unless told not to.
        assert secret not in str(raised.value) and secret[:8] not in str(raised.value)
    # Each bot's own secret, derived from the longest one and its id, is one Telegram takes.
    url = "https://example.org/nianbao"
    bots = [(7000000002, TOKEN), (7000000003, "7000000003:AAHsecondCityTokenNianbaoTests00000")]
    (alone,) = hooks(url, bots[:1], longest)
    assert alone.secret == longest
    for hook in hooks(url, bots, longest):
        assert WEBHOOK_SECRET_PATTERN.match(hook.secret) and longest not in hook.secret


def test_a_command_reading_only_the_time_zone_names_a_bad_setting_on_the_same_line(
    tmp_path,
) -> None:
    """``nianbao review status`` reads the settings for NIANBAO_TZ: an invalid one is the same
    line as at ``nianbao run``, not pydantic's report."""
    db = tmp_path / "review.db"
    with Store(db) as store:
        town = store.add_organisation("信丰县大塘埠镇人民政府")
        store.report(town.id, 2025)
    secret, why = BAD_SECRETS[0]
    for env, line in (
        ({"NIANBAO_WEBHOOK_SECRET": secret}, f"NIANBAO_WEBHOOK_SECRET {why}"),
        ({"NIANBAO_TZ": "Asia/Beijing"}, "NIANBAO_TZ: unknown time zone 'Asia/Beijing'"),
    ):
        done = CliRunner().invoke(
            main, ["review", "status", "大塘埠镇", "--year", "2025", "--db", str(db)], env=env
        )
        assert done.exit_code == 1
        assert done.output.splitlines() == [line]
        assert secret not in done.output
