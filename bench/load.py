"""Load test (issue 12): throughput and latency of the platform under 10, 50 and 100 signed-in users at once,
against gunicorn + PostgreSQL + Redis on loopback, with `seed_scale --scale 1` data.

    python bench/load.py --db postgres://platform:platform@127.0.0.1/scale1 \\
                         [--redis redis://127.0.0.1:6379/0] [--users 10,50,100] [--seconds 60] [--workers 4]

Needs the `bench` extra (locust). Each simulated user is a different account (its role's pages and API
lists: home, pools, workbenches, challenge and project lists, dashboards, the API's lists and KPIs),
signed in through a session made beforehand (the login itself, a deliberate PBKDF2 cost, is not what is
measured), waiting 0.5–2 s between requests. gunicorn runs as in production (DEBUG off, persistent
database connections, cache and sessions in Redis); every answer other than 200 counts as an error.
Prints, per step: requests, errors, throughput and p50/p95/p99 in ms; also written as JSON to --json.
Writes only the benchmark's sessions to the database (deleted at the end).
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

# gunicorn's default keep-alive (2 s) is the visitors' think time: it would close idle connections just as a
# client reuses them ("connection reset by peer"; browsers retry such a request, python-requests does not).
# Behind nginx this never arises; the load test talks to gunicorn directly, so connections are kept longer.
KEEP_ALIVE_SECONDS = 30

# Lists and dashboards per role (detail pages are left out: each account would need records of its own).
EXTRA = [
    ("reporting dashboard", "program_officer", "/reporting/"),
    ("reporting dashboard by quarter", "program_officer", "/reporting/?period=2025Q4"),
    ("api reporting figures", "program_officer", "/api/reporting/figures/"),
    ("api reporting funnels", "program_officer", "/api/reporting/funnels/"),
]


# ------------------------------------------------------------------ the plan (in a Django process)


def write_plan(path: str, accounts_per_role: int) -> None:
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    from bench.pages import _picker, _targets
    from platform_core.models import Membership

    urls: dict[str, list[tuple[str, str]]] = {}
    for _kind, label, role, _user, url in _targets(_picker()):
        if url and "detail" not in label:
            urls.setdefault(role, []).append((label, url))
    for label, role, url in EXTRA:
        urls.setdefault(role, []).append((label, url))

    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = get_user_model().objects
    by_role = []
    for role, role_urls in urls.items():
        # Accounts of this role spread over organisations: one per organisation first.
        rows = (Membership.objects.filter(role=role, is_active=True, user__is_active=True)
                .order_by("organisation_id", "user_id").values_list("organisation_id", "user_id"))
        chosen, seen = [], set()
        for organisation_id, user_id in rows:
            if organisation_id not in seen and user_id not in chosen:
                seen.add(organisation_id)
                chosen.append(user_id)
            if len(chosen) == accounts_per_role:
                break
        by_role.append([])
        for user in users.filter(pk__in=chosen):
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            by_role[-1].append({"role": role, "user": user.username, "session": session.session_key,
                                "urls": role_urls})
    # Roles interleaved, so that the first 10 users are already a mix.
    accounts = [account for group in itertools.zip_longest(*by_role) for account in group if account]
    Path(path).write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "accounts": accounts},
                                     ensure_ascii=False), encoding="utf-8")


def delete_sessions(path: str) -> None:
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for account in json.loads(Path(path).read_text(encoding="utf-8"))["accounts"]:
        store(session_key=account["session"]).delete()


# ------------------------------------------------------------------ the run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: int = 60) -> None:
    for _ in range(seconds):
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except Exception:
            time.sleep(1)
    raise SystemExit(f"the server did not answer at {url}")


def run_step(users: int, seconds: int, host: str, plan: str, work: Path, env: dict) -> dict:
    prefix = work / f"u{users}"
    done = subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
         "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--host", host,
         "--csv", str(prefix), "--loglevel", "WARNING", "--exit-code-on-error", "0"],
        env={**env, "LOAD_PLAN": plan}, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"locust failed:\n{done.stderr[-3000:]}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    slowest = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))[:3]
    with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
        failures = [(r["Name"], r["Error"], int(r["Occurrences"])) for r in csv.DictReader(f)]
    return {
        "failures": sorted(failures, key=lambda r: -r[2])[:5],
        "users": users, "requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]), "p50": float(total["50%"]), "p95": float(total["95%"]),
        "p99": float(total["99%"]), "slowest": [(r["Name"], float(r["95%"])) for r in slowest],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="DATABASE_URL of a seed_scale database (PostgreSQL)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--seconds", type=int, default=60, help="length of each step")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (2 threads each)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "out" / "load.json"))
    args = parser.parse_args()
    steps = [int(n) for n in args.users.split(",")]

    work = Path(tempfile.mkdtemp(prefix="load-"))
    env = {**os.environ, "DATABASE_URL": args.db, "REDIS_URL": args.redis, "DJANGO_SETTINGS_MODULE":
           "config.settings.base", "DEBUG": "0", "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-only"),
           "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    plan = str(work / "plan.json")
    per_role = -(-max(steps) // 8)  # enough accounts that no two users share one at the largest step
    subprocess.run([sys.executable, __file__, "--plan", plan, "--per-role", str(per_role)], env=env, check=True)
    accounts = json.loads(Path(plan).read_text(encoding="utf-8"))["accounts"]
    print(f"{len(accounts)} accounts over {len({a['role'] for a in accounts})} roles, "
          f"{sum(len(a['urls']) for a in accounts) // max(1, len(accounts))} URLs each on average")

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
         str(args.workers), "--threads", "2", "--timeout", "60", "--keep-alive", str(KEEP_ALIVE_SECONDS),
         "--access-logfile", "/dev/null",
         "--error-logfile", str(work / "gunicorn.log")], env=env, cwd=ROOT)
    results = []
    try:
        wait_for(f"{host}/accounts/login/")
        print(f"{'users':>5} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  slowest p95")
        for users in steps:
            result = run_step(users, args.seconds, host, plan, work, env)
            results.append(result)
            slowest = ", ".join(f"{name} {ms:.0f}" for name, ms in result["slowest"])
            print(f"{users:>5} {result['requests']:>8} {result['errors']:>6} {result['rps']:>7.1f} "
                  f"{result['p50']:>6.0f} {result['p95']:>6.0f} {result['p99']:>6.0f}  {slowest}", flush=True)
            for name, error, count in result["failures"]:
                print(f"      error: {name}: {error} × {count}")
    finally:
        server.terminate()
        server.wait()
        subprocess.run([sys.executable, __file__, "--delete-sessions", plan], env=env, check=False)
    errors = (work / "gunicorn.log").read_text(encoding="utf-8", errors="replace").count("Traceback")
    print(f"server tracebacks logged: {errors}; gunicorn {args.workers} workers × 2 threads; "
          f"each step {args.seconds} s; times in ms")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"steps": results, "tracebacks": errors}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--plan":
        write_plan(sys.argv[2], int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--delete-sessions":
        delete_sessions(sys.argv[2])
    else:
        main()
