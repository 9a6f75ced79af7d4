"""Run the test server as a process: `python -m tests.botapi --port 0 --token T`.

Prints `READY <url>` on stdout once it listens, then serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from tests.botapi.server import ServerCore
from tests.botapi.state import DEFAULT_TOKEN, ServerConfig


async def _serve(args: argparse.Namespace) -> None:
    config = ServerConfig(token=args.token, callback_query_timeout=args.callback_timeout)
    core = ServerCore(config)
    await core.start(args.host, args.port)
    print(f"READY {core.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await core.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Strict Telegram Bot API test server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument(
        "--callback-timeout",
        type=float,
        default=15.0,
        help="seconds a callback query may wait for its answer",
    )
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
