"""The service directory: services and platforms, kept as YAML in data/ and loaded into a database.

- `yaml_source`: reads and checks the YAML files (the source of truth).
- `models`: the SQLAlchemy tables. `database`: the engine (`DATABASE_URL`) and `create_schema`.
- `load`: the idempotent loader, `python -m actions.directory.load [--prune]` (`make load-directory`).
- `records`: the plain, frozen records the rest of the action server uses.
- `repository`: reads records from the database, or from the YAML when the database is unavailable.
"""

from actions.directory.records import PlatformRecord, ServiceRecord
from actions.directory.repository import Directory, load_directory

__all__ = ["Directory", "PlatformRecord", "ServiceRecord", "load_directory"]
