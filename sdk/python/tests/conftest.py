"""Fixtures: ``base_url`` of the running platform (DISQO_BASE_URL, set by scripts/sdk-polyglot.ts)
and ``fake``, a scripted local HTTP server for the unit tests of the hand-written layer."""
from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

import pytest


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("DISQO_BASE_URL")
    if not url:
        pytest.skip("DISQO_BASE_URL is not set: the live tests run under `make sdk-polyglot`")
    return url


Reply = Tuple[int, Dict[str, str], Any]


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (the timeout tests) is expected, not a failure


class FakeApi:
    """Answers each (method, path) with the next scripted reply (the last one repeats) and
    records every request it received."""

    def __init__(self) -> None:
        self.replies: Dict[Tuple[str, str], List[Reply]] = {}
        self.requests: List[Dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = self.path.split("?")[0]
                fake.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": json.loads(raw) if raw else None})
                queue = fake.replies.get((self.command, path)) or [(404, {}, {"code": "not_found", "title": "Not found", "status": 404})]
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                if callable(body):
                    body = body()
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                ctype = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", ctype)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self.replies[(method, path)] = list(replies)

    def calls(self, method: str, path: str) -> List[Dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method and r["path"].split("?")[0] == path]


@pytest.fixture
def fake():
    api = FakeApi()
    yield api
    api.server.shutdown()
    api.server.server_close()


def problem(status: int, code: str, **extra: Any) -> Dict[str, Any]:
    return {"type": f"/problems/{code}", "title": code, "status": status, "code": code, **extra}
