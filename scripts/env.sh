# Sourced by the other scripts and the Makefile: settings come from the environment first, then .env,
# then the documented defaults in .env.example. Keep .env.example listing every setting.
_reclaim_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_reclaim_load_defaults() {  # file: export each KEY=value line whose KEY is not set yet
  local line key
  [[ -f "$1" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || continue
    key="${line%%=*}"
    [[ -n "${!key+x}" ]] || export "$key=${line#*=}"
  done < "$1"
}
_reclaim_load_defaults "$_reclaim_root/.env"
_reclaim_load_defaults "$_reclaim_root/.env.example"

# Derived settings that follow the ports unless set explicitly.
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"
export SANIC_HOST="${ACTION_HOST}"
# The project's own packages (bot/, actions/) import from the repository root.
export PYTHONPATH="$_reclaim_root${PYTHONPATH:+:$PYTHONPATH}"
# Rasa 3.6 uses SQLAlchemy 1.4 on purpose; its "prepare for 2.0" banner is noise here.
export SQLALCHEMY_SILENCE_UBER_WARNING=1
