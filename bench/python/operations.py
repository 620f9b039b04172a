"""The eight benchmarked operations, written as a user of Python Advanced Alchemy 1.12 writes
them: a session per operation (as per request), the async repository with
``auto_commit=True`` for writes, ``Tag.as_unique_async`` for get-or-create. Each function
returns the rows it got back, or ``(rows, total)`` for the page."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.utils.text import slugify
from sqlalchemy.ext.asyncio import async_sessionmaker

from models import Post, PostRepository, Tag


async def insert_one(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    title, content, published = msg["post"]
    async with sessions() as session:
        await PostRepository(session=session).add(
            Post(title=title, content=content, published=published), auto_commit=True
        )
    return 1


async def add_many(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    async with sessions() as session:
        posts = await PostRepository(session=session).add_many(
            [Post(title=t, content=c, published=p) for t, c, p in msg["posts"]], auto_commit=True
        )
    return len(posts)


async def get(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    async with sessions() as session:
        await PostRepository(session=session).get(msg["id"])
    return 1


async def get_many_and_count(sessions: async_sessionmaker, msg: dict[str, Any]) -> tuple[int, int]:
    async with sessions() as session:
        page, total = await PostRepository(session=session).list_and_count(
            Post.published == True,  # noqa: E712 (SQL, not Python, comparison)
            OrderBy(field_name="created_at", sort_order="desc"),
            LimitOffset(limit=msg["limit"], offset=msg["offset"]),
        )
    return len(page), total


async def upsert_many(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    async with sessions() as session:
        posts = await PostRepository(session=session).upsert_many(
            [
                Post(title=t, content=c, published=p) if i is None else Post(id=i, title=t, content=c, published=p)
                for i, t, c, p in msg["rows"]
            ],
            auto_commit=True,
        )
    return len(posts)


async def tag_get_or_create(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    async with sessions() as session:
        tags = [await Tag.as_unique_async(session, name=name, slug=slugify(name)) for name in msg["names"]]
        await session.commit()
    return len(tags)


async def update_many(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    async with sessions() as session:
        posts = await PostRepository(session=session).update_many(
            [{"id": i, "title": t} for i, t in msg["rows"]], auto_commit=True
        )
    return len(posts)


async def delete_many(sessions: async_sessionmaker, msg: dict[str, Any]) -> int:
    async with sessions() as session:
        posts = await PostRepository(session=session).delete_many(msg["ids"], auto_commit=True)
    return len(posts)


OPERATIONS = {
    "insert_one": insert_one,
    "add_many": add_many,
    "get": get,
    "get_many_and_count": get_many_and_count,
    "upsert_many": upsert_many,
    "tag_get_or_create": tag_get_or_create,
    "update_many": update_many,
    "delete_many": delete_many,
}
