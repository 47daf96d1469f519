# Sourced by the other scripts: loads .env (if any) over the documented defaults in .env.example.
# Every setting is documented in .env.example; keep the two in step.
set -a
# shellcheck disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/../.env.example"
if [[ -f "$(dirname "${BASH_SOURCE[0]}")/../.env" ]]; then
  # shellcheck disable=SC1091
  source "$(dirname "${BASH_SOURCE[0]}")/../.env"
fi
# Derived settings that follow the ports unless set explicitly.
ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"
SANIC_HOST="${ACTION_HOST}"
# The project's own packages (bot/, actions/) import from the repository root.
PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"
# Rasa 3.6 uses SQLAlchemy 1.4 on purpose; its "prepare for 2.0" banner is noise here.
SQLALCHEMY_SILENCE_UBER_WARNING=1
set +a
