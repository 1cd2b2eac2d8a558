#!/usr/bin/env bash
# The whole test suite. SQLite by default; DATABASE_URL / REDIS_URL select PostgreSQL and a real
# Celery broker (that is what .ci/run does). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DJANGO_SETTINGS_MODULE=config.settings.test
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without migrations: run manage.py makemigrations" >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"
