"""The Python half of the stores' cross-language test (tests/backends/stores.rs).

Advanced Alchemy's own Litestar session backend (SQLAlchemySyncSessionBackend on a
SessionModelMixin table) and key/value store (SQLAlchemyStore on a StoreModelMixin
table) read the rows the Rust stores wrote into `web_session` and `kv_entry`, then write
their own for Rust to read.

    stores.py exchange URL SPEC

SPEC is a JSON file: {"live_id", "expired_id", "python_id"} (session ids; the Python
session is written under python_id, an id tower-sessions can parse). Exits non-zero with
a message on the first difference.
"""

from __future__ import annotations

import asyncio
import json
import sys

from litestar.middleware.session.server_side import ServerSideSessionConfig

from advanced_alchemy.extensions.litestar import SQLAlchemySyncConfig
from advanced_alchemy.extensions.litestar.session import SQLAlchemySyncSessionBackend, SessionModelMixin
from advanced_alchemy.extensions.litestar.store import SQLAlchemyStore, StoreModelMixin

COMMAND, URL, SPEC_PATH = sys.argv[1:4]
with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = json.load(f)


class WebSession(SessionModelMixin):
    __tablename__ = "web_session"


class KvEntry(StoreModelMixin):
    __tablename__ = "kv_entry"


def expect(what: str, got: object, want: object) -> None:
    if got != want:
        sys.exit(f"{what}: got {got!r}, want {want!r}")


async def exchange() -> None:
    config = SQLAlchemySyncConfig(connection_string=URL)
    sessions = SQLAlchemySyncSessionBackend(
        config=ServerSideSessionConfig(), alchemy_config=config, model=WebSession
    )
    data = await sessions.get(SPEC["live_id"], None)
    if data is None:
        sys.exit("the Rust session is not found by Python")
    expect("Rust session data", json.loads(data), {"user_id": 42, "name": "Zoë", "roles": ["a", "b"]})
    expect("expired Rust session", await sessions.get(SPEC["expired_id"], None), None)

    store = SQLAlchemyStore(config, model=KvEntry)  # namespace LITESTAR, as in Rust
    expect("greeting", await store.get("greeting"), b"hello")
    expect("bytes", await store.get("bytes"), bytes(range(256)))
    left = await store.expires_in("bytes")
    if left is None or not 3500 <= left <= 3600:
        sys.exit(f"expires_in(bytes) = {left!r}")
    expect("expires_in(greeting)", await store.expires_in("greeting"), None)
    expect("expired entry", await store.get("stale"), None)
    expect("exists(stale)", await store.exists("stale"), False)
    users = store.with_namespace("users")
    expect("users namespace", users.namespace, "LITESTAR_users")
    expect("alice", await users.get("alice"), b"a")
    expect("greeting in users", await users.get("greeting"), None)

    # Python writes; Rust reads
    await store.set("from_python", b"py", expires_in=600)
    await store.set("greeting", "overwritten by Python")
    await sessions.set(SPEC["python_id"], json.dumps({"cart": 3}).encode(), None)


if COMMAND == "exchange":
    asyncio.run(exchange())
else:
    sys.exit(f"unknown command {COMMAND}")
print("ok")
