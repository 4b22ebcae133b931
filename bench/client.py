"""A small HTTP client for the benchmarks (standard library only): sign in, get pages, time
them under concurrency, and stream a large multipart upload without holding it in memory."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

USER_AGENT = "jar-workbench-bench/1"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise ValueError("no CSRF token on the page")
    return found.group(1) or found.group(2)


class Client:
    """One signed-in browser: its cookies, sent with every request."""

    def __init__(self, host: str, port: int, *, timeout: float = 600.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=self.headers(headers))
            raw = conn.getresponse()
            data = raw.read()
            self._keep_cookies(raw)
            return Response(raw.status, dict(raw.headers.items()), data)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> Response:
        return self.request(
            "POST",
            path,
            body=urlencode(fields).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def sign_in(self, email: str, password: str) -> None:
        page = self.get("/sign-in")
        response = self.post_form(
            "/sign-in",
            {"csrf_token": csrf_token(page.text), "email": email, "password": password},
        )
        if response.status not in (302, 303):
            raise RuntimeError(f"signing in as {email} failed: HTTP {response.status}")

    def upload_stream(
        self,
        path: str,
        fields: list[tuple[str, str]],
        *,
        file_field: str,
        filename: str,
        content_type: str,
        chunks: Iterator[bytes],
        size: int,
    ) -> Response:
        """POST multipart/form-data with one file of ``size`` bytes, sent as it is made."""
        boundary = f"bench-{uuid.uuid4().hex}"
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.putrequest("POST", path)
            headers = self.headers(
                {
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(len(head) + size + len(tail)),
                }
            )
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            conn.send(head)
            sent = 0
            for chunk in chunks:
                conn.send(chunk)
                sent += len(chunk)
            if sent != size:
                raise ValueError(f"the upload made {sent} bytes, not {size}")
            conn.send(tail)
            raw = conn.getresponse()
            data = raw.read()
            self._keep_cookies(raw)
            return Response(raw.status, dict(raw.headers.items()), data)
        finally:
            conn.close()


# --------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    """One page (or endpoint) timed: sequential latency and throughput under concurrency."""

    path: str
    requests: int
    median_ms: float
    p90_ms: float
    throughput_rps: float
    concurrency: int
    errors: int


def _one(client: Client, path: str, headers: dict[str, str]) -> tuple[float, bool]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection(client.host, client.port, timeout=client.timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        ok = response.status == 200
    except OSError:
        ok = False
    finally:
        conn.close()
    return (time.perf_counter() - started) * 1000, ok


def time_page(
    client: Client,
    path: str,
    *,
    latency_requests: int,
    seconds: float,
    concurrency: int,
    warm_up: int = 3,
) -> Timing:
    """Median and 90th percentile latency of ``latency_requests`` requests one at a time, then
    requests per second with ``concurrency`` clients for ``seconds``."""
    headers = client.headers()
    errors = 0
    for _ in range(warm_up):
        errors += not _one(client, path, headers)[1]
    latencies = []
    for _ in range(latency_requests):
        ms, ok = _one(client, path, headers)
        latencies.append(ms)
        errors += not ok

    done = [0] * concurrency
    failed = [0] * concurrency
    stop = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < stop:
            ok = _one(client, path, headers)[1]
            done[slot] += 1
            failed[slot] += not ok

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Timing(
        path=path,
        requests=len(latencies) + sum(done),
        median_ms=round(statistics.median(ordered), 2),
        p90_ms=round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 2),
        throughput_rps=round(sum(done) / elapsed, 1),
        concurrency=concurrency,
        errors=errors + sum(failed),
    )
