"""A worker the tests may kill, on a Redis of their own that they may restart.

The shared Redis of the machine (REDIS_URL) is never restarted: each test starts a private redis-server on
a free loopback port (append-only file, fsync on every write, as production's persistent Redis), and a
`celery worker` process on it sharing the PostgreSQL test database (tests/fault_tests/worker_settings.py).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from tests.conftest import wait_for

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: Path):
        self.directory, self.port, self.process = directory, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, timeout=20)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        """SIGTERM: Redis shuts down cleanly (its append-only file is already on disk)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self):
        self.stop()
        self.start()


class Worker:
    def __init__(self, redis: PrivateRedis, mailbox: Path):
        settings_dict = connection.settings_dict
        database_url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**{
            **settings_dict, "PORT": settings_dict.get("PORT") or 5432})
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis.url,
                    "CELERY_TASK_ALWAYS_EAGER": "0", "FAULT_MAILBOX": str(mailbox),
                    "DJANGO_SETTINGS_MODULE": "tests.fault_tests.worker_settings"}
        self.process = None
        self.app = Celery("fault-tests", broker=redis.url, set_as_current=False)  # never the app of later tests
        self.app.conf.update(task_serializer="json", accept_content=["json"], broker_connection_retry=True,
                             broker_connection_max_retries=None)
        self.starts = 0

    def start(self):
        self.starts += 1
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname=fault-{os.getpid()}-{self.starts}@%h"],
            env=self.env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("the Celery worker exited at start-up")
            if self.app.control.ping(timeout=1.0, destination=[self.name]):
                return
        pytest.fail("the Celery worker did not answer within 90 s")

    @property
    def name(self) -> str:
        return f"fault-{os.getpid()}-{self.starts}@{socket.gethostname()}"

    def kill(self):
        """SIGKILL: no warm shutdown, nothing acknowledged or given back to the broker."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def send(self, task_name: str, *args):
        return self.app.send_task(task_name, args=list(args))


@pytest.fixture
def mailbox(tmp_path) -> Path:
    box = tmp_path / "mailbox"
    box.mkdir()
    return box


@pytest.fixture
def private_redis(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database: PostgreSQL only (.ci/run)")
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def worker(private_redis, mailbox, transactional_db):
    started = Worker(private_redis, mailbox)
    started.start()
    yield started
    started.stop()
    started.app.close()


def waiting_on_a_lock() -> int:
    """How many other sessions of the test database wait for a row lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is read once, then kept
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def broker_drained(redis: PrivateRedis) -> bool:
    """Nothing waiting in the queue and nothing delivered but unacknowledged (kombu's `unacked` hash)."""
    import redis as redis_client

    client = redis_client.Redis.from_url(redis.url)
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
    finally:
        client.close()
