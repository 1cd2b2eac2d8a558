#!/usr/bin/env bash
# The embedded default in one command: SQLite, Celery eager, demo data, development server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
echo
echo "Open http://${HOST:-127.0.0.1}:${PORT:-8000}/ and log in with a demo user above (e.g. zhang / demo1121)."
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
