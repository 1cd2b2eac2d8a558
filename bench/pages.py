"""Server time and query counts of the main pages and API lists, per role, on several databases.

    python bench/pages.py --db demo=sqlite:////tmp/demo.sqlite3 \\
                          --db scale1=sqlite:////tmp/scale1.sqlite3 \\
                          --db pg-demo=postgres://platform:platform@127.0.0.1/demo \\
                          --db pg-scale1=postgres://platform:platform@127.0.0.1/scale1 [--runs 9]

Each database is measured in its own process (Django settings are per process) with the
test client in-process, so the figure is server time: middleware, views, queries and
templates, without the network. For each role the user holding it in the organisation
with the most members is chosen, and detail pages open a record that user can see. Every
URL is read once to warm caches, once with queries captured, then `--runs` times timed.

Prints one table per database, then a comparison of each `<name>` with its demo figure
(`scale1` vs `demo`, `pg-scale1` vs `pg-demo`) against the targets of issue 9: pages
p95 ≤ 150 ms and ≤ 1.5× demo, API lists p95 ≤ 100 ms (the targets apply to PostgreSQL).
Every figure is also written as JSON to `--json` (default bench/out/pages.json). Read-only:
nothing is written to the databases.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_TARGET_MS, API_TARGET_MS, GROWTH_TARGET = 150.0, 100.0, 1.5


# ------------------------------------------------------------------ what is measured


def _targets(pick):
    """(label, role, url) for every page and list endpoint; `pick` finds users and records."""
    from consortia.models import JointCenter
    from platform_core.models import Organisation, Role
    from projects.models import Challenge, Project
    from transfer.models import Achievement

    tto, broker, rd = pick(Role.TTO_STAFF), pick(Role.BROKER), pick(Role.RD_MANAGER)
    researcher, officer, fund = pick(Role.RESEARCHER), pick(Role.PROGRAM_OFFICER), pick(Role.FUND_MANAGER)
    student, mentor = pick(Role.STUDENT), pick(Role.MENTOR)
    university = _organisation_of(tto, Role.TTO_STAFF)
    enterprise = _organisation_of(rd, Role.RD_MANAGER)
    biggest = (Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY, parent=None)
               .order_by("-pk").first())
    achievement = Achievement.objects.filter(owner=university).order_by("-pk").first()
    challenge = Challenge.objects.filter(poster=enterprise).order_by("-pk").first()
    project = Project.objects.filter(challenge__poster=enterprise).order_by("-pk").first()
    center = JointCenter.objects.filter(enterprise=enterprise).order_by("-pk").first() or \
        JointCenter.objects.order_by("-pk").first()
    pages = [
        ("home", "tto_staff", tto, "/"), ("home", "rd_manager", rd, "/"), ("home", "program_officer", officer, "/"),
        ("home", "researcher", researcher, "/"), ("home", "student", student, "/"),
        ("organisation list", "program_officer", officer, "/organisations/"),
        ("organisation detail", "tto_staff", tto, f"/organisations/{(university or biggest).pk}/"),
        ("notifications", "tto_staff", tto, "/notifications/"),
        ("sign-offs", "rd_manager", rd, "/signoffs/"),
        ("achievement pool", "tto_staff", tto, "/transfer/"),
        ("pool search", "tto_staff", tto, "/transfer/?q=电池"),
        ("pool deep page", "tto_staff", tto, "/transfer/?page=999999"),
        ("pool", "program_officer", officer, "/transfer/"),
        ("transfer workbench", "broker", broker, "/transfer/workbench/"),
        ("achievement detail", "tto_staff", tto, f"/transfer/achievements/{achievement.pk}/" if achievement else None),
        ("supermarket", "rd_manager", rd, "/transfer/supermarket/"),
        ("received pushes", "rd_manager", rd, "/transfer/pushes/"),
        ("patents", "tto_staff", tto, "/transfer/patents/"),
        ("chains", "program_officer", officer, "/transfer/chains/"),
        ("incubators", "fund_manager", fund, "/transfer/incubators/"),
        ("challenges", "researcher", researcher, "/projects/"),
        ("challenges", "rd_manager", rd, "/projects/"),
        ("challenge detail", "rd_manager", rd, f"/projects/challenges/{challenge.pk}/" if challenge else None),
        ("projects workbench", "researcher", researcher, "/projects/workbench/"),
        ("projects", "rd_manager", rd, "/projects/list/"),
        ("project detail", "rd_manager", rd, f"/projects/list/{project.pk}/" if project else None),
        ("centers", "program_officer", officer, "/consortia/"),
        ("center detail", "rd_manager", rd, f"/consortia/centers/{center.pk}/" if center else None),
        ("consortia", "program_officer", officer, "/consortia/consortia/"),
        ("talent profiles", "rd_manager", rd, "/talent/"),
        ("shared hires", "tto_staff", tto, "/talent/shared-hires/"),
        ("cost report", "tto_staff", tto, "/talent/cost-report/"),
        ("mentors", "mentor", mentor, "/talent/mentors/"),
        ("dual-mentor students", "student", student, "/talent/assignments/"),
        ("funds", "fund_manager", fund, "/funds/"),
        ("deal flow", "fund_manager", fund, "/funds/deal-flow/"),
        ("commitments", "rd_manager", rd, "/funds/commitments/"),
        ("my matches", "broker", broker, "/matching/"),
    ]
    api = [
        ("api organisations", "program_officer", officer, "/api/organisations/"),
        ("api memberships", "tto_staff", tto, "/api/memberships/"),
        ("api achievements", "tto_staff", tto, "/api/transfer/achievements/"),
        ("api achievements", "program_officer", officer, "/api/transfer/achievements/"),
        ("api patents", "tto_staff", tto, "/api/transfer/patents/"),
        ("api pushes", "broker", broker, "/api/transfer/pushes/"),
        ("api deals", "tto_staff", tto, "/api/transfer/deals/"),
        ("api supermarket", "rd_manager", rd, "/api/transfer/supermarket/"),
        ("api companies", "fund_manager", fund, "/api/transfer/companies/"),
        ("api challenges", "researcher", researcher, "/api/projects/challenges/"),
        ("api bids", "researcher", researcher, "/api/projects/bids/"),
        ("api projects", "rd_manager", rd, "/api/projects/projects/"),
        ("api centers", "program_officer", officer, "/api/consortia/centers/"),
        ("api consortia", "program_officer", officer, "/api/consortia/consortia/"),
        ("api talent profiles", "rd_manager", rd, "/api/talent/profiles/"),
        ("api shared hires", "tto_staff", tto, "/api/talent/shared-hires/"),
        ("api cost report", "tto_staff", tto, "/api/talent/cost-report/"),
        ("api mentors", "mentor", mentor, "/api/talent/mentors/"),
        ("api funds", "fund_manager", fund, "/api/funds/funds/"),
        ("api investments", "fund_manager", fund, "/api/funds/investments/"),
        ("api commitments", "rd_manager", rd, "/api/funds/commitments/"),
        ("api matches", "broker", broker, "/api/matching/matches/"),
        ("api notifications", "tto_staff", tto, "/api/notifications/"),
        ("api autocomplete", "broker", broker, "/api/autocomplete/organisations/?kind=enterprise&q=科技"),
    ]
    return [("page", *t) for t in pages] + [("api", *t) for t in api]


def _organisation_of(user, role):
    from platform_core.models import Membership

    if user is None:
        return None
    membership = Membership.objects.filter(user=user, role=role, is_active=True).select_related("organisation").first()
    return membership.organisation if membership else None


def _picker():
    """The user holding a role in the organisation with the most active members."""
    from django.db.models import Count

    from platform_core.models import Membership, Organisation

    sizes = dict(Organisation.objects.annotate(n=Count("memberships")).values_list("pk", "n"))
    chosen = {}

    def pick(role):
        if role not in chosen:
            rows = Membership.objects.filter(role=role, is_active=True, user__is_active=True).values_list(
                "organisation_id", "user_id")
            best = max(rows, key=lambda r: (sizes.get(r[0], 0), -r[1]), default=None)
            chosen[role] = None if best is None else _user(best[1])
        return chosen[role]

    return pick


def _user(pk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


# ------------------------------------------------------------------ one database, in its own process


def _timed_queries(client, url) -> list[tuple[float, str]]:
    """(ms, sql) of every query one request makes."""
    from django.db import connection

    timed = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(wrapper):
        client.get(url)
    return timed


def _print_profile(label: str, role: str, url: str, timed: list[tuple[float, str]], total_ms: float) -> None:
    sql_ms = sum(ms for ms, _ in timed)
    print(f"\n-- {label} ({role}) {url}: {total_ms:.0f} ms, {len(timed)} queries, {sql_ms:.0f} ms in SQL",
          file=sys.stderr)
    for ms, sql in sorted(timed, reverse=True)[:6]:
        print(f"   {ms:7.1f} ms  {sql[:600]}", file=sys.stderr)


def measure(runs: int, profile: str = "") -> list[dict]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    # One connection for the whole run, as with persistent connections (CONN_MAX_AGE) in production;
    # it also keeps the query capture on the connection that serves the requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    rows = []
    clients = {}
    for kind, label, role, user, url in _targets(_picker()):
        if profile and profile not in label:
            continue
        row = {"kind": kind, "label": label, "role": role, "url": url}
        if user is None or url is None:
            rows.append({**row, "skipped": "no such user or record"})
            continue
        if user.pk not in clients:
            clients[user.pk] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            clients[user.pk].force_login(user)
        client = clients[user.pk]
        response = client.get(url)
        if response.status_code != 200:
            rows.append({**row, "skipped": f"HTTP {response.status_code}"})
            continue
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
            client.get(url)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        if profile:
            _print_profile(label, role, url, _timed_queries(client, url), statistics.median(times))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append({**row, "queries": len(queries), "p50": statistics.median(times), "p95": p95})
    return rows


# ------------------------------------------------------------------ several databases, compared


def _print_table(name: str, rows: list[dict]) -> None:
    print(f"\n== {name}")
    print(f"{'what':<24} {'role':<16} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for r in rows:
        if "skipped" in r:
            print(f"{r['label']:<24} {r['role']:<16} {'— ' + r['skipped']:>26}")
        else:
            print(f"{r['label']:<24} {r['role']:<16} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['queries']:>8}")


def _compare(results: dict[str, list[dict]]) -> list[str]:
    problems = []
    for name, rows in results.items():
        base_name = "pg-demo" if name.startswith("pg-") else "demo"
        if name == base_name or base_name not in results:
            continue
        base = {(r["label"], r["role"]): r for r in results[base_name] if "p95" in r}
        print(f"\n== {name} vs {base_name}")
        print(f"{'what':<24} {'role':<16} {'p95 ms':>8} {'×demo':>6} {'queries':>12}  target")
        for r in rows:
            b = base.get((r["label"], r["role"]))
            if "p95" not in r or b is None:
                continue
            limit = PAGE_TARGET_MS if r["kind"] == "page" else API_TARGET_MS
            growth = r["p95"] / b["p95"] if b["p95"] else float("inf")
            ok = r["p95"] <= limit and (r["kind"] == "api" or growth <= GROWTH_TARGET or r["p95"] <= 20)
            if not ok:
                problems.append(f"{name}: {r['label']} ({r['role']}) p95 {r['p95']:.0f} ms, ×{growth:.1f}")
            print(f"{r['label']:<24} {r['role']:<16} {r['p95']:>8.1f} {growth:>6.2f} "
                  f"{b['queries']:>5} → {r['queries']:<5}  {'ok' if ok else 'MISSED'}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", action="append", default=[], metavar="NAME=DATABASE_URL",
                        help="a database to measure (repeatable); NAME 'demo'/'pg-demo' are the baselines")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", default=str(ROOT / "bench" / "out" / "pages.json"))
    parser.add_argument("--profile", default="", metavar="LABEL",
                        help="also print the slowest queries of the pages whose label contains LABEL")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(args.runs, args.profile)))
        return
    if not args.db:
        parser.error("give at least one --db NAME=DATABASE_URL")
    results = {}
    for spec in args.db:
        name, _, url = spec.partition("=")
        if not url:
            parser.error(f"--db {spec!r}: expected NAME=DATABASE_URL")
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        out = subprocess.run([sys.executable, __file__, "--measure", "--runs", str(args.runs),
                              "--profile", args.profile], env=env, cwd=ROOT, capture_output=True, text=True)
        if args.profile:
            print(out.stderr, end="")
        if out.returncode != 0:
            sys.exit(f"{name}: measuring failed\n{out.stderr[-3000:]}")
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        _print_table(name, results[name])
    problems = _compare(results)
    print("\n" + ("All targets met." if not problems else "Targets missed:\n  " + "\n  ".join(problems)))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"Figures written to {args.json}")


if __name__ == "__main__":
    main()
