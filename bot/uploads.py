"""Reading an upload before the dialog's transaction, in a worker thread.

Reading a clerk's document (unzipping, parsing XML, matching the tables) takes from a few
milliseconds to seconds. Done inside the engine's step it would run on the event loop, where
every other clerk waits for it, and inside the write transaction, where every other writer
waits for it too. ``ReadAhead`` reads the file in a thread first; when the engine then asks for
the same bytes it gets the result at once, so the transaction only writes what was read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from exports import ReadResult


@dataclass
class _Read:
    data: bytes
    result: ReadResult | None = None
    error: Exception | None = None


class ReadAhead:
    """The engine's ``read_docx``, answered from reads made beforehand off the event loop."""

    def __init__(self, read: Callable[[bytes], ReadResult]) -> None:
        self._read = read
        self._ready: list[_Read] = []

    @asynccontextmanager
    async def reading(self, data: bytes) -> AsyncIterator[None]:
        """Read ``data`` in a worker thread; inside the block, the engine gets that result."""
        entry = _Read(data)
        try:
            entry.result = await asyncio.to_thread(self._read, data)
        except Exception as error:  # the refusal is the engine's to report, in its turn
            entry.error = error
        self._ready.append(entry)
        try:
            yield
        finally:
            self._ready.remove(entry)

    def __call__(self, data: bytes) -> ReadResult:
        """The result read ahead for these bytes, or else a read made now."""
        for entry in self._ready:
            if len(entry.data) == len(data) and entry.data == data:
                if entry.error is not None:
                    raise entry.error
                assert entry.result is not None
                return entry.result
        return self._read(data)
