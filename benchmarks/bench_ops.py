"""What the operations features cost, and what liveness buys.

    .venv/bin/python benchmarks/bench_ops.py [--requests 2000] [--chunk 100] [--slow 3]

1. Metrics: the same `GET /healthz` through the app with and without the metrics wrapper
   (`casework.metrics._TimedApp`: a histogram and a counter per request), in alternating chunks
   so machine noise hits both alike; prints the median time per request of each and the
   overhead in microseconds.
2. Liveness: a real gunicorn (`gunicorn.conf.py`, 2 sync workers, every worker kept busy by
   slow requests of `--slow` seconds from `tests/slow_wsgi.py`) asked `GET /healthz` on the
   master's liveness port 20 times; prints p50/p95, and how long the same question waited on the
   service's port.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench_metrics(requests: int, chunk: int) -> None:
    from casework import create_app

    with tempfile.TemporaryDirectory() as folder:
        os.environ["CASEWORK_INSTANCE_PATH"] = folder
        app = create_app({"CASEWORK_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        timed = app.wsgi_app
        plain = timed.wsgi_app  # type: ignore[attr-defined]
        client = app.test_client()
        per_request: dict[str, list[float]] = {"with metrics": [], "without": []}
        for _ in range(requests // chunk):
            for name, wsgi in (("with metrics", timed), ("without", plain)):
                app.wsgi_app = wsgi  # type: ignore[method-assign]
                started = time.perf_counter()
                for _ in range(chunk):
                    client.get("/healthz")
                per_request[name].append((time.perf_counter() - started) / chunk)
    with_metrics = statistics.median(per_request["with metrics"]) * 1e6
    without = statistics.median(per_request["without"]) * 1e6
    print(f"GET /healthz in-process, {requests} requests a side, chunks of {chunk}:")
    print(f"  with metrics {with_metrics:.0f} us, without {without:.0f} us")
    print(f"  metrics overhead: {with_metrics - without:.0f} us per request")
    from casework.metrics import REQUEST_SECONDS, RESPONSES

    rounds = 20000
    started = time.perf_counter()
    for _ in range(rounds):
        REQUEST_SECONDS.labels("bench", "GET").observe(0.01)
        RESPONSES.labels("bench", "GET", "2xx").inc()
    print(
        f"  one histogram observe + one counter inc: "
        f"{(time.perf_counter() - started) / rounds * 1e6:.1f} us"
    )


def _wait_for(pattern: str, log: Path, server: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        match = re.search(pattern, log.read_text())
        if match:
            return match.group(1)
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()}")


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310  (loopback)
        response.read()
    return time.perf_counter() - started


def bench_liveness(slow: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "gunicorn.log"
        environment = {
            "PATH": "/usr/bin:/bin",
            "HOME": folder,
            "PYTHONPATH": str(ROOT),
            "GUNICORN_BIND": "127.0.0.1:0",
            "GUNICORN_LIVENESS_BIND": "127.0.0.1:0",
            "GUNICORN_WORKERS": "2",
            "SLOW_SECONDS": str(slow),
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with log.open("wb") as output:
            server = subprocess.Popen(  # noqa: S603  (our own gunicorn and config)
                [str(gunicorn), "-c", "gunicorn.conf.py", "tests.slow_wsgi:app"],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            port = _wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)", log, server)
            live = _wait_for(r"Liveness at: http://127\.0\.0\.1:(\d+)", log, server)
            time.sleep(2)  # both workers booted
            busy = [
                threading.Thread(target=_get, args=(f"http://127.0.0.1:{port}/x",))
                for _ in range(4)
            ]
            for request in busy:
                request.start()
            time.sleep(0.3)
            times = []
            for _ in range(20):
                times.append(_get(f"http://127.0.0.1:{live}/healthz"))
                time.sleep(0.02)
            queued = _get(f"http://127.0.0.1:{port}/healthz")
            for request in busy:
                request.join()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    times.sort()
    p50, p95 = statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000
    print(f"liveness with both workers busy ({slow:g} s requests, 2 more queued):")
    print(f"  master's port: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(times)} probes")
    print(f"  service's port: {queued * 1000:.0f} ms (queued behind the slow requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--slow", type=float, default=3)
    arguments = parser.parse_args()
    bench_metrics(arguments.requests, arguments.chunk)
    bench_liveness(arguments.slow)


if __name__ == "__main__":
    main()
