"""Loads the YAML directory (data/services, data/platforms) into the database: `make load-directory`.

    python -m actions.directory.load [--prune] [--data DIR]

Idempotent: every entry is upserted by id (inserted if new, updated if it changed, left alone if not), so
running it twice changes nothing the second time. An entry removed from the YAML stays in the database
unless --prune is given: by default nothing is ever deleted. Every entry is checked before the database
is touched, and the whole load is one transaction.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.directory.database import SchemaOutOfDate, create_schema, get_engine
from actions.directory.models import Base, Platform, Service, as_row
from actions.directory.yaml_source import DirectoryDataError, read_platforms, read_services
from actions.settings import settings

log = logging.getLogger(__name__)

COUNTS = ("inserted", "updated", "unchanged", "pruned")


def _upsert(
    session: Session, model: type[Base], rows: list[dict[str, Any]], prune: bool, counts: dict[str, int]
) -> None:
    existing = {obj.id: obj for obj in session.scalars(select(model))}  # type: ignore[attr-defined]
    for row in rows:
        obj = existing.get(row["id"])
        if obj is None:
            session.add(model(**row))
            counts["inserted"] += 1
        elif as_row(obj) != row:
            for key, value in row.items():
                if getattr(obj, key) != value:
                    setattr(obj, key, value)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    gone = sorted(set(existing) - {row["id"] for row in rows})
    if gone and prune:
        session.execute(delete(model).where(model.id.in_(gone)))  # type: ignore[attr-defined]
        counts["pruned"] += len(gone)
    elif gone:
        log.warning(
            "%s: %d entries are no longer in the YAML and were kept (--prune deletes them): %s",
            model.__tablename__,
            len(gone),
            ", ".join(gone),
        )


def load(engine: Engine | None = None, data_dir: Path | None = None, prune: bool = False) -> dict[str, int]:
    """Loads every service and platform; returns counts of inserted, updated, unchanged and pruned entries.
    Raises DirectoryDataError (naming the file and id) before touching the database if an entry is bad."""
    data_dir = data_dir or settings().reclaim_data_dir
    services = read_services(data_dir)
    platforms = read_platforms(data_dir)
    engine = engine or get_engine()
    create_schema(engine)
    counts = dict.fromkeys(COUNTS, 0)
    with Session(engine) as session, session.begin():
        _upsert(session, Service, services, prune, counts)
        _upsert(session, Platform, platforms, prune, counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prune", action="store_true", help="also delete database entries no longer in the YAML")
    data = settings().reclaim_data_dir
    parser.add_argument("--data", type=Path, default=data, help="the data folder (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        engine = get_engine()
    except (SQLAlchemyError, ImportError) as error:
        print(f"load-directory: DATABASE_URL is not usable: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    where = engine.url.render_as_string(hide_password=True)
    try:
        counts = load(engine, args.data, prune=args.prune)
    except DirectoryDataError as error:
        print(f"load-directory: bad data: {error}", file=sys.stderr)
        return 2
    except SchemaOutOfDate as error:
        print(f"load-directory: {where}: {error}", file=sys.stderr)
        return 3
    except SQLAlchemyError as error:
        print(
            f"load-directory: cannot load into {where}: "
            f"{type(error).__name__}: {getattr(error, 'orig', None) or error}",
            file=sys.stderr,
        )
        return 1
    print(f"Directory loaded into {where}: " + ", ".join(f"{counts[key]} {key}" for key in COUNTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
