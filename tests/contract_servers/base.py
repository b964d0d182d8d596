"""A small threaded HTTP server on 127.0.0.1:0 with routes and fault injection.

Faults, set from Python (`server.faults.fail_next = 2`) or over HTTP
(`POST /__control__` with JSON {"fail_next": 2, "status": 503, "rate_limit_next": 1,
"retry_after": 3, "delay_ms": 250, "down": true}):
- fail_next N: the next N requests answer `status` (500) with the platform's error body;
- rate_limit_next N: the next N requests answer 429 with Retry-After: retry_after;
- delay_ms: every request waits that long first (timeouts, slow-answer benchmarks);
- down: the connection is closed without an answer (a hard outage);
- match: a path regex that limits fail_next / rate_limit_next to matching requests.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Faults:
    fail_next: int = 0
    status: int = 500
    rate_limit_next: int = 0
    retry_after: int = 2
    delay_ms: int = 0
    down: bool = False
    match: str | None = None  # a regex: only requests whose path matches get fail/rate-limit faults
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, path: str = "") -> str | None:
        with self.lock:
            if self.down:
                return "down"
            if self.match and not re.search(self.match, path):
                return None
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return "rate_limit"
            if self.fail_next > 0:
                self.fail_next -= 1
                return "fail"
        return None

    def reset(self):
        self.fail_next = self.rate_limit_next = self.delay_ms = 0
        self.status, self.retry_after, self.down, self.match = 500, 2, False, None


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, match: re.Match):
        self.handler = handler
        self.method = handler.command
        parsed = urlparse(handler.path)
        self.path = parsed.path
        self.query = {k: v[0] for k, v in parse_qs(parsed.query, keep_blank_values=True).items()}
        self.headers = handler.headers
        self.params = match.groupdict()
        length = int(handler.headers.get("Content-Length") or 0)
        self.body = handler.rfile.read(length) if length else b""

    def json(self):
        return json.loads(self.body or b"null")

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes | str | dict | list | None = None
    headers: dict = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/html; charset=utf-8"
        return self.body or b"", "application/octet-stream"


class ContractServer:
    """Subclasses add routes with `self.route(method, pattern, fn)` and may override
    `error_body(status)` to speak their platform's error format."""

    exempt_paths = {"/favicon.ico"}  # browsers fetch it on their own: it must not eat a fault

    def __init__(self):
        self.faults = Faults()
        self.requests: list[tuple[str, str]] = []
        self._routes: list[tuple[str, re.Pattern, callable]] = []
        self.lock = threading.RLock()
        self.route("POST", r"/__control__", self._control)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def route(self, method: str, pattern: str, fn) -> None:
        self._routes.append((method, re.compile(pattern + r"$"), fn))

    def start(self) -> ContractServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def error_body(self, status: int) -> dict | str:
        return {"error": f"injected {status}"}

    def count(self, method: str, path_regex: str) -> int:
        pattern = re.compile(path_regex)
        return sum(1 for m, p in self.requests if m == method and pattern.search(p))

    def _control(self, req: Request) -> Response:
        for name, value in req.json().items():
            if name == "reset":
                self.faults.reset()
            else:
                setattr(self.faults, name, value)
        return Response(200, {"ok": True})

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                path = urlparse(self.path).path
                if path != "/__control__" and path not in server.exempt_paths:
                    if server.faults.delay_ms:
                        time.sleep(server.faults.delay_ms / 1000)
                    fault = server.faults.take(path)
                    if fault == "down":
                        self.close_connection = True
                        self.connection.close()
                        return
                    server.requests.append((self.command, path))
                    if fault == "rate_limit":
                        self._drain()
                        return self._send(Response(429, server.error_body(429),
                                                   {"Retry-After": str(server.faults.retry_after)}))
                    if fault == "fail":
                        self._drain()
                        return self._send(Response(server.faults.status, server.error_body(server.faults.status)))
                for method, pattern, fn in server._routes:
                    match = pattern.match(path)
                    if match and method == self.command:
                        try:
                            return self._send(fn(Request(self, match)))
                        except Exception as exc:  # a bug in the fake: make it loud
                            return self._send(Response(500, {"fake_server_bug": repr(exc)}))
                self._drain()
                self._send(Response(404, server.error_body(404)))

            def _drain(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)

            def _send(self, response: Response):
                body, content_type = response.encoded()
                self.send_response(response.status)
                headers = {"Content-Type": content_type, **response.headers}
                for name, value in headers.items():
                    if isinstance(value, list):
                        for v in value:
                            self.send_header(name, v)
                    else:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        return Handler
