"""Start a test identity provider (`run.py`) as a child process and stop it again."""
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def provider(kind: str, tmp_path: Path, *, ready_path: str, **env):
    """Yield the base URL (http://127.0.0.1:PORT) of a running provider of `kind` ("oidc" or "cas")."""
    port = free_port()
    log = open(tmp_path / f"{kind}-provider.log", "w+")
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    child_env.update({k: str(v) for k, v in env.items()})
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso_providers.run", kind, str(port), str(tmp_path / f"{kind}.sqlite3")],
        cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the {kind} provider exited:\n{log.read()}")
            try:
                if requests.get(base + ready_path, timeout=2).status_code < 500:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {kind} provider did not start within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def submit_login_form(session: requests.Session, response: requests.Response, username: str, password: str):
    """Fill and post the provider's sign-in form (with its CSRF token), following redirects."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    nxt = re.search(r'name="next" value="([^"]*)"', response.text)
    if nxt:
        data["next"] = nxt.group(1).replace("&amp;", "&")
    return session.post(response.url, data=data, headers={"Referer": response.url})
