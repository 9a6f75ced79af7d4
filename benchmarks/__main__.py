"""``python -m benchmarks``: run every benchmark and the long forms of the fault tests, print
the table and write it to ``benchmarks/RESULTS.md`` with the machine and the date."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import answers, documents, e2e, hostile, peak, reminders
from benchmarks.stats import machine, ms

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
REPO = RESULTS.parents[1]
DRAFT_COUNTS = (10, 1_000, 100_000)
LONG_TESTS = (
    "tests/test_faults_crash.py",
    "tests/test_fuzz_console.py",
    "tests/test_faults_storage.py",
    "tests/test_fuzz_inputs.py",
    "tests/test_faults_uploads.py",
)


def _answers(lines: list[str], count: int, budget: float) -> None:
    results = []
    for drafts in DRAFT_COUNTS:
        print(f"answers: {drafts:,} stored drafts …", flush=True)
        results.append(answers.run(drafts, count, budget))
    lines += [
        "## 1. Answer handling (one answered row through `Application.process_update`)",
        "",
        "Network replaced in-process by the same fake Bot API for both; the product's outbound",
        "rate limiter is bypassed here (it shapes traffic, it is not processing cost; see 4).",
        "Ours commits to SQLite (WAL, `synchronous=FULL`); the stock baseline is a",
        "`ConversationHandler` with `PicklePersistence` flushed after every update.",
        "",
        "| stored drafts | impl | answers timed | p50 ms | p99 ms | answers/s | p50 vs ours |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for name, t in (("nianbao", r.ours), ("stock PTB + pickle", r.stock)):
            ratio = t.p50_ms / r.ours.p50_ms
            rate = f"{t.per_second:.0f}" if t.per_second >= 10 else f"{t.per_second:.2f}"
            lines.append(
                f"| {r.drafts:,} | {name} | {t.count} | {ms(t.p50_ms)} | {ms(t.p99_ms)} "
                f"| {rate} | {ratio:.2f}× |"
            )
    lines += [
        "",
        "The stock baseline at both `PicklePersistence` settings (same answers; flush = the whole",
        "pickle written once, during which PTB's event loop does nothing else):",
        "",
        (
            "| stored drafts | setting | p50 ms | p99 ms | one flush ms | drafts held in memory MB "
            "| answers lost on a crash |"
        ),
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for setting, costs, lost in (
            ("flush after every update", r.stock_flush, "none"),
            ("PTB default: flush every 60 s", r.stock_default, "up to the last 60 s"),
        ):
            if costs is None:
                continue
            lines.append(
                f"| {r.drafts:,} | {setting} | {ms(costs.timing.p50_ms)} "
                f"| {ms(costs.timing.p99_ms)} | {ms(costs.flush_ms)} | {costs.held_mb:.0f} "
                f"| {lost} |"
            )
    first, last = results[0], results[-1]
    ours_growth = last.ours.p50_ms / first.ours.p50_ms
    stock_growth = last.stock.p50_ms / first.stock.p50_ms
    worst_p99 = max(r.ours.p99_ms for r in results)
    lowest_rate = min(r.ours.per_second for r in results)
    lines += [
        "",
        (
            f"- Cost at {last.drafts:,} drafts / cost at {first.drafts:,} (p50): nianbao "
            f"**{ours_growth:.2f}×** (target ≤ 1.5×), stock **{stock_growth:.0f}×**."
        ),
        (
            f"- nianbao worst p99: **{ms(worst_p99)} ms** (target ≤ 20 ms); lowest rate: "
            f"**{lowest_rate:.0f} answers/s** on one core (target ≥ 300)."
        ),
        "",
    ]


def _documents(lines: list[str], repeat: int) -> None:
    print("documents …", flush=True)
    results = documents.run(repeat)
    lines += [
        "## 2. Documents",
        "",
        "Export = `exports.write_docx`; check = what `nianbao check FILE` does (read the exported",
        f"file back, run the rules). Medians of {repeat} runs.",
        "",
        "| report | DOCX size | export p50 ms | check p50 ms |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.size / 1024:.1f} KiB | {ms(r.export.p50_ms)} | {ms(r.check.p50_ms)} |"
        )
    lines += ["", "Targets: export ≤ 150 ms, check ≤ 100 ms.", ""]


def _end_to_end(lines: list[str], clerks: int, rows: int) -> None:
    print(f"end to end: {clerks} clerks …", flush=True)
    r = e2e.run(clerks, rows)
    lines += [
        "## 4. End to end over the emulator",
        "",
        (
            f"One `nianbao run` process, {clerks} clerks typing rows at once ({rows} rows each, "
            "after their first question), emulator in its own process on the same machine."
        ),
        "",
        (
            "| answered rows | seconds | rows/s (incoming messages) | bot calls/s (outgoing) "
            "| reply latency p50 ms | p99 ms |"
        ),
        "|---:|---:|---:|---:|---:|---:|",
        (
            f"| {r.answers} | {r.seconds:.1f} | {r.answers_per_second:.1f} | {r.calls_per_second:.1f} "
            f"| {ms(r.latency.p50_ms)} | {ms(r.latency.p99_ms)} |"
        ),
        "",
        (
            f"Each answered row costs {r.calls_per_second / r.answers_per_second:.1f} Bot API calls "
            "(the confirmation folded into the next question, and"
        ),
        "removing the old question's buttons), and the product's `AIORateLimiter` keeps the bot",
        "at Telegram's overall 30 calls/s, so the rate limiter, not processing (section 1), sets",
        "the ceiling here.",
        "",
    ]


def _reminders(lines: list[str]) -> None:
    result = reminders.run()
    lines += [
        "## 3. Reminders",
        "",
        f"{result.people:,} clerks in offices of four (a quarter finished, one in ten muted), on a",
        "reminder morning. Planning = `dialogs.reminders.pending_reminders` on the real SQLite",
        "file (median of 3). Sending = the first part of the plan handed to the product's sender",
        "with its own rate limiter over the in-process fake network, every `sendMessage` timed.",
        "",
        "| reminders planned | planning p50 ms | sent (sample) | most in any 1 s | most to one chat in 1 s | projected minutes for all |",
        "|---:|---:|---:|---:|---:|---:|",
        (
            f"| {result.planned:,} | {result.planning.p50_ms:.0f} | {result.sent} | {result.max_per_second} "
            f"| {result.max_per_chat_per_second} | {result.projected_send_minutes:.1f} |"
        ),
        "",
        "Targets: planning under 1 s; never more than 30 messages in a second overall, nor more",
        "than one a second to one chat (Telegram's limits for bots).",
        "",
    ]
    lag = reminders.loop_lag()
    lines += [
        f"Planning for {lag.offices:,} offices (one clerk each, counties of 20, a county deadline",
        "in every tenth county) in the bot's worker thread with its own connection, while a",
        "ticker on the event loop measures its worst lag:",
        "",
        "| day | planning s | reminders planned | event-loop lag max ms |",
        "|---|---:|---:|---:|",
        f"| start-up catch-up, nothing due | {lag.quiet_day_seconds:.2f} | 0 | {lag.quiet_day_lag_ms:.0f} |",
        (
            f"| reminder morning | {lag.morning_seconds:.2f} | {lag.morning_planned:,} "
            f"| {lag.morning_lag_ms:.0f} |"
        ),
        "",
        "Target: event-loop lag ≤ 100 ms (the planning itself runs beside the loop).",
        "",
    ]


ALL_PARTS = "answers,documents,reminders,e2e,peak,hostile,long"
PEAK_GOALS = {
    "rows_per_s_one_bot": ("≥", 27),
    "reply_p99_s": ("≤", 1.5),
    "callbacks_too_old": ("≤", 0),
    "loop_lag_max_ms": ("≤", 100),
    "loop_lag_max_ms_serving": ("≤", 100),
    "interactive_p99_s_during_broadcast": ("≤", 2),
    "flood_429s": ("≤", 0),
    "commits_per_answer": ("≤", 1),
    "answer_p99_ms": ("≤", 20),
    "check_cli_s": ("≤", 0.5),
}


def _peak_figures(small: bool) -> dict[str, object]:
    """The peak run (``small``: a quick smoke run with few clerks, for trying it out)."""
    print("peak: answers benchmark …", file=sys.stderr, flush=True)
    timed = answers.run(1_000, 50 if small else 300, 10.0 if small else 30.0)
    print("peak: one bot over the test server …", file=sys.stderr, flush=True)
    if small:
        return peak.run(
            10, 2, 20, 20, round(timed.ours.p99_ms, 1), offices=500, typists=5, window=20.0
        )
    return peak.run(answer_p99_ms=round(timed.ours.p99_ms, 1))


def _morning_figures(small: bool) -> dict[str, object]:
    """The peak run's reminder morning phase alone, with the machine's load and fsync cost."""
    print("peak: the reminder morning …", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-morning-", dir=peak.REPO) as tmp:
        workdir = Path(tmp)
        disk = peak.fsync_ms(workdir)
        figures = (
            peak.reminder_morning(workdir, 500, 5, 20.0)
            if small
            else peak.reminder_morning(workdir)
        )
    return {
        **figures,
        "fsync_ms": round(disk, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
    }


def _peak(lines: list[str], figures: dict[str, object]) -> None:
    lines += [
        "## 5. Peak week (one bot process over the test server, Telegram's limits enforced)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        (
            f"Disk fsync (4 KiB write + fsync, median): **{figures['fsync_ms']} ms**; load "
            f"average while running: {figures['load_average']} on {figures['cores']} cores; "
            f"{figures['clerks']} clerks; whole run {figures['seconds']} s."
        ),
        "",
        "| figure | measured | goal |",
        "|---|---:|---:|",
    ]
    for name, (sign, goal) in PEAK_GOALS.items():
        value = figures.get(name)
        lines.append(f"| `{name}` | {'not measured' if value is None else value} | {sign} {goal} |")
    lines += [""]
    morning = dict(figures.get("reminder_morning") or {})  # type: ignore[call-overload]
    if "offices" in morning:
        lines.append(
            f"- Reminder morning: {morning['offices']} offices due, {morning['typists']} clerks"
            f" typing for {morning['window_s']} s ({morning['interactive_replies']} replies),"
            f" {morning['reminders_sent_in_window']} reminders sent meanwhile, bot in"
            f" {morning['zone']}."
        )
    for name, why in dict(figures.get("not_measured") or {}).items():  # type: ignore[call-overload]
        lines.append(f"- `{name}` not measured: {why}.")
    lines.append("")


def replace_section(text: str, section: list[str]) -> str:
    """``text`` (RESULTS.md) with its peak section replaced by ``section`` (or added before the
    long tests' section, or at the end)."""
    lines = text.split("\n")
    heading = section[0]
    start = next((i for i, line in enumerate(lines) if line == heading), None)
    if start is not None:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = section
    else:
        at = next((i for i, line in enumerate(lines) if line.startswith("## Faults")), len(lines))
        lines[at:at] = section
    return "\n".join(lines)


def _sections(lines: list[str]) -> list[list[str]]:
    """The ``## `` sections of a results text (its header before the first one left out)."""
    sections: list[list[str]] = []
    for line in lines:
        if line.startswith("## "):
            sections.append([])
        if sections:
            sections[-1].append(line)
    return sections


def _hostile(lines: list[str]) -> None:
    print("hostile files through the bot …", flush=True)
    result = hostile.run()
    lines += [
        "## 6. Hostile files through the bot while another office works",
        "",
        "One bot process over the emulator. Clerk A sends every file of the hostile suite",
        "(`tests/test_faults_hostile_files.py`; ledgers from `tests/ledger/hostile_ledgers.py`),",
        "each read in the sandbox (5 s CPU, 256 MB);",
        f"meanwhile clerk B of another office sends `/help` every {hostile.STEADY_PAUSE} s.",
        "",
        "| file | A waited s (target < 5) | the bot said |",
        "|---|---:|---|",
    ]
    for item in result.files:
        lines.append(f"| {item.kind} | {item.seconds:.2f} | {item.verdict} |")
    lines += [
        "",
        (
            f"- Clerk B: {result.steady.count} replies, p50 {ms(result.steady.p50_ms)} ms, p99 "
            f"{ms(result.steady.p99_ms)} ms, max **{ms(result.steady_max_ms)} ms** (target < 1,000)."
        ),
        f"- Growth of the bot's peak memory: **{result.memory_growth_mb:.0f} MB** (target < 200).",
        "",
    ]


def _long_tests(lines: list[str]) -> None:
    print("long fault and fuzz tests …", flush=True)
    lines += [
        "## Faults and hostile input (long forms)",
        "",
        "`NIANBAO_LONG=1`: 30 SIGKILLs in the crash test, a large hypothesis budget, every hostile",
        "file through the bot.",
        "",
        "| test file | result | seconds |",
        "|---|---|---:|",
    ]
    for path in LONG_TESTS:
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path],
            cwd=REPO,
            env={**os.environ, "NIANBAO_LONG": "1"},
            capture_output=True,
            text=True,
        )
        tail = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        lines.append(f"| `{path}` | {tail} | {time.perf_counter() - began:.0f} |")
        if done.returncode:
            print(done.stdout[-4000:], done.stderr[-2000:], file=sys.stderr)
    lines.append("")


def main() -> None:
    if sys.argv[1:2] == ["peak"]:
        options = argparse.ArgumentParser(prog="python -m benchmarks peak")
        options.add_argument("--json", action="store_true", help="print one JSON object")
        options.add_argument("--small", action="store_true", help="a quick smoke run")
        options.add_argument(
            "--write", action="store_true", help="put the section into benchmarks/RESULTS.md"
        )
        options.add_argument(
            "--morning",
            action="store_true",
            help="only the reminder morning phase (20,000 offices due, 20 clerks typing)",
        )
        chosen = options.parse_args(sys.argv[2:])
        if chosen.morning:
            print(json.dumps(_morning_figures(chosen.small), ensure_ascii=False))
            return
        figures = _peak_figures(chosen.small)
        if chosen.json:
            print(json.dumps(figures, ensure_ascii=False))
        else:
            lines: list[str] = []
            _peak(lines, figures)
            print("\n".join(lines))
        if chosen.write:
            section: list[str] = []
            _peak(section, figures)
            RESULTS.write_text(
                replace_section(RESULTS.read_text(encoding="utf-8"), section), encoding="utf-8"
            )
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--only",
        default=ALL_PARTS,
        help="comma-separated parts to run",
    )
    parser.add_argument("--answers", type=int, default=500, help="answers timed per size")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per size and impl")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "Produced by `make bench` (`python -m benchmarks`); every comparison was measured side by",
        "side in this run.",
        "",
    ]
    if "answers" in parts:
        _answers(lines, args.answers, args.budget)
    if "documents" in parts:
        _documents(lines, 20)
    if "reminders" in parts:
        _reminders(lines)
    if "e2e" in parts:
        _end_to_end(lines, 50, 6)
    if "peak" in parts:
        _peak(lines, _peak_figures(small=False))
    if "hostile" in parts:
        _hostile(lines)
    if "long" in parts:
        _long_tests(lines)
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        if parts >= set(ALL_PARTS.split(",")):
            RESULTS.write_text(text, encoding="utf-8")
        else:  # a partial run replaces only its own sections
            merged = RESULTS.read_text(encoding="utf-8")
            for section in _sections(lines):
                merged = replace_section(merged, section)
            RESULTS.write_text(merged, encoding="utf-8")


if __name__ == "__main__":
    main()
