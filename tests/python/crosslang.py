"""The Python half of the cross-language tests (driven by tests/backends/crosslang.rs).

Python's Advanced Alchemy and the Rust library share one table, `xl_record`, holding a
column of every shared type. Rows described in tests/fixtures/crosslang.json are written
by each side (`origin` says which); each side then reads the other's rows.

    crosslang.py create URL SPEC   create the table the way Python creates it
    crosslang.py write URL SPEC    write the spec's rows (origin 'python')
    crosslang.py check URL SPEC    read the Rust rows: same values as the spec, and the
                                   same stored bytes as Python's row of the same label

URL is an SQLAlchemy URL (sqlite:///…, postgresql+pg8000://…, mysql+pymysql://…). File
content lives in the local directory AA_XL_FILE_DIR, registered under the storage key
AA_XL_FILE_KEY on both sides. Exits non-zero with a message on the first difference.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import uuid
from typing import Any, Optional

from sqlalchemy import String, create_engine, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import (
    GUID,
    DateTimeUTC,
    EncryptedString,
    EncryptedText,
    FileObject,
    JsonB,
    PasswordHash,
    StoredObject,
    storages,
)
from advanced_alchemy.types.file_object.backends.obstore import ObstoreBackend
from advanced_alchemy.types.password_hash.argon2 import Argon2Hasher
from obstore.store import LocalStore

COMMAND, URL, SPEC_PATH = sys.argv[1:4]
with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = json.load(f)
KEY = SPEC["key"]
FILE_KEY = os.environ["AA_XL_FILE_KEY"]
storages.register_backend(ObstoreBackend(key=FILE_KEY, fs=LocalStore(prefix=os.environ["AA_XL_FILE_DIR"])))


class XlRecord(UUIDv7AuditBase):
    __tablename__ = "xl_record"

    label: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(10))
    happened_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    maybe_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    secret: Mapped[str] = mapped_column(EncryptedString(key=KEY))
    notes: Mapped[str] = mapped_column(EncryptedText(key=KEY))
    password: Mapped[Any] = mapped_column(PasswordHash(backend=Argon2Hasher()))
    ref_id: Mapped[uuid.UUID] = mapped_column(GUID)
    payload: Mapped[Any] = mapped_column(JsonB)
    attachment: Mapped[Optional[FileObject]] = mapped_column(StoredObject(backend=FILE_KEY), nullable=True)


def instant(value: Optional[str]) -> Optional[dt.datetime]:
    return None if value is None else dt.datetime.fromisoformat(value)


def fail(message: str) -> None:
    print(f"crosslang.py {COMMAND}: {message}", file=sys.stderr)
    sys.exit(1)


def same(what: str, got: Any, expected: Any) -> None:
    if got != expected:
        fail(f"{what}: got {got!r}, expected {expected!r}")


def raw_rows(session: Session) -> dict[tuple[str, str], tuple[Any, ...]]:
    """What the database holds, untouched by any column type."""
    rows = session.execute(
        text(
            "SELECT origin, label, id, happened_at, maybe_at, created_at, updated_at, ref_id, payload"
            " FROM xl_record"
        )
    )
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def check_file(label: str, stored: Optional[FileObject], spec: Optional[dict[str, str]]) -> None:
    if spec is None:
        same(f"{label}.attachment", stored, None)
        return
    if stored is None:
        fail(f"{label}.attachment: missing")
    same(f"{label}.attachment.backend", stored.backend.key, FILE_KEY)
    same(f"{label}.attachment.content_type", stored.content_type, spec["content_type"])
    if not stored.path.endswith(spec["name"]):
        fail(f"{label}.attachment.path {stored.path!r} does not end in {spec['name']!r}")
    content = spec["content"].encode()
    same(f"{label}.attachment.size", stored.size, len(content))
    same(f"{label}.attachment content", stored.get_content(), content)


def check(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    rows = {(r.origin, r.label): r for r in session.scalars(select(XlRecord))}
    raw = raw_rows(session)
    for spec in SPEC["rows"]:
        label = spec["label"]
        rust, python = rows.get(("rust", label)), rows.get(("python", label))
        if rust is None or python is None:
            fail(f"row {label!r}: missing (rust: {rust is not None}, python: {python is not None})")
        # the values, through Python's column types
        same(f"{label}.happened_at", rust.happened_at, python.happened_at)
        same(f"{label}.maybe_at", rust.maybe_at, python.maybe_at)
        if rust.happened_at.tzinfo is None:
            fail(f"{label}.happened_at read back naive")
        same(f"{label}.secret", rust.secret, spec["secret"])
        same(f"{label}.notes", rust.notes, spec["notes"])
        if not rust.password.verify(spec["password"]):
            fail(f"{label}.password: the Rust hash does not verify in Python")
        if rust.password.verify(spec["password"] + "x"):
            fail(f"{label}.password: a wrong password verifies")
        same(f"{label}.ref_id", rust.ref_id, uuid.UUID(spec["ref_id"]))
        same(f"{label}.payload", rust.payload, spec["payload"])
        check_file(label, rust.attachment, spec["file"])
        if not isinstance(rust.id, uuid.UUID):
            fail(f"{label}.id: {rust.id!r} is not a UUID")
        # the stored bytes: timestamps, keys, GUIDs and JSON text as Python stores them
        r, p = raw[("rust", label)], raw[("python", label)]
        same(f"{label}.happened_at as stored", r[1], p[1])
        same(f"{label}.maybe_at as stored", r[2], p[2])
        same(f"{label}.id as stored ({type(r[0]).__name__})", type(r[0]), type(p[0]))
        same(f"{label}.ref_id as stored", r[5], p[5])
        same(f"{label}.payload as stored", r[6], p[6])
        if dialect == "sqlite":
            for column, value in zip(("happened_at", "created_at", "updated_at"), (r[1], r[3], r[4])):
                if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", value):
                    fail(f"{label}.{column} stored as {value!r}, not SQLAlchemy's form")
            if not isinstance(r[0], bytes) or len(r[0]) != 16:
                fail(f"{label}.id stored as {r[0]!r}, not 16 bytes")
    print(f"checked {len(SPEC['rows'])} Rust rows on {dialect}")


def saved_file(spec: Optional[dict[str, str]]) -> Optional[FileObject]:
    """The spec's file, its content saved to the store before the row is written."""
    if spec is None:
        return None
    file = FileObject(
        backend=FILE_KEY,
        filename=spec["name"],
        to_filename=f"python/{spec['name']}",
        content_type=spec["content_type"],
        content=spec["content"].encode(),
    )
    return file.save()


def main() -> None:
    engine = create_engine(URL)
    if COMMAND == "create":
        XlRecord.metadata.create_all(engine, tables=[XlRecord.__table__])
        return
    with Session(engine) as session:
        if COMMAND == "write":
            for spec in SPEC["rows"]:
                session.add(
                    XlRecord(
                        label=spec["label"],
                        origin="python",
                        happened_at=instant(spec["happened_at"]),
                        maybe_at=instant(spec["maybe_at"]),
                        secret=spec["secret"],
                        notes=spec["notes"],
                        password=spec["password"],
                        ref_id=uuid.UUID(spec["ref_id"]),
                        payload=spec["payload"],
                        attachment=saved_file(spec["file"]),
                    )
                )
            session.commit()
        elif COMMAND == "check":
            check(session)
        else:
            fail("unknown command")


if __name__ == "__main__":
    main()
