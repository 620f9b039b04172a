"""Creates the CLI tests' `python` model set with Python's Advanced Alchemy
(`create_all`); the Rust side (tests/cli/app/models.rs, `python`) must diff empty.

Usage: cli_models.py <SQLAlchemy URL>
"""

import datetime as dt
import sys
import uuid
from typing import Any, Optional

from advanced_alchemy.base import BigIntAuditBase, UUIDv7AuditBase
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, String, create_engine
from sqlalchemy.orm import Mapped, mapped_column


class CliTag(BigIntAuditBase):
    __tablename__ = "cli_tag"

    name: Mapped[str] = mapped_column(String(50), unique=True, index=True)


class CliNote(UUIDv7AuditBase):
    __tablename__ = "cli_note"

    title: Mapped[str] = mapped_column(String(100), index=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    happened_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    maybe_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    ref_id: Mapped[uuid.UUID] = mapped_column(GUID)
    payload: Mapped[Any] = mapped_column(JsonB)
    tag_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cli_tag.id", ondelete="SET NULL"), nullable=True)


if __name__ == "__main__":
    engine = create_engine(sys.argv[1])
    CliTag.metadata.create_all(engine, tables=[CliTag.__table__, CliNote.__table__])
