#!/usr/bin/env bash
# Fuzz the REST API with schemathesis against the running app: gunicorn on loopback, the demo data
# in a throwaway SQLite database (the embedded default, where most 500s showed), Celery eager.
# Every operation of the OpenAPI schema is tried as two roles (an enterprise R&D manager and a
# university TTO officer, by token), a fixed number of examples per operation; the run fails on
# any 5xx. Called by .ci/run after the suite.
#
#   scripts/fuzz.sh                      # FUZZ_EXAMPLES=10 per operation and role (~2,000 cases each)
#   FUZZ_EXAMPLES=50 FUZZ_USERS="zhang li" scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

examples=${FUZZ_EXAMPLES:-10}
users=${FUZZ_USERS:-"zhang tto"}
port=${FUZZ_PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-XXXXXX")
reports=${FUZZ_REPORT_DIR:-$work}
base="http://127.0.0.1:$port"

# The app under test: its own database, media, matching index and in-process Celery; nothing of CI's.
unset REDIS_URL CELERY_TASK_ALWAYS_EAGER
export DATABASE_URL="sqlite:///$work/db.sqlite3" MEDIA_ROOT="$work/media" MATCHING_INDEX_DIR="$work/matching"
export DJANGO_SETTINGS_MODULE=config.settings.base DEBUG=0 SECRET_KEY=fuzz-only-not-a-secret
export SITE_URL="$base" LOG_LEVEL=WARNING

gunicorn_pid=
cleanup() {
  if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v 0 >/dev/null 2>&1 || true
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers 2 --threads 2 --timeout 120 \
  --access-logfile /dev/null --error-logfile "$work/gunicorn.log" >>"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 60); do curl -s -o /dev/null "$base/accounts/login/" && break; sleep 1; done

status=0
total=0
for user in $users; do
  token=$(.venv/bin/python manage.py create_api_token "$user" --days 1 2>/dev/null)
  curl -sf -H "Authorization: Token $token" "$base/api/schema/?format=json" -o "$work/schema.json"
  echo "== schemathesis as $user: $examples examples per operation =="
  set +e
  .venv/bin/schemathesis run "$work/schema.json" --url "$base" \
    -H "Authorization: Token $token" \
    --checks not_a_server_error --phases examples,fuzzing \
    --max-examples "$examples" --seed 1121 --workers 2 --request-timeout 60 \
    --suppress-health-check all --no-color --warnings off \
    --report ndjson --report-ndjson-path "$reports/$user.ndjson" 2>&1 | tail -n 40
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || status=1
  total=$((total + $(.venv/bin/python - "$reports/$user.ndjson" <<'PY'
import json, sys
count = 0
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    finished = event.get("ScenarioFinished")
    if finished:
        count += len((finished.get("recorder") or {}).get("interactions") or {})
print(count)
PY
)))
done
if grep -q "Traceback\|Internal Server Error" "$work/gunicorn.log" 2>/dev/null; then
  echo "== server errors logged by gunicorn =="; grep -B2 -A25 "Traceback" "$work/gunicorn.log" | tail -n 80
fi
echo "fuzz: $total cases as [$users], $(grep -c "Internal Server Error" "$work/gunicorn.log" || true) server errors logged, exit $status"
exit $status
