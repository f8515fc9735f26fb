"""A fresh PostgreSQL database per test, when ELC_TEST_PG_URL names a server."""

import os
import uuid

import pytest

BASE = os.environ.get("ELC_TEST_PG_URL")


def admin_url(url: str) -> str:
    """``url`` as psycopg takes it (no SQLAlchemy driver prefix)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def pg_url():
    if not BASE:
        pytest.skip("no PostgreSQL server (set ELC_TEST_PG_URL)")
    psycopg = pytest.importorskip("psycopg")
    name = f"elc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url(BASE), autocommit=True) as conn:
        conn.execute(f"create database {name}")
    yield BASE.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url(BASE), autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")
