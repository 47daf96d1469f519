"""Settings for the action server, read once from the environment (and .env, if present)."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
load_dotenv(PROJECT_ROOT / ".env")

# The knowledge and wording the action server reads (services, questions). Overridable for tests.
DATA_DIR = Path(os.environ.get("RECLAIM_DATA_DIR", PROJECT_ROOT / "data"))
