#!/usr/bin/env bash
# The embedded default in one command: SQLite, Celery eager, demo data, development server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Links in e-mails point where this server runs, unless SITE_URL says otherwise.
export SITE_URL="${SITE_URL:-http://${HOST:-127.0.0.1}:${PORT:-8000}}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
echo
echo "Open http://${HOST:-127.0.0.1}:${PORT:-8000}/ and log in with a demo user above (e.g. zhang / demo1121)."
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
