#!/usr/bin/env bash
# Audits both Python environments for known vulnerabilities with pip-audit (PyPI's advisory data, or OSV
# with AUDIT_SERVICE=osv). pip-audit lives in its own throwaway environment, .venv/audit, so it never
# changes the Rasa or action server pins. Needs the internet: not part of `make test`.
# --strict: a package that could not be checked fails the audit instead of passing silently
# (without access to the advisory service pip-audit otherwise prints "No known vulnerabilities found").
# Findings and what each one means for Reclaim: docs/security/audit.md.
set -uo pipefail
cd "$(dirname "$0")/.."
audit_venv=.venv/audit
service="${AUDIT_SERVICE:-pypi}"
out=results/audit
mkdir -p "$out"

if [[ ! -x "$audit_venv/bin/pip-audit" ]]; then
  "$(scripts/find-python.sh 3.12 3.11)" -m venv "$audit_venv" || exit 1
  "$audit_venv/bin/python" -m pip install --quiet --disable-pip-version-check "pip-audit==2.10.1" || exit 1
fi
echo "$("$audit_venv/bin/pip-audit" --version), vulnerability service: $service, $(date -u +%FT%TZ)"

status=0
for env in rasa actions; do
  echo "== .venv/$env"
  ".venv/$env/bin/python" -m pip freeze --all --disable-pip-version-check > "$out/$env-freeze.txt"
  "$audit_venv/bin/pip-audit" --strict --no-deps --disable-pip --vulnerability-service "$service" \
    --desc on --aliases on -r "$out/$env-freeze.txt" -f json -o "$out/$env.json" 2>"$out/$env.log" || status=1
  grep -v -e 'encouraged to fully hash' -e 'pip-compile' "$out/$env.log" | tail -n 5
  [[ -s "$out/$env.json" ]] && "$audit_venv/bin/python" - "$out/$env.json" <<'PY'
import json, sys
deps = json.load(open(sys.argv[1])).get("dependencies", [])
found = [(d["name"], d["version"], v) for d in deps for v in d.get("vulns", [])]
skipped = [d["name"] for d in deps if "skip_reason" in d]
for name, version, v in found:
    ids = ", ".join([v["id"], *v.get("aliases", [])])
    print(f"  {name} {version}: {ids}; fixed in {', '.join(v.get('fix_versions', [])) or 'no fixed release'}")
print(f"  {len(deps)} packages, {len(found)} advisories, {len(skipped)} not checked")
PY
done
echo "JSON reports: $out/rasa.json, $out/actions.json"
exit "$status"
