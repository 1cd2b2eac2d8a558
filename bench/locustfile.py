"""The visitors of bench/load.py: one signed-in account per simulated user, reading the pages and API lists of
its role. The plan (accounts' session cookies and URLs) is written by bench/load.py and named by LOAD_PLAN."""
import itertools
import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.load(open(os.environ["LOAD_PLAN"], encoding="utf-8"))
ACCOUNTS = itertools.cycle(PLAN["accounts"])


class Visitor(HttpUser):
    wait_time = between(0.5, 2.0)  # a busy user: reads a page, glances at it, clicks on

    def on_start(self):
        account = next(ACCOUNTS)
        self.urls = account["urls"]
        self.client.cookies.set(PLAN["cookie"], account["session"])
        self.client.headers["Accept-Language"] = "zh-hans"

    @task
    def read(self):
        label, url = random.choice(self.urls)
        with self.client.get(url, name=label, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 0:  # no answer: say why (refused, reset, timed out)
                response.failure(f"no response: {type(response.error).__name__}: {response.error}"[:200])
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
