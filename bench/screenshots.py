"""Screenshots of every demo role's main pages, in Chinese and English, at desktop and phone width.

    python bench/screenshots.py [--out bench/out/screenshots] [--widths 1400,390] [--users zhang,tto]
                                [--base-url http://127.0.0.1:8000]

Without ``--base-url`` the script builds its own demo site: a fresh SQLite database in a
temporary directory, ``migrate`` and ``load_demo``, then ``runserver`` on a free port, and
stops it at the end. Each demo user logs in through the login form; for each language and
width it opens the home page and every page of the user's menu, saves a full-page PNG as
``<out>/<lang>-<width>/<user>-<page>.png`` and prints what looks broken: a navbar taller
than one line, a language button that wraps, a page wider than the window, 4xx/5xx answers
and console errors. The output folder is not committed (bench/out/ is ignored).

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; never downloads a browser.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "demo1121"
USERS = ["zhang", "liu", "xu", "li", "wang", "sunyu", "hu", "tto", "broker", "sun", "zhou", "feng", "zhao", "chen",
         "admin"]
LANGUAGES = ["zh-hans", "en"]
# Measured in the page: the navbar's height against one line of it, the language button's lines,
# and whether the page scrolls sideways.
PROBE = """() => {
  const nav = document.querySelector('nav.navbar');
  const brand = nav && nav.querySelector('.navbar-brand');
  const lang = nav && nav.querySelector('[data-testid^=lang-]');
  const line = lang ? parseFloat(getComputedStyle(lang).lineHeight) || 20 : 20;
  return {
    nav: nav ? nav.getBoundingClientRect().height : 0,
    brand: brand ? brand.getBoundingClientRect().height : 0,
    lang: lang ? lang.getBoundingClientRect().height : 0,
    langLines: lang ? Math.round((lang.getBoundingClientRect().height - 8) / line) : 0,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""
NAV_ONE_LINE_PX = 72  # a one-line navbar is about 56 px; two lines are over 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def start_demo_site() -> tuple[str, subprocess.Popen, tempfile.TemporaryDirectory]:
    tmp = tempfile.TemporaryDirectory(prefix="screenshots-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp.name}/demo.sqlite3", "MATCHING_DENSE": "0",
           "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    print("building the demo site …", flush=True)
    _manage("migrate", "--noinput", env=env)
    _manage("load_demo", env=env)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        raise SystemExit("the development server did not start")
    return base, server, tmp


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def menu_paths(page) -> list[str]:
    """The home page and every page the navbar links to (menus, user menu), once each."""
    hrefs = page.eval_on_selector_all("nav.navbar a[href]", "els => els.map(e => e.getAttribute('href'))")
    paths = ["/"]
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(("/admin/", "/api/")):
            continue
        if parts.path not in paths:
            paths.append(parts.path)
    return paths


def shoot(base: str, out: Path, users: list[str], widths: list[int], languages: list[str],
          max_pages: int = 0, open_menu: bool = False) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu",
                                                   "--disable-dev-shm-usage"])
        for username in users:
            for language in languages:
                for width in widths:
                    context = browser.new_context(viewport={"width": width, "height": 900},
                                                  locale="zh-CN" if language == "zh-hans" else "en-US")
                    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                    page = context.new_page()
                    errors: list[str] = []
                    page.on("console", lambda msg, errors=errors: errors.append(msg.text)
                            if msg.type == "error" else None)
                    page.goto(f"{base}/accounts/login/")
                    page.fill("input[name=username]", username)
                    page.fill("input[name=password]", PASSWORD)
                    with page.expect_navigation():
                        page.click("main form button[type=submit]")
                    folder = out / f"{language}-{width}"
                    folder.mkdir(parents=True, exist_ok=True)
                    for path in menu_paths(page)[:max_pages or None]:
                        errors.clear()
                        response = page.goto(f"{base}{path}")
                        page.wait_for_load_state("networkidle")
                        where = f"{language} {width}px {username} {path}"
                        if response is None or response.status >= 400:
                            problems.append(f"{where}: HTTP {response.status if response else '—'}")
                        probe = page.evaluate(PROBE)
                        if probe["nav"] > NAV_ONE_LINE_PX:
                            problems.append(f"{where}: navbar {probe['nav']:.0f}px high (more than one line)")
                        if probe["langLines"] > 1:
                            problems.append(f"{where}: language button wraps ({probe['lang']:.0f}px)")
                        if probe["overflow"] > 1:
                            problems.append(f"{where}: page {probe['overflow']}px wider than the window")
                        problems.extend(f"{where}: console: {e}" for e in errors)
                        page.screenshot(path=str(folder / f"{username}-{_slug(path)}.png"), full_page=True)
                        toggler = page.locator("nav .navbar-toggler")
                        if open_menu and toggler.is_visible():
                            toggler.click()
                            page.wait_for_timeout(400)
                            page.screenshot(path=str(folder / f"{username}-{_slug(path)}-menu.png"))
                    context.close()
                    print(f"  {username} {language} {width}px done", flush=True)
        browser.close()
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "screenshots"))
    parser.add_argument("--widths", default="1400,390")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--users", default=",".join(USERS))
    parser.add_argument("--max-pages", type=int, default=0, help="only the first N pages of each menu")
    parser.add_argument("--open-menu", action="store_true", help="also shoot the collapsed menu opened")
    parser.add_argument("--base-url", default="", help="an already running demo site (default: build one)")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
    server = tmp = None
    base = args.base_url.rstrip("/")
    if not base:
        base, server, tmp = start_demo_site()
    try:
        problems = shoot(base, Path(args.out), args.users.split(","), [int(w) for w in args.widths.split(",")],
                         args.languages.split(","), args.max_pages, args.open_menu)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
            tmp.cleanup()
    print(f"screenshots in {args.out}")
    for problem in problems:
        print("  !", problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
