"""The Python side of ``aa-bench``: Python Advanced Alchemy 1.12 on the benchmark database.

Usage: ``python aa_bench.py <sqlalchemy-async-url>`` (started by the Rust driver,
``bench/src/imp/python.rs``). It answers one JSON line per JSON line read on stdin: the
operation's input is decoded first, then ``time.perf_counter_ns`` is taken around the
operation alone, and ``{"ns": …, "rows": …, "total": …}`` goes back (``{"error": …}`` on
failure). The first line it writes says which versions run.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import time
from importlib.metadata import version

from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from operations import OPERATIONS

DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "mysql": "asyncmy"}


def reply(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def main(url: str) -> None:
    engine = create_async_engine(url)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        # as sqlx does on every SQLite connection (cascades, foreign-key checks)
        @event.listens_for(engine.sync_engine, "connect")
        def _foreign_keys(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

    if dialect == "mysql":
        # The tables come from the Rust side's create_all, which gives MariaDB keys
        # AUTO_INCREMENT and no sequence. SQLAlchemy would draw BigIntAuditBase keys from
        # `post_id_seq` on MariaDB (it has sequences), so after the first connection has
        # detected the server, tell the dialect to leave sequences alone.
        async with engine.connect():
            pass
        engine.dialect.supports_sequences = False
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    reply(
        {
            "versions": {
                "python": platform.python_version(),
                "advanced-alchemy": version("advanced-alchemy"),
                "sqlalchemy": version("sqlalchemy"),
                DRIVERS[dialect]: version(DRIVERS[dialect]),
            }
        }
    )
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            msg = json.loads(line)
            operation = OPERATIONS[msg["op"]]
            try:
                start = time.perf_counter_ns()
                result = await operation(sessions, msg)
                elapsed = time.perf_counter_ns() - start
            except Exception as exc:  # noqa: BLE001 (reported to the driver, which stops)
                # repr, not str: some Advanced Alchemy exceptions cannot be turned into a str
                reply({"error": f"{msg['op']}: {exc!r} (caused by {exc.__cause__!r})"})
                continue
            rows, total = result if isinstance(result, tuple) else (result, None)
            reply({"ns": elapsed, "rows": rows, "total": total})
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
