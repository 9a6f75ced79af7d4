"""Uploaded report files: downloaded with a size cap, read in the sandbox off the event loop.

The dialog engine reads an upload synchronously inside its write transaction. Reading there
would hold the event loop and the database while a hostile file is parsed, so the bot reads the
file first (``prepare``, in a worker thread that waits for the sandboxed child) and the engine's
reader then only takes the outcome prepared for those bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict

import httpx
from telegram import File

from dialogs.machine import DocumentError
from exports import DocumentRejected, ReadResult
from exports.sandbox import Kind, read_untrusted

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


class UploadReader:
    """Reads uploads in the sandbox; ``prepare`` off the loop, then ``read`` for the engine."""

    def __init__(self) -> None:
        self._prepared: OrderedDict[bytes, ReadResult | DocumentRejected] = OrderedDict()

    async def prepare(self, data: bytes) -> None:
        """Read ``data`` in the sandbox without blocking the event loop."""
        try:
            outcome: ReadResult | DocumentRejected = await asyncio.to_thread(
                read_untrusted, data, Kind.DOCX
            )
        except DocumentRejected as refusal:
            outcome = refusal
        self._prepared[_key(data)] = outcome
        while len(self._prepared) > _PREPARED:
            self._prepared.popitem(last=False)

    def read(self, data: bytes) -> ReadResult:
        """The outcome prepared for ``data`` (read now, in the sandbox, if none was); a refusal
        becomes the dialog's :class:`DocumentError`."""
        outcome = self._prepared.pop(_key(data), None)
        if outcome is None:
            try:
                outcome = read_untrusted(data, Kind.DOCX)
            except DocumentRejected as refusal:
                outcome = refusal
        if isinstance(outcome, DocumentRejected):
            raise DocumentError(outcome.message)
        return outcome


def _key(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
