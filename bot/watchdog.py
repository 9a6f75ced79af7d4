"""Watching the event loop: how long it was kept from running other work, and by what.

Everything the bot does for every clerk shares one event loop; anything slow run on it (a
document, a big query) delays every reply and every answer to a button press. The watchdog
wakes every ``INTERVAL`` seconds and measures how late it woke: a late wake-up over
``WARN_MS`` is logged as it happens, and the worst one when the bot stops (for monitoring and
the peak benchmark).

The stall locator (``StallLocator``) says what kept it: a thread that notices when the
watchdog's next wake-up is more than ``stall_ms`` late, samples the event-loop thread's stack
(``sys._current_frames``) until the loop comes back, and logs the stack seen most once per
stall, with the CPU the loop thread and the whole process used meanwhile and the garbage
collector's long passes. A stall whose stack is the selector's wait, with little CPU used, is
the process not being scheduled (a busy machine), not our code. The log holds code locations
only (file, line, function), never a variable's value.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

INTERVAL = 0.05
WARN_MS = 100.0
#: Default threshold of the stall locator (``NIANBAO_STALL_MS``; 0 turns it off).
STALL_MS = 50.0
#: At most this many stall reports a minute (and any stall the longest yet); the others
#: are counted in the next one.
REPORTS_PER_MINUTE = 12
#: Innermost frames of a stack logged.
FRAMES = 24
#: Garbage-collector passes at least this long are remembered for the stall reports.
GC_PASS_MS = 5.0


@contextlib.asynccontextmanager
async def watching_the_loop(stall_ms: float = STALL_MS) -> AsyncIterator[None]:
    """Measure the event loop's lag while the block runs; log the worst at the end. With
    ``stall_ms`` > 0, a ``StallLocator`` logs the stack of whatever keeps the loop longer."""
    worst = [0.0]
    locator = StallLocator(stall_ms / 1000) if stall_ms > 0 else None
    task = asyncio.create_task(_watch(worst, locator))
    if locator is not None:
        locator.start()
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if locator is not None:
            locator.stop()
            log.info(locator.summary())
        log.info("event loop: worst lag %.0f ms", worst[0])


async def _watch(worst: list[float], locator: StallLocator | None) -> None:
    loop = asyncio.get_running_loop()
    while True:
        began = loop.time()
        if locator is not None:
            locator.expect(began + INTERVAL)
        await asyncio.sleep(INTERVAL)
        lag_ms = (loop.time() - began - INTERVAL) * 1000
        worst[0] = max(worst[0], lag_ms)
        if lag_ms > WARN_MS:
            log.warning("event loop blocked for %.0f ms", lag_ms)


Stack = tuple[tuple[str, int, str], ...]


@dataclass(frozen=True)
class _Usage:
    """CPU figures at one moment (seconds): the loop thread's CPU time and its time spent
    runnable but waiting for a CPU (Linux's schedstat; None elsewhere), the process's CPU."""

    at: float
    loop_cpu: float | None
    loop_waiting: float | None
    process_cpu: float


@dataclass
class _Stall:
    """One stall being watched: when the loop was due back, what its thread was doing."""

    due: float
    #: The loop thread's and the process's use of the CPU when the stall was noticed.
    before: _Usage
    stacks: collections.Counter[Stack] = field(default_factory=collections.Counter)
    #: How late the sampler itself woke at worst: the GIL held by someone (a long C call,
    #: a garbage-collector pass) keeps it from running at all.
    sampler_late: float = 0.0


class StallLocator:
    """A daemon thread naming the code that keeps the event loop from coming back.

    The loop tells it when it means to be back (``expect``, called from the watchdog's task on
    the loop thread); when that moment is more than ``threshold`` seconds past, the thread
    samples the loop thread's stack every ``threshold / 4`` seconds until the loop is back,
    then logs one report. Idle, it sleeps until the moment the loop would be late by
    ``threshold`` and compares two floats (about every ``INTERVAL + threshold`` seconds).
    """

    def __init__(self, threshold: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.clock = clock
        self.due = 0.0
        #: When the loop last came back (called ``expect``).
        self.back = 0.0
        self.loop_thread = threading.get_ident()
        self.loop_clock = _thread_cpu_clock()
        self.loop_task = threading.get_native_id() if sys.platform == "linux" else None
        self.stalls = 0
        self.suppressed = 0
        #: Stalls, and their seconds, by what took most of each (a key of ``CAUSES``).
        self.causes: collections.Counter[str] = collections.Counter()
        self.stalled: dict[str, float] = collections.defaultdict(float)
        self.worst_loop_cpu = 0.0
        #: The longest stall so far.
        self.longest = 0.0
        self._reports: collections.deque[float] = collections.deque()
        self._gc_passes: collections.deque[tuple[float, float, int, str]] = collections.deque(
            maxlen=32
        )
        self._gc_began: dict[int, float] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-locator", daemon=True)

    def expect(self, due: float) -> None:
        """The loop means to be back by ``due`` (on ``clock``, the loop's own by default)."""
        self.back = self.clock()  # first: the sampler reads it once it sees ``due`` change
        self.due = due

    def start(self) -> None:
        self.due = self.clock() + INTERVAL
        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        # Called by the collector in whichever thread triggered it; only long passes are kept.
        thread = threading.get_ident()
        if phase == "start":
            self._gc_began[thread] = time.monotonic()
            return
        began = self._gc_began.pop(thread, None)
        if began is None:
            return
        ended = time.monotonic()
        if (ended - began) * 1000 >= GC_PASS_MS:
            name = "event loop" if thread == self.loop_thread else threading.current_thread().name
            self._gc_passes.append((began, ended, int(info.get("generation", -1)), name))

    def _run(self) -> None:
        stall: _Stall | None = None
        now = self.clock()
        while True:
            due = self.due
            if stall is not None and due != stall.due:
                self._report(stall)
                stall = None
            if now - due <= self.threshold:
                # Asleep until the moment the loop, if not back by then, has stalled.
                pause = due + self.threshold - now + 0.001
            else:
                if stall is None:
                    # The CPU figures are read from here on: reading them at every wake
                    # would cost more than the rest of the watching.
                    stall = _Stall(due, self._usage(now))
                frame = sys._current_frames().get(self.loop_thread)
                if frame is not None:
                    stall.stacks[_stack(frame)] += 1
                pause = self.threshold / 4
            if self._stopping.wait(pause):
                # A stall the loop came back from just before the stop (the last thing it
                # did may have been the stall) is reported, not dropped.
                if stall is not None and self.due != stall.due:
                    self._report(stall)
                return
            woke = self.clock()
            if stall is not None:
                stall.sampler_late = max(stall.sampler_late, woke - now - pause)
            now = woke

    def _usage(self, now: float) -> _Usage:
        cpu, waiting = _schedstat(self.loop_task)
        if cpu is None:
            cpu = _cpu(self.loop_clock)
        return _Usage(now, cpu, waiting, time.process_time())

    def _report(self, stall: _Stall) -> None:
        now = self.clock()
        before, after = stall.before, self._usage(now)
        lasted = self.back - stall.due
        window = after.at - before.at
        loop_cpu = _delta(before.loop_cpu, after.loop_cpu)
        waiting = _delta(before.loop_waiting, after.loop_waiting)
        process_cpu = after.process_cpu - before.process_cpu
        cause = _verdict(window, loop_cpu, waiting, process_cpu)
        self.stalls += 1
        self.causes[cause] += 1
        self.stalled[cause] += lasted
        self.worst_loop_cpu = max(self.worst_loop_cpu, loop_cpu or 0.0)
        while self._reports and now - self._reports[0] > 60:
            self._reports.popleft()
        # Past the rate, only a stall longer than every one before (by the threshold) is
        # reported: the worst lag the watchdog gives at the end has its report, or one as long.
        if len(self._reports) >= REPORTS_PER_MINUTE and lasted <= self.longest + self.threshold:
            self.suppressed += 1
            return
        self.longest = max(self.longest, lasted)
        self._reports.append(now)
        passes = [
            f"gen {generation} {(ended - began) * 1000:.0f} ms in {thread}"
            for began, ended, generation, thread in list(self._gc_passes)
            if ended >= before.at and began <= now
        ]
        samples = sum(stall.stacks.values())
        top, seen = stall.stacks.most_common(1)[0] if stall.stacks else ((), 0)
        lines = [
            f"event loop stalled {lasted * 1000:.0f} ms (mostly {CAUSES[cause]}); over the"
            f" last {window * 1000:.0f} ms of it the loop thread used {_ms(loop_cpu)} of CPU and"
            f" waited {_ms(waiting)} for one, the process used {_ms(process_cpu)}; stack sampler"
            f" late by {_ms(stall.sampler_late)} at worst; GC passes: {', '.join(passes) or 'none'}"
            + (f"; {self.suppressed} stall(s) not reported" if self.suppressed else ""),
            f"  stack seen in {seen} of {samples} sample(s)"
            + (" (the selector's wait: nothing of ours ran)" if _idle(top) else "")
            + ", innermost last:",
        ]
        lines += [f"    {where}:{line} in {function}" for where, line, function in top]
        self.suppressed = 0
        log.warning("\n".join(lines))

    def summary(self) -> str:
        """Every stall so far (reported or not), by what took most of it."""
        causes = ", ".join(
            f"{cause} {count} ({self.stalled[cause]:.1f} s)"
            for cause, count in self.causes.most_common()
        )
        return (
            f"event loop stalls over {self.threshold * 1000:.0f} ms: {self.stalls}"
            + (f" (mostly {causes})" if causes else "")
            + f"; the most CPU its thread used in one: {self.worst_loop_cpu * 1000:.0f} ms"
        )


#: What took most of a stall, by its CPU figures (see ``_verdict``).
CAUSES = {
    "computing": "computing on the loop",
    "GIL": "another thread holding the GIL",
    "not scheduled": "not scheduled: the machine was busy",
    "waiting": "waiting: the disk, a lock or a system call",
}


def _verdict(
    window: float, loop_cpu: float | None, waiting: float | None, process_cpu: float
) -> str:
    """What took most of the stall (a key of ``CAUSES``), by the CPU figures: the loop's own
    thread computing, another thread of the process holding the GIL, the machine too busy to
    run it, or none of these (waiting on the disk, a lock, a system call: the stack tells
    which)."""
    own = loop_cpu or 0.0
    parts = {
        "computing": own,
        "GIL": max(0.0, process_cpu - own),
        "not scheduled": waiting or 0.0,
    }
    parts["waiting"] = window - sum(parts.values())
    return max(parts, key=lambda part: parts[part])


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _ms(seconds: float | None) -> str:
    return "? ms" if seconds is None else f"{seconds * 1000:.0f} ms"


def _stack(frame: FrameType | None) -> Stack:
    """The innermost ``FRAMES`` frames as (file, line, function), outermost first; when a
    callback of the loop runs, from that callback on (the loop's own frames say nothing)."""
    frames: list[tuple[str, int, str]] = []
    while frame is not None and len(frames) < FRAMES:
        code = frame.f_code
        where = _short(code.co_filename)
        if code.co_name == "_run" and where.endswith(os.path.join("asyncio", "events.py")):
            break
        frames.append((where, frame.f_lineno or 0, code.co_name))
        frame = frame.f_back
    return tuple(reversed(frames))


_ROOTS = sorted(
    {os.path.dirname(os.path.dirname(os.path.abspath(__file__))), *sys.path[1:]},
    key=len,
    reverse=True,
)


def _short(path: str) -> str:
    """A source path relative to the project or the library directory it lies in."""
    for root in _ROOTS:
        if root and path.startswith(root + os.sep):
            return path[len(root) + 1 :]
    return path


def _idle(stack: Stack) -> bool:
    """Whether the loop thread was waiting in its selector (nothing of ours running)."""
    return bool(stack) and stack[-1][2] == "select" and stack[-1][0].endswith("selectors.py")


def _schedstat(task: int | None) -> tuple[float | None, float | None]:
    """A thread's CPU time and time spent waiting for a CPU, from Linux's schedstat."""
    if task is None:
        return None, None
    try:
        with open(f"/proc/self/task/{task}/schedstat", "rb") as stat:
            on_cpu, waiting, _ = stat.read().split()
        return int(on_cpu) / 1e9, int(waiting) / 1e9
    except (OSError, ValueError):
        return None, None


def _thread_cpu_clock() -> int | None:
    """The calling thread's CPU-time clock, where the platform has one (Linux does)."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


def _cpu(clock: int | None) -> float | None:
    if clock is None:
        return None
    try:
        return time.clock_gettime(clock)
    except OSError:
        return None
