from sqlalchemy import text


async def test_database_is_migrated(session):
    tables = (await session.execute(text("select count(*) from information_schema.tables where table_schema='public'"))).scalar()
    assert tables >= 19


async def test_redis_answers(redis_client):
    await redis_client.set("k", "v")
    assert await redis_client.get("k") == b"v"
