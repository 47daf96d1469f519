#!/usr/bin/env bash
# Prints the path of a Python interpreter for one of the versions given, in order of preference.
#   scripts/find-python.sh 3.10          -> the Rasa server's Python (override: PYTHON310=/path)
#   scripts/find-python.sh 3.12 3.11     -> the action server's Python (override: PYTHON_ACTIONS=/path)
# Looks at the override, then PATH, then pyenv's versions, then /usr/bin. Exits 1 with advice if none is found.
set -euo pipefail

override=""
case "${1:-}" in
  3.10) override="${PYTHON310:-}" ;;
  *) override="${PYTHON_ACTIONS:-}" ;;
esac
if [[ -n "$override" ]]; then
  if [[ -x "$override" ]]; then echo "$override"; exit 0; fi
  echo "The Python given in the environment does not exist or is not executable: $override" >&2
  exit 1
fi

pyenv_root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
for version in "$@"; do
  candidates=("$(command -v "python$version" 2>/dev/null || true)")
  # newest patch release first
  for found in $(ls -d "$pyenv_root"/versions/"$version".*/bin/"python$version" 2>/dev/null | sort -V -r); do
    candidates+=("$found")
  done
  candidates+=("/usr/bin/python$version" "/usr/local/bin/python$version")
  for candidate in "${candidates[@]}"; do
    # a pyenv shim exists on PATH even when the version is not installed, so check that it runs
    if [[ -n "$candidate" && -x "$candidate" ]] && "$candidate" -c 'import venv' >/dev/null 2>&1; then
      echo "$candidate"
      exit 0
    fi
  done
done

cat >&2 <<MSG
Could not find Python $* (with the venv module).
Install one of them, for example:
  pyenv install $1          (https://github.com/pyenv/pyenv)
  apt-get install python$1 python$1-venv
or point to it: PYTHON310=/path/to/python3.10 (Rasa) or PYTHON_ACTIONS=/path/to/python3.12 (actions).
MSG
exit 1
