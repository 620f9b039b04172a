"""The Python half of the cross-language tests of TOTPSecret, OneTimeCode, bcrypt
password hashes (passlib) and Vector (driven by tests/backends/crosslang_types.rs).

One process per test: the Rust side has written its rows (origin 'rust'); this script
checks them through Python's column types, then writes its own rows (origin 'python'),
which the Rust side reads next.

    crosslang_types.py auth URL SPEC     the table xl_auth
    crosslang_types.py vector URL SPEC   the table typ_vector_doc (labels rust-*, python-*)

SPEC is tests/fixtures/crosslang_types.json. Exits non-zero with a message on the first
difference.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Optional

import pyotp
from passlib.context import CryptContext
from sqlalchemy import String, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from advanced_alchemy.types import BigIntIdentity, PasswordHash
from advanced_alchemy.types.password_hash.argon2 import Argon2Hasher
from advanced_alchemy.types.password_hash.one_time_code import HashedOneTimeCode, OneTimeCode
from advanced_alchemy.types.password_hash.passlib import PasslibHasher
from advanced_alchemy.types.totp import TOTPProvider, TOTPSecret
from advanced_alchemy.types.vector import Vector

COMMAND, URL, SPEC_PATH = sys.argv[1:4]
with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = json.load(f)
KEY = SPEC["key"]
AT = SPEC["at"]
BCRYPT = PasslibHasher(CryptContext(schemes=["bcrypt"], bcrypt__rounds=4))


class Base(DeclarativeBase):
    pass


# An autoincrement BIGINT key (INTEGER on SQLite): Python's BigIntBase would use the
# sequence <table>_id_seq on MariaDB, which this library's tables do not have.
class XlAuth(Base):
    __tablename__ = "xl_auth"

    id: Mapped[int] = mapped_column(BigIntIdentity, primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(10))
    totp: Mapped[TOTPProvider] = mapped_column(TOTPSecret(key=KEY))
    uri: Mapped[str] = mapped_column(String(500))
    code: Mapped[HashedOneTimeCode] = mapped_column(OneTimeCode(backend=Argon2Hasher()))
    password: Mapped[Any] = mapped_column(PasswordHash(backend=BCRYPT))


class XlVector(Base):
    __tablename__ = "typ_vector_doc"

    id: Mapped[int] = mapped_column(BigIntIdentity, primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    embedding: Mapped[list[float]] = mapped_column(Vector(3))
    extra: Mapped[Optional[list[float]]] = mapped_column(Vector(3), nullable=True)


def fail(message: str) -> None:
    print(f"crosslang_types.py {COMMAND}: {message}", file=sys.stderr)
    sys.exit(1)


def same(what: str, got: Any, expected: Any) -> None:
    if got != expected:
        fail(f"{what}: got {got!r}, expected {expected!r}")


def auth(session: Session) -> None:
    rows = {r.label: r for r in session.scalars(select(XlAuth).where(XlAuth.origin == "rust"))}
    for spec in SPEC["rows"]:
        label = spec["label"]
        row = rows.get(label)
        if row is None:
            fail(f"Rust row {label!r} missing")
        # TOTPSecret: Fernet under Python's key derivation, the same codes as pyotp's
        same(f"{label}.totp.secret", row.totp.secret, spec["totp"])
        same(f"{label}.totp at {AT}", row.totp._totp().at(AT), spec["totp_at"])
        if not row.totp.verify(row.totp.now()):
            fail(f"{label}.totp: the current code does not verify")
        parsed = pyotp.parse_uri(row.uri)
        same(f"{label}.uri secret", parsed.secret.upper(), spec["totp"].upper())
        same(f"{label}.uri name", parsed.name, spec["account"])
        same(f"{label}.uri issuer", parsed.issuer, spec["issuer"])
        # OneTimeCode: the JSON state and the argon2 hash Rust wrote
        code = row.code
        same(f"{label}.code.is_used", code.is_used, spec["redeemed"])
        same(f"{label}.code.attempts", code.attempts, 1 if spec["redeemed"] else 0)
        same(f"{label}.code.verify", code.verify(spec["code"]), not spec["redeemed"])
        if code.verify(spec["code"] + "0"):
            fail(f"{label}.code: a wrong code verifies")
        # bcrypt written by Rust, verified by passlib
        if not row.password.verify(spec["password"]):
            fail(f"{label}.password: Rust's bcrypt hash does not verify in passlib")
        if row.password.verify(spec["password"] + "x"):
            fail(f"{label}.password: a wrong password verifies")
        if not row.password.hash_string.startswith("$2b$04$"):
            fail(f"{label}.password: {row.password.hash_string[:7]!r} is not bcrypt cost 4")
    # Python's rows, for the Rust side
    for spec in SPEC["rows"]:
        secret = spec["totp"]
        code: Any = spec["code"]
        if spec["redeemed"]:
            state = OneTimeCode(backend=Argon2Hasher()).process_bind_param(code, None)
            hashed = HashedOneTimeCode(state["hash"], Argon2Hasher(), attempts=0)
            ok, code = hashed.register_failure().redeem(spec["code"])
            if not ok:
                fail("Python cannot redeem its own code")
        session.add(
            XlAuth(
                label=spec["label"],
                origin="python",
                totp=secret,
                uri=pyotp.TOTP(secret).provisioning_uri(name=spec["account"], issuer_name=spec["issuer"]),
                code=code,
                password=spec["password"],
            )
        )
    session.commit()
    print(f"checked {len(rows)} Rust rows; wrote {len(SPEC['rows'])}")


def vector(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    rows = {r.label: r for r in session.scalars(select(XlVector))}
    for spec in SPEC["vectors"]:
        label = spec["label"]
        row = rows.get(f"rust-{label}")
        if row is None:
            fail(f"Rust row {label!r} missing")
        for column in ("embedding", "extra"):
            got, want = getattr(row, column), spec[column]
            if want is None:
                same(f"{label}.{column}", got, None)
                continue
            if got is None or len(got) != len(want):
                fail(f"{label}.{column}: got {got!r}, expected {want!r}")
            # float32 in pgvector; JSON keeps the shortest decimal, so exact there
            tolerance = 1e-6 * max(1.0, *map(abs, want)) if dialect == "postgresql" else 0.0
            if any(abs(g - w) > tolerance for g, w in zip(got, want)):
                fail(f"{label}.{column}: got {got!r}, expected {want!r}")
    for spec in SPEC["vectors"]:
        session.add(XlVector(label=f"python-{spec['label']}", embedding=spec["embedding"], extra=spec["extra"]))
    session.commit()
    if dialect != "postgresql":
        # the stored JSON text: json.dumps on both sides
        raw = dict(session.execute(text("SELECT label, embedding FROM typ_vector_doc")).all())
        for spec in SPEC["vectors"]:
            same(f"{spec['label']} as stored", raw[f"rust-{spec['label']}"], raw[f"python-{spec['label']}"])
    print(f"checked {len(SPEC['vectors'])} Rust vectors on {dialect}; wrote {len(SPEC['vectors'])}")


def main() -> None:
    engine = create_engine(URL)
    with Session(engine) as session:
        if COMMAND == "auth":
            auth(session)
        elif COMMAND == "vector":
            vector(session)
        else:
            fail("unknown command")


if __name__ == "__main__":
    main()
