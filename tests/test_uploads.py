"""Uploads are read in a worker thread before the engine's transaction, once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.uploads import ReadAhead
from bot.wiring import read_report_docx
from dialogs.engine import DocumentError
from exports import write_docx
from tests.seed import seed_report


def test_the_engine_gets_what_was_read_ahead_off_the_event_loop():
    threads: list[threading.Thread] = []

    def read(data: bytes):
        threads.append(threading.current_thread())
        return read_report_docx(data)

    uploads = ReadAhead(read)
    data = write_docx(seed_report())

    async def upload():
        async with uploads.reading(data):
            return uploads(bytes(bytearray(data)))  # the engine holds an equal copy

    result = asyncio.run(upload())
    assert all(result.report.figures.get(k) == v for k, v in seed_report().figures.items())
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    uploads(data)  # outside the block nothing is kept: a plain read
    assert len(threads) == 2 and threads[1] is threading.main_thread()


def test_a_refusal_read_ahead_is_raised_where_the_engine_reads():
    uploads = ReadAhead(read_report_docx)

    async def upload():
        async with uploads.reading(b"PK\x03\x04 not really a zip"):
            uploads(b"PK\x03\x04 not really a zip")

    with pytest.raises(DocumentError):
        asyncio.run(upload())
