"""The web benchmark's Python side: blog_api's ``GET /posts`` and ``POST /posts`` on Litestar
with Python Advanced Alchemy 1.12's own plugin (``SQLAlchemyPlugin``, autocommit
``before_send_handler``, ``create_filter_dependencies``, ``SQLAlchemyAsyncRepositoryService``),
over the tables the Rust side created. Run by scripts/bench-web under uvicorn:

    DATABASE_URL=postgresql+asyncpg://… uvicorn --app-dir bench/python web_litestar:app
"""

from __future__ import annotations

import datetime
import os
from collections.abc import AsyncGenerator, Hashable
from typing import Annotated, Optional

import msgspec
from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from advanced_alchemy.extensions.litestar.providers import create_filter_dependencies
from advanced_alchemy.filters import FilterTypes
from advanced_alchemy.mixins import SlugKey, UniqueMixin
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import OffsetPagination, SQLAlchemyAsyncRepositoryService
from advanced_alchemy.utils.text import slugify
from litestar import Litestar, get, post
from litestar.di import Provide
from litestar.params import Dependency
from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

post_tag = Table(
    "post_tag",
    BigIntAuditBase.metadata,
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(BigIntAuditBase, SlugKey, UniqueMixin):
    name: Mapped[str] = mapped_column(unique=True, index=True)

    @classmethod
    def unique_hash(cls, name: str, slug: Optional[str] = None) -> Hashable:
        return slugify(name)

    @classmethod
    def unique_filter(cls, name: str, slug: Optional[str] = None) -> ColumnElement[bool]:
        return cls.slug == slugify(name)


class Post(BigIntAuditBase):
    title: Mapped[str] = mapped_column(index=True)
    content: Mapped[str]
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[Optional[datetime.datetime]] = mapped_column(default=None)
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, lazy="noload")


class PostService(SQLAlchemyAsyncRepositoryService[Post]):
    class Repo(SQLAlchemyAsyncRepository[Post]):
        model_type = Post

    repository_type = Repo


class TagRead(msgspec.Struct):
    id: int
    name: str
    slug: str


class PostSummary(msgspec.Struct):
    id: int
    title: str
    content: str
    published: bool
    published_at: Optional[datetime.datetime]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PostRead(PostSummary):
    tags: list[TagRead]


class PostCreate(msgspec.Struct):
    title: str
    content: str = ""
    tags: list[str] = []


async def provide_posts_service(db_session: AsyncSession) -> AsyncGenerator[PostService, None]:
    async with PostService.new(session=db_session) as service:
        yield service


@get(
    "/posts",
    dependencies=create_filter_dependencies(
        {
            "pagination_type": "limit_offset",
            "pagination_size": 20,
            "sort_field": "created_at",
            "sort_order": "desc",
            "boolean_fields": ["published"],
        }
    ),
)
async def list_posts(
    posts_service: PostService,
    filters: Annotated[list[FilterTypes], Dependency(skip_validation=True)],
) -> OffsetPagination[PostSummary]:
    results, total = await posts_service.list_and_count(*filters)
    return posts_service.to_schema(results, total, filters=filters, schema_type=PostSummary)


@post("/posts")
async def create_post(data: PostCreate, posts_service: PostService, db_session: AsyncSession) -> PostRead:
    tags = [await Tag.as_unique_async(db_session, name=name, slug=slugify(name)) for name in data.tags]
    created = await posts_service.create(Post(title=data.title, content=data.content, published=False, tags=tags))
    summary = posts_service.to_schema(created, schema_type=PostSummary)
    # (the relationship is not loaded back: the tags are the ones just linked, as blog_api answers)
    return PostRead(
        **msgspec.structs.asdict(summary), tags=[TagRead(id=t.id, name=t.name, slug=t.slug) for t in tags]
    )


alchemy = SQLAlchemyAsyncConfig(
    connection_string=os.environ["DATABASE_URL"],
    before_send_handler="autocommit",
    session_config=AsyncSessionConfig(expire_on_commit=False),
    create_all=False,
)
app = Litestar(
    route_handlers=[list_posts, create_post],
    dependencies={"posts_service": Provide(provide_posts_service)},
    plugins=[SQLAlchemyPlugin(config=alchemy)],
)
