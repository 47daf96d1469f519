#!/usr/bin/env bash
# scripts/make-venv.sh PYTHON VENV REQUIREMENTS CONSTRAINTS
# Creates VENV with PYTHON (or reuses it if it already runs that Python), installs REQUIREMENTS held to
# CONSTRAINTS, and fails if 'pip check' finds a broken dependency.
set -euo pipefail
python="$1" venv="$2" requirements="$3" constraints="$4"

want="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
have="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
if [[ "$have" != "$want" ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints"
"$venv/bin/python" -m pip check
