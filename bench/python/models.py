"""The seed's blog models (posts, tags, post_tag) declared as Python Advanced Alchemy 1.12's
modeling guide declares them, mapped onto the tables the Rust side created with
``advanced_alchemy::registry::create_all`` (same names, same columns)."""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from typing import Optional

from advanced_alchemy.base import BigIntAuditBase, orm_registry
from advanced_alchemy.mixins import SlugKey, UniqueMixin
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.utils.text import slugify
from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

post_tag = Table(
    "post_tag",
    orm_registry.metadata,
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Post(BigIntAuditBase):
    """Blog post: BIGINT id, created_at/updated_at from the base."""

    title: Mapped[str] = mapped_column(index=True)
    content: Mapped[str]
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[Optional[datetime.datetime]] = mapped_column(default=None)


class Tag(BigIntAuditBase, SlugKey, UniqueMixin):
    """Tag with a unique name and slug; get-or-create through ``as_unique_async``."""

    name: Mapped[str] = mapped_column(unique=True, index=True)

    @classmethod
    def unique_hash(cls, name: str, slug: Optional[str] = None) -> Hashable:
        return slugify(name)

    @classmethod
    def unique_filter(cls, name: str, slug: Optional[str] = None) -> ColumnElement[bool]:
        return cls.slug == slugify(name)


class PostRepository(SQLAlchemyAsyncRepository[Post]):
    """The async repository for posts."""

    model_type = Post
