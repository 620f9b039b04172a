"""The Python half of the pgcrypto cross-language test (tests/backends/types_pgcrypto.rs).

Python's Advanced Alchemy, with ``EncryptedString(key=KEY, backend=PGCryptoBackend)``,
encrypts and decrypts in PostgreSQL; the Rust library does it on the client. Both use
the table ``xl_pgcrypto`` (created by the Rust side) and the key and plaintexts of
tests/fixtures/python_pgcrypto.json.

    pgcrypto.py write URL SPEC   write one row per plaintext (origin 'python')
    pgcrypto.py check URL SPEC   read the Rust rows (origin 'rust') through the column
                                 type: the same plaintexts, in order

URL is an SQLAlchemy URL (postgresql+pg8000://…). Exits non-zero on the first difference.
"""

import json
import sys

from sqlalchemy import BigInteger, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from advanced_alchemy.types.encrypted_string import EncryptedString, PGCryptoBackend

COMMAND, URL, SPEC_PATH = sys.argv[1:4]
with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = json.load(f)
PLAINTEXTS = [u["plaintext"] for u in SPEC["updates"]]


class Base(DeclarativeBase):
    pass


class XlPgcrypto(Base):
    __tablename__ = "xl_pgcrypto"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(String(10))
    secret: Mapped[str] = mapped_column(EncryptedString(key=SPEC["key"], backend=PGCryptoBackend))


def main() -> None:
    with Session(create_engine(URL)) as session:
        if COMMAND == "write":
            session.add_all(XlPgcrypto(origin="python", secret=p) for p in PLAINTEXTS)
            session.commit()
        elif COMMAND == "check":
            query = select(XlPgcrypto.secret).where(XlPgcrypto.origin == "rust").order_by(XlPgcrypto.id)
            got = list(session.scalars(query))
            if got != PLAINTEXTS:
                print(f"pgcrypto.py check: got {got!r}, expected {PLAINTEXTS!r}", file=sys.stderr)
                sys.exit(1)
            print(f"checked {len(got)} Rust rows")
        else:
            sys.exit(f"unknown command {COMMAND}")


if __name__ == "__main__":
    main()
