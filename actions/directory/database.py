"""The directory database: which one (`DATABASE_URL`), and creating its tables.

`DATABASE_URL` is any SQLAlchemy URL. Empty or unset: a SQLite file, var/directory.db in the repository.
PostgreSQL works too: postgresql+psycopg://user:password@host:5432/dbname (plain postgresql:// is read as
psycopg, the driver installed).

Schema: `create_schema` creates the tables that are missing and never drops or alters anything, so it is
safe to run on every load. If a table from an older version lacks a column, it stops and names the column
to add (ALTER TABLE ... ADD COLUMN ...) rather than touching the data.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.engine import URL, make_url

from actions.directory.models import Base
from actions.settings import PROJECT_ROOT, settings

DEFAULT_SQLITE_FILE = PROJECT_ROOT / "var" / "directory.db"
# Short waits: when the database is down, the action server falls back to the YAML quickly.
CONNECT_TIMEOUT_SECONDS = 5


class SchemaOutOfDate(RuntimeError):
    """A directory table exists but lacks columns this version needs."""


def database_url() -> str:
    """DATABASE_URL, or the default SQLite file when it is empty or unset."""
    return settings().database_url or f"sqlite:///{DEFAULT_SQLITE_FILE}"


def _with_driver(url: URL) -> URL:
    """postgres:// and postgresql:// use psycopg (v3), the driver in actions/requirements.txt."""
    if url.drivername in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg")
    return url


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: database_url()). Creates var/ for the default SQLite file."""
    url = url or database_url()
    if url == f"sqlite:///{DEFAULT_SQLITE_FILE}":
        DEFAULT_SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    parsed = _with_driver(make_url(url))
    if parsed.get_backend_name() == "sqlite":
        return create_engine(parsed, hide_parameters=True, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS})
    options: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return create_engine(
        parsed,
        hide_parameters=True,
        pool_size=2,
        max_overflow=2,
        pool_timeout=CONNECT_TIMEOUT_SECONDS,
        pool_recycle=1800,
        pool_pre_ping=True,
        **options,
    )


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The shared engine for the current DATABASE_URL (one pool per URL, made on first use)."""
    return _engine_for(database_url())


def create_schema(engine: Engine) -> None:
    """Creates the missing directory tables. Never drops or alters a table, so no data is ever lost.
    Raises SchemaOutOfDate, naming the columns to add, when an existing table lacks some."""
    Base.metadata.create_all(engine)
    with engine.connect() as connection:
        translate = connection.get_execution_options().get("schema_translate_map") or {}
        inspector = inspect(connection)
        missing = []
        for table in Base.metadata.sorted_tables:
            schema = translate.get(table.schema, table.schema)
            present = {column["name"] for column in inspector.get_columns(table.name, schema=schema)}
            missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in present]
    if missing:
        raise SchemaOutOfDate(
            f"the directory tables lack columns {', '.join(missing)}: add them with ALTER TABLE ... ADD COLUMN "
            "(see actions/directory/models.py for their types); Reclaim never drops tables"
        )
