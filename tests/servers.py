"""Real servers on loopback for tests: started, waited for, and always stopped."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float, headers: dict | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@contextlib.contextmanager
def running(
    cmd: list[str], ready_url: str, log: Path, timeout: float = 180, headers: dict | None = None
) -> Iterator[None]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(ready_url, proc, timeout, headers)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def llama_server(model: Path, log: Path, api_key: str, alias: str) -> Iterator[str]:
    """``python -m llama_cpp.server`` serving ``model``; yields its OpenAI base URL."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_threads", "2", "--n_ctx", "4096", "--api_key", api_key,
        "--model_alias", alias,
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    with running(cmd, f"{base}/models", log, headers={"Authorization": f"Bearer {api_key}"}):
        yield base


def serving(app, timeout: float = 30):
    """An ASGI ``app`` served by a real uvicorn on a free loopback port, in a thread; yields its URL."""
    from ui.api import serving_in_thread

    return serving_in_thread(app, free_port(), timeout)


class Site:
    """A real HTTP server on loopback serving ``routes`` (path -> (status, headers, body)),
    counting the requests per path; routes can be changed while it runs."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        site = self
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: dict[str, int] = {}
        self.delay: dict[str, float] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                path = self.path
                site.hits[path] = site.hits.get(path, 0) + 1
                time.sleep(site.delay.get(path, 0.0))
                status, headers, body = site.routes.get(path, (404, {"Content-Type": "text/plain"}, b"not found"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
