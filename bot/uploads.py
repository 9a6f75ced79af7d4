"""Uploads: downloaded with a size cap, then read off the event loop before the dialog's turn.

Reading a clerk's document (unzipping, parsing XML, matching the tables) takes from a few
milliseconds to seconds, in the sandbox's limited child process (``exports.sandbox``). Done
inside the engine's step it would run on the event loop, where every other clerk waits for it,
and inside the write transaction, where every other writer waits for it too. ``ReadAhead``
reads the file in a worker thread first; when the engine then asks for the same bytes it gets
the result at once, so the transaction only writes what was read. An application ledger
(a spreadsheet, a CSV, or a .docx that may hold one) is read ahead the same way, in the same
sandbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from telegram import File

from dialogs.engine import LEDGER_SUFFIXES
from dialogs.model import is_report_file
from exports import ReadResult
from report.ledger import Ledger

log = logging.getLogger(__name__)

#: Telegram lets bots download files up to 20 MB.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_PREPARED = 16
_CHUNK = 64 * 1024


class DownloadFailed(Exception):
    """The file could not be fetched from Telegram (the reason is logged without the URL)."""


async def download_capped(file: File, limit: int = MAX_UPLOAD_BYTES) -> bytes | None:
    """The file's bytes, streamed; None as soon as more than ``limit`` bytes arrive (whatever
    size Telegram reported), so a big file never sits in memory whole."""
    url = file.file_path or ""
    if not url.startswith(("http://", "https://")):
        # A local Bot API server gives a path on this machine.
        data = bytes(await file.download_as_bytearray())
        return data if len(data) <= limit else None
    data = bytearray()
    try:
        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(30.0)) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != httpx.codes.OK:
                raise DownloadFailed(f"HTTP {response.status_code}")
            async for chunk in response.aiter_bytes(_CHUNK):
                data += chunk
                if len(data) > limit:
                    return None
    except httpx.HTTPError as error:
        # The URL holds the bot token: log the kind of failure only.
        raise DownloadFailed(type(error).__name__) from None
    return bytes(data)


@dataclass
class _Read:
    data: bytes
    name: str | None  # None: a report read (by content only)
    result: ReadResult | Ledger | None = None
    error: Exception | None = None


class ReadAhead:
    """The engine's ``read_docx`` (and ``read_ledger``, as :meth:`ledger`), answered from
    reads made beforehand off the event loop."""

    def __init__(
        self,
        read: Callable[[bytes], ReadResult],
        read_ledger: Callable[[bytes, str], Ledger] | None = None,
    ) -> None:
        self._read = read
        self._read_ledger = read_ledger
        self._ready: list[_Read] = []

    @asynccontextmanager
    async def reading(self, data: bytes, name: str | None = None) -> AsyncIterator[None]:
        """Read ``data`` in a worker thread; inside the block, the engine gets that result.

        Without a ``name`` the file is read as a report; with one, as the engine will take a
        file of that name: a report file as a report, a spreadsheet or CSV as a ledger, a
        .docx as both (it may be either)."""
        entries = []
        lowered = (name or "").lower()
        if self._read_ledger is not None and lowered.endswith((*LEDGER_SUFFIXES, ".docx")):
            read_ledger = self._read_ledger
            assert name is not None
            entries.append(await self._ahead(_Read(data, name), lambda: read_ledger(data, name)))
        if name is None or is_report_file(name):
            entries.append(await self._ahead(_Read(data, None), lambda: self._read(data)))
        self._ready.extend(entries)
        try:
            yield
        finally:
            for entry in entries:
                self._ready.remove(entry)

    @staticmethod
    async def _ahead(entry: _Read, read: Callable[[], ReadResult | Ledger]) -> _Read:
        try:
            entry.result = await asyncio.to_thread(read)
        except Exception as error:  # the refusal is the engine's to report, in its turn
            entry.error = error
        return entry

    def _found(self, data: bytes, name: str | None) -> _Read | None:
        for entry in self._ready:
            if entry.name == name and len(entry.data) == len(data) and entry.data == data:
                if entry.error is not None:
                    raise entry.error
                return entry
        return None

    def __call__(self, data: bytes) -> ReadResult:
        """The result read ahead for these bytes, or else a read made now."""
        entry = self._found(data, None)
        if entry is None:
            return self._read(data)
        assert isinstance(entry.result, ReadResult)
        return entry.result

    def ledger(self, data: bytes, name: str) -> Ledger:
        """The ledger read ahead for this file, or else a read made now."""
        assert self._read_ledger is not None
        entry = self._found(data, name)
        if entry is None:
            return self._read_ledger(data, name)
        assert isinstance(entry.result, Ledger)
        return entry.result
