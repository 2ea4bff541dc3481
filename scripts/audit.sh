#!/usr/bin/env bash
# Supply chain and source audit: pip-audit on the installed environment, bandit on src/.
#
# Exits non-zero on a known vulnerability in an installed package or a bandit finding that is not explained
# below. When the PyPI vulnerability service cannot be reached (or answers for no package), it says so and
# fails only on findings, never on the unreachable service.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
status=0

# ------------------------------------------------------------------ pip-audit
# Vulnerabilities that do not apply here, one --ignore-vuln line each, with the reason.
IGNORED_VULNS=(
  # (none at present)
)
echo "== pip-audit (installed environment, PyPI vulnerability data)"
audit_json=$(mktemp)
trap 'rm -f "$audit_json" "${bandit_json:-}"' EXIT
"$PYTHON" -m pip_audit --vulnerability-service pypi --progress-spinner off --format json \
  --output "$audit_json" "${IGNORED_VULNS[@]}" 2>/dev/null
"$PYTHON" - "$audit_json" <<'PY' || status=1
import json, sys

try:
    with open(sys.argv[1]) as handle:
        report = json.load(handle)
except (OSError, ValueError):
    print("pip-audit could not run or could not reach the PyPI vulnerability service: packages NOT audited.")
    sys.exit(0)
dependencies = report.get("dependencies", [])
skipped = [d for d in dependencies if d.get("skip_reason")]
audited = [d for d in dependencies if not d.get("skip_reason")]
findings = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
for name, version, vuln in findings:
    fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
    print(f"VULNERABLE {name} {version}: {vuln['id']} (fixed in {fixes})")
if skipped and not audited:
    print(f"The PyPI vulnerability service did not answer for any of the {len(skipped)} packages "
          "(its JSON API is out of reach from here): nothing could be audited. Run this again where pypi.org "
          "answers.")
elif skipped:
    print(f"{len(audited)} packages audited; {len(skipped)} skipped (not on PyPI, or not answered): "
          + ", ".join(sorted(d["name"] for d in skipped)))
else:
    print(f"{len(audited)} packages audited.")
print(f"{len(findings)} known vulnerabilities.")
sys.exit(1 if findings else 0)
PY

# ------------------------------------------------------------------ bandit
# Findings reviewed and found not to apply, by test and file (the line may move), with the reason.
# Global skips live in [tool.bandit] of pyproject.toml, each explained there.
EXPLAINED=(
  # Runs pg_dump/pg_restore with an argument list (no shell), the program and options from settings.
  "B603 src/commonbeat/core/backup.py"
  # Demo data: random names, times and answers for the seeded demo agency, never secrets.
  "B311 src/commonbeat/core/management/commands/seed_demo.py"
  "B311 src/commonbeat/patrols/seeding.py"
  # Bulk inserts of demo data: only table and column names (quoted by the connection) are formatted into
  # the statement; every value is a query parameter.
  "B608 src/commonbeat/patrols/seeding.py"
  "B608 src/commonbeat/surveys/seeding.py"
  # The trust index reads responses by a binary COPY wrapped around Django's compiled query: only fixed
  # column names are formatted in; every value travels as a query parameter.
  "B608 src/commonbeat/insights/trust_index.py"
  # The live complaints CSV on PostgreSQL: a COPY wrapped around Django's compiled query; only fixed names are
  # formatted in, and the published cells, words and time zone travel as query parameters.
  "B608 src/commonbeat/transparency/datasets.py"
  # The monthly report's HTML is rendered by our own template (every value escaped there) when the report
  # is built, stored, then shown and printed as it is.
  "B308 src/commonbeat/insights/monthly_views.py"
  "B703 src/commonbeat/insights/monthly_views.py"
  "B308 src/commonbeat/insights/services.py"
  "B703 src/commonbeat/insights/services.py"
  # Open311 XML answers are built with ElementTree; nothing parses XML from a request.
  "B405 src/commonbeat/open311/rendering.py"
  # The test settings' key, used only by the test suite; production settings demand SECRET_KEY.
  "B105 src/commonbeat/settings/test.py"
)
echo "== bandit -r src -c pyproject.toml"
bandit_json=$(mktemp)
"$PYTHON" -m bandit -r src -c pyproject.toml -q -f json -o "$bandit_json" >/dev/null 2>&1
EXPLAINED_LIST=$(printf '%s\n' "${EXPLAINED[@]}") "$PYTHON" - "$bandit_json" <<'PY' || status=1
import json, os, sys

with open(sys.argv[1]) as handle:
    report = json.load(handle)
explained = {tuple(line.split(" ", 1)) for line in os.environ["EXPLAINED_LIST"].splitlines() if line}
if report.get("errors"):
    for error in report["errors"]:
        print(f"bandit could not scan {error['filename']}: {error['reason']}")
found = report.get("results", [])
unexplained = [r for r in found if (r["test_id"], r["filename"]) not in explained]
for r in found:
    mark = "explained" if r not in unexplained else "UNEXPLAINED"
    print(f"{mark:11} {r['test_id']} {r['issue_severity']:6} {r['filename']}:{r['line_number']} {r['issue_text']}")
stale = explained - {(r["test_id"], r["filename"]) for r in found}
for test_id, filename in sorted(stale):
    print(f"no longer found (remove from EXPLAINED): {test_id} {filename}")
print(f"{len(found)} findings, {len(unexplained)} unexplained.")
sys.exit(1 if unexplained or report.get("errors") else 0)
PY

exit $status
