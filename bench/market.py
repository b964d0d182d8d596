"""Benchmark: market research of 50 items at once against a local eBay sold-search host that
answers a saved real page after 300 ms, read in Chromium; then the layered cache's hit latency
per layer and its hit rates under a replayed workload where items repeat.

    .venv/bin/python bench/market.py [--items 50] [--latency 0.3] [--workers 8] [--interval 0.3]

Runs in-process (threads, as the market queue's thread-pool worker does) on database
`boomer_bench_market` and Redis db 5. `--interval` is the politeness gap per host
(BOOMER_SCRAPE_INTERVAL_SECONDS, 3 s in production): items/minute is bounded by it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")
os.environ.setdefault("BOOMER_DATABASE_NAME", "boomer_bench_market")
os.environ.setdefault("BOOMER_REDIS_DB", "5")
os.environ.setdefault("BOOMER_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.stats import pct, progress  # noqa: E402
from boomer_site.breakers import breaker_reset, redis_client  # noqa: E402
from boomer_site.layered_cache import LayeredCache  # noqa: E402
from market.relevance import Item  # noqa: E402
from market.research import research  # noqa: E402
from market.sources.base import Query  # noqa: E402

PAGE = ROOT.parent / "shared" / "real_pages" / "ebay_sold_1.html"
log = progress("market")


def serve(page: Path, latency: float) -> str:
    body = page.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def research_one(i: int) -> float:
    started = time.perf_counter()
    result = research(query=Query(keywords=f"Sony WH-1000XM4 {i}"), item=Item(brand="Sony", model="WH-1000XM4", grade="GOOD"),
                      sources=["ebay_sold"], key=f"bench{i}")
    if result["errors"]:
        raise SystemExit(f"item {i}: {result['errors']}")
    return time.perf_counter() - started


def layer_latency(cache: LayeredCache, n: int) -> dict:
    value = [{"price": 120.0, "title": "x" * 60}] * 40
    keys = [f"market:lat{i}:ebay_sold:used" for i in range(n)]
    for key in keys:
        cache.set(key, value)
    timings = {"l1": [], "l2": [], "l3": []}
    for key in keys:
        t = time.perf_counter()
        cache.get(key)
        timings["l1"].append(time.perf_counter() - t)
    cache.clear_local()
    for key in keys:
        t = time.perf_counter()
        cache.get(key)
        timings["l2"].append(time.perf_counter() - t)
    cache.clear_local()
    for key in keys:
        redis_client().delete(f"boomer:cache:{key}")
    for key in keys:
        t = time.perf_counter()
        cache.get(key)
        timings["l3"].append(time.perf_counter() - t)
    return {layer: {"p50_ms": round(pct(v, 50) * 1000, 3), "p95_ms": round(pct(v, 95) * 1000, 3)}
            for layer, v in timings.items()}


def replay(cache: LayeredCache, lookups: int, distinct: int) -> dict:
    """Items repeat (Zipf-like): how often each layer answers."""
    rng = random.Random(7)
    counts = {"l1": 0, "l2": 0, "l3": 0, "origin": 0}
    weights = [1 / (rank + 1) for rank in range(distinct)]
    for _ in range(lookups):
        key = f"market:replay{rng.choices(range(distinct), weights)[0]}:ebay_sold:used"
        if rng.random() < 0.05:
            cache.clear_local()  # another worker process answers now and then: its L1 is cold
        with cache.l1_lock:
            in_l1 = key in cache.l1
        if in_l1:
            counts["l1"] += 1
        elif redis_client().exists(f"boomer:cache:{key}"):
            counts["l2"] += 1
        elif cache.store.get(key) is not None:
            counts["l3"] += 1
        else:
            counts["origin"] += 1
        cache.get_or_compute(key, lambda: [{"price": 100.0}])
    return {layer: round(n / lookups, 3) for layer, n in counts.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--interval", type=float, default=0.3)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    redis_client().flushdb()
    breaker_reset("market:ebay_sold")
    settings.EBAY_WEB_URL = serve(PAGE, args.latency)
    settings.BOOMER_SCRAPE_INTERVAL_SECONDS, settings.BOOMER_MARKET_MAX_PAGES = args.interval, 1

    log(f"researching {args.items} items at once ({args.workers} threads, {args.latency}s per page)")
    started = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        per_item = list(pool.map(research_one, range(args.items)))
    elapsed = time.monotonic() - started
    log("cache latency per layer and replayed hit rates")
    cache = LayeredCache("bench")
    report = {
        "items": args.items, "threads": args.workers, "page_latency_s": args.latency, "politeness_interval_s": args.interval,
        "items_per_minute": round(args.items / elapsed * 60, 1),
        "per_item_p50_s": round(pct(per_item, 50), 2), "per_item_p95_s": round(pct(per_item, 95), 2),
        "cache_hit_latency": layer_latency(cache, 200),
        "replay_hit_rates": replay(LayeredCache("replay"), lookups=2000, distinct=200),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
