"""`make purge-conversations`: deletes every conversation whose latest event is older than
CONVERSATION_RETENTION_HOURS (default 24), from the tracker store named in the endpoints file the
server uses (RASA_ENDPOINTS: bot/endpoints.yml with TRACKER_DB, or the production profile on
PostgreSQL). The running Rasa server does the same on its own schedule (bot/tracker_store.py);
this command is for a cron job, or to purge at once. Prints counts only, never ids or text."""

from __future__ import annotations

import argparse
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path

warnings.filterwarnings("ignore", category=DeprecationWarning)  # Rasa 3.6's import-time noise

from bot.settings import ROOT, settings  # noqa: E402 - after the warnings filter
from bot.tracker_store import ErasingSQLTrackerStore  # noqa: E402 - imports Rasa


def default_endpoints() -> Path:
    """The endpoints file the Rasa server uses: RASA_ENDPOINTS (the production profile), else bot/endpoints.yml."""
    return ROOT / settings().rasa_endpoints


def open_store(endpoints: Path | None = None) -> ErasingSQLTrackerStore:
    from rasa.core.utils import AvailableEndpoints

    endpoints = endpoints or default_endpoints()
    config = AvailableEndpoints.read_endpoints(str(endpoints)).tracker_store
    if config is None or config.type != "bot.tracker_store.ErasingSQLTrackerStore":
        raise SystemExit(f"{endpoints} does not configure bot.tracker_store.ErasingSQLTrackerStore")
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # Rasa resets the filters on import
    # As Rasa builds a custom store: the endpoints file's `url` is the database host.
    return ErasingSQLTrackerStore(domain=None, purge_schedule=False, host=config.url, **config.kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", type=Path, default=None, help="default: RASA_ENDPOINTS")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    store = open_store(args.endpoints)
    conversations, events = store.purge_expired()
    print(
        f"Deleted {conversations} conversation(s) ({events} events) with no activity in the last "
        f"{store.retention_hours:g} hours."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
