"""Where the counts live: one SQL table of (tenant, day, metric, value) -> count. Nothing else.

SQLite by default (METRICS_DB_URL, a file under var/), PostgreSQL for several Rasa servers. Adding is
an atomic upsert (INSERT ... ON CONFLICT DO UPDATE SET count = count + n), so servers writing at once
never lose or double a count. SQLAlchemy 1.4 in 2.0 style (the Rasa environment pins 1.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.settings import ROOT, settings

DEFAULT_URL = "sqlite:///var/metrics.db"

Key = tuple[str, dt.date, str, str]  # tenant, day, metric, value

metadata = sa.MetaData()
counts = sa.Table(
    "reclaim_metric_counts",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("metric", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(100), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)


def database_url() -> str:
    """METRICS_DB_URL, with a relative SQLite path taken from the repository root."""
    url = settings().metrics_db_url or DEFAULT_URL
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        path = ROOT / url[len(prefix) :]
        path.parent.mkdir(parents=True, exist_ok=True)
        url = prefix + str(path)
    return url


class MetricsStore:
    def __init__(self, url: str | None = None) -> None:
        url = url or database_url()
        # Counts are written by one background flush at a time: a small pool, so N Rasa servers sharing one
        # PostgreSQL stay well inside its max_connections (docs/deploy/scale-out.md). SQLite pools differently.
        pool = {} if url.startswith("sqlite") else {"pool_size": 1, "max_overflow": 1}
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True, **pool)
        metadata.create_all(self.engine)

    def add(self, increments: Mapping[Key, int]) -> None:
        """Adds every count in one transaction."""
        rows = [
            {"tenant": t, "day": d, "metric": m, "value": v, "count": n}
            for (t, d, m, v), n in increments.items()
            if n > 0
        ]
        if not rows:
            return
        dialect = self.engine.dialect.name
        with self.engine.begin() as connection:
            if dialect in ("sqlite", "postgresql"):
                insert = (sqlite if dialect == "sqlite" else postgresql).insert(counts)
                statement = insert.on_conflict_do_update(
                    index_elements=[counts.c.tenant, counts.c.day, counts.c.metric, counts.c.value],
                    set_={"count": counts.c.count + insert.excluded.count},
                )
                for row in rows:
                    connection.execute(statement, row)
                return
            for row in rows:  # other databases: update, else insert (one transaction)
                key = sa.and_(*(counts.c[k] == row[k] for k in ("tenant", "day", "metric", "value")))
                updated = connection.execute(
                    sa.update(counts).where(key).values(count=counts.c.count + row["count"])
                ).rowcount
                if not updated:
                    connection.execute(sa.insert(counts).values(**row))

    def daily(self, tenant: str, first: dt.date, last: dt.date) -> dict[tuple[str, str, dt.date], int]:
        """One tenant's counts from `first` to `last` inclusive: (metric, value, day) -> count."""
        query = sa.select(counts.c.metric, counts.c.value, counts.c.day, counts.c.count).where(
            counts.c.tenant == tenant, counts.c.day >= first, counts.c.day <= last
        )
        with self.engine.connect() as connection:
            return {(m, v, d): n for m, v, d, n in connection.execute(query)}

    def dispose(self) -> None:
        self.engine.dispose()


def merge(into: dict[Key, int], keys: Iterable[Key]) -> None:
    for key in keys:
        into[key] = into.get(key, 0) + 1
