"""The event-loop watchdog reports a loop kept busy, and the worst lag when it stops."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest
from pydantic import ValidationError

from bot import watchdog
from bot.app import build_application
from bot.lifecycle import _stall_ms
from bot.settings import Settings
from bot.watchdog import watching_the_loop
from storage import Store


def test_a_blocked_loop_is_logged(caplog):
    async def main() -> None:
        async with watching_the_loop():
            await asyncio.sleep(0.06)  # the watchdog is waiting now
            time.sleep(0.3)  # something slow run on the loop
            await asyncio.sleep(0.06)

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("event loop blocked for") for m in messages)
    (worst,) = [m for m in messages if m.startswith("event loop: worst lag")]
    assert int(worst.split()[-2]) >= 200


def _hash_a_lot_on_the_loop() -> None:
    """Something slow run on the loop, named so the stall report can be checked."""
    deadline = time.perf_counter() + 0.4
    while time.perf_counter() < deadline:
        sum(range(1000))


def test_the_stall_locator_names_the_blocking_function(caplog):
    async def slow_handler() -> None:
        await asyncio.sleep(0.06)
        _hash_a_lot_on_the_loop()
        await asyncio.sleep(0.15)  # the loop is back; the locator reports

    async def main() -> None:
        async with watching_the_loop(stall_ms=50):
            await slow_handler()

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    (report,) = [r.getMessage() for r in caplog.records if "event loop stalled" in r.getMessage()]
    assert "_hash_a_lot_on_the_loop" in report
    assert "slow_handler" in report  # the coroutine it was called from, outer in the stack
    assert "tests/test_watchdog.py" in report
    assert "selector's wait" not in report
    stalled = int(report.split("stalled ")[1].split(" ms")[0])
    assert 300 <= stalled < 2000
    # It used the CPU itself (the loop thread's share on a loaded machine may be less).
    assert _loop_cpu_ms(report) >= 50


def test_a_stall_just_before_the_stop_is_reported(caplog):
    """The loop came back from a stall and the watching ended at once (a bot's last moments,
    where a stop blocked the loop): the stall still has its report."""

    async def main() -> None:
        async with watching_the_loop(stall_ms=50):
            await asyncio.sleep(0.06)
            _hash_a_lot_on_the_loop()
            await asyncio.sleep(0.002)  # the watchdog's task runs: the loop is back

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    (report,) = [r.getMessage() for r in caplog.records if "event loop stalled" in r.getMessage()]
    assert "_hash_a_lot_on_the_loop" in report


def _loop_cpu_ms(report: str) -> int:
    return int(report.split("loop thread used ")[1].split(" ms")[0])


def test_one_report_per_stall_and_none_when_idle(caplog):
    async def main() -> None:
        async with watching_the_loop(stall_ms=50):
            await asyncio.sleep(0.3)  # idle: nothing reported
            for _ in range(2):
                time.sleep(0.2)  # blocked in a system call: few CPU seconds, stack still ours
                await asyncio.sleep(0.15)

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    reports = [r.getMessage() for r in caplog.records if "event loop stalled" in r.getMessage()]
    assert len(reports) == 2
    for report in reports:
        assert report.rstrip().endswith("in main")  # the innermost Python frame: sleep is C
        assert _loop_cpu_ms(report) < 50  # asleep in a system call, not computing
        assert "(mostly waiting: the disk, a lock or a system call)" in report


def test_the_locator_can_be_turned_off(caplog):
    async def main() -> None:
        async with watching_the_loop(stall_ms=0):
            await asyncio.sleep(0.06)
            time.sleep(0.2)
            await asyncio.sleep(0.1)

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    messages = [r.getMessage() for r in caplog.records]
    assert not any("event loop stalled" in m for m in messages)
    assert any(m.startswith("event loop blocked for") for m in messages)
    assert "stall-locator" not in {t.name for t in threading.enumerate()}


def test_stall_reports_are_rate_limited(caplog, monkeypatch):
    monkeypatch.setattr(watchdog, "REPORTS_PER_MINUTE", 2)

    async def main() -> None:
        async with watching_the_loop(stall_ms=50):
            for _ in range(4):
                await asyncio.sleep(0.06)
                time.sleep(0.15)
            await asyncio.sleep(0.06)
            time.sleep(0.5)  # longer than every stall before: reported all the same
            await asyncio.sleep(0.15)

    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        asyncio.run(main())
    messages = [r.getMessage() for r in caplog.records]
    reports = [m for m in messages if "event loop stalled" in m]
    assert len(reports) == 3
    assert "stall(s) not reported" in reports[-1]
    assert int(reports[-1].split("stalled ")[1].split(" ms")[0]) >= 450
    # Every stall is counted in the summary at the end, reported or not.
    (summary,) = [m for m in messages if m.startswith("event loop stalls over 50 ms:")]
    assert summary.startswith("event loop stalls over 50 ms: 5 (mostly waiting 5 (")


def test_the_threshold_is_a_setting_the_running_bot_reads(tmp_path):
    token = "7000000001:AAHnianbaoTestTokenForBotApiServer0"
    with pytest.raises(ValidationError):
        Settings(NIANBAO_STALL_MS="-5")
    with Store(tmp_path / "b.db") as store:
        settings = Settings(TELEGRAM_BOT_TOKEN=token, NIANBAO_STALL_MS="0")
        assert _stall_ms((build_application(settings, store),)) == 0
        settings = Settings(TELEGRAM_BOT_TOKEN=token, NIANBAO_STALL_MS="80")
        assert _stall_ms((build_application(settings, store),)) == 80
