"""Benchmark: N items through the whole pipeline on the embedded default.

    .venv/bin/python bench/pipeline.py [--items 50] [--sequential 10] [--concurrency 2]
    .venv/bin/python bench/pipeline.py --provider anthropic [--items 50] [--latency 3] [--threads 24]

`--provider anthropic` runs the pipeline against the Claude stand-in (the Messages API contract
server of the tests) twice, with 0 s and with `--latency` seconds per answer, on one thread-pool
worker (as `make run`'s agents worker), and reports throughput for each and their ratio: how
much of Claude's wait the concurrency hides. Throughput there is the rate at which items reach
PENDING, first to last: a batch's wall time (`batch_items_per_minute`) also holds one item's
whole drop-to-PENDING time, which no concurrency can shorten (see bench/README.md).

Runs against its own database (`boomer_bench`) and Redis db (2) on the embedded servers, with a
real Celery worker. Reports:
  * throughput: N items dropped at once → items/minute, p50/p95 drop-to-PENDING latency;
  * orchestration overhead: items dropped one at a time, so nothing queues behind another;
    per item, drop-to-PENDING time minus the time spent inside the four agents. That is the
    cost of BOOMER's plumbing: broker hops, the chord, row locks, transitions and events.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")
os.environ.setdefault("BOOMER_DATABASE_NAME", "boomer_bench")
os.environ.setdefault("BOOMER_REDIS_DB", "2")
os.environ.setdefault("BOOMER_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.stats import pct  # noqa: E402
from boomer_site.celery import app  # noqa: E402
from boomer_site.models import AnalyticsEvent  # noqa: E402
from boomer_site.workers import worker_spawn, worker_stop  # noqa: E402
from products.models import Product, Stage  # noqa: E402
from products.samples import make_product_photo  # noqa: E402
from products.services import product_create_from_photos  # noqa: E402

BRANDS = ["SONY", "NINTENDO", "LEGO", "CANON", "APPLE", "SAMSUNG", "NIKE", "DEWALT", "KITCHENAID", "BOSE"]
SETTLED = (Stage.PENDING, Stage.FAILED)



def photos_for(i: int):
    brand = BRANDS[i % len(BRANDS)]
    label = f"{brand} model BX-{1000 + i} item {i}"
    ean = f"{400000000000 + i:012d}"
    return [(f"item{i}.jpg", make_product_photo(None, label=label, ean13=ean, size=(1200, 900)))], \
        ("new, sealed" if i % 3 == 0 else "used, light scratches")


def settle(ids, timeout=1800):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Product.objects.filter(pk__in=ids, stage__in=SETTLED).count() == len(ids):
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out: {Product.objects.filter(pk__in=ids).exclude(stage__in=SETTLED).count()} unsettled")


def measure(ids):
    latencies, overheads, agent_totals = [], [], []
    for product in Product.objects.filter(pk__in=ids):
        pending = AnalyticsEvent.objects.filter(product=product, event_type="product.stage",
                                                event_data__to=Stage.PENDING).first()
        if pending is None:
            continue
        latency = (pending.created_at - product.created_at).total_seconds()
        agents = sum(e.event_data["seconds"] for e in
                     AnalyticsEvent.objects.filter(product=product, event_type="agent.finished"))
        latencies.append(latency)
        agent_totals.append(agents)
        overheads.append(latency - agents)
    return latencies, overheads, agent_totals


def cache_l2_clear() -> None:
    """Answers an earlier run left in Redis would be cache hits: this run must ask the model."""
    from boomer_site.breakers import redis_client

    client = redis_client()
    for key in client.scan_iter(match="boomer:cache:*"):
        client.delete(key)


def remote_run(args, owner, batches) -> dict:
    """Throughput with the Claude stand-in at 0 s and at `args.latency` s per answer."""
    from bench.claude_standin import standin
    from boomer_site.breakers import breaker_reset

    phases = {}
    for phase, latency in (("0s", 0), (f"{args.latency:g}s", int(args.latency * 1000))):
        breaker_reset("ai:anthropic")
        with standin(latency) as server:
            env = {"BOOMER_AI_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": server.api_key,
                   "ANTHROPIC_BASE_URL": server.url, "BOOMER_AI_TIMEOUT_SECONDS": "60"}
            worker = worker_spawn(name=f"bench-{phase}-{os.getpid()}", concurrency=args.threads, pool="threads",
                                  log_path=ROOT / "var" / "bench-worker.log", extra_env=env)
            try:
                warm = [product_create_from_photos(owner=owner, photos=[(f"warm-{phase}-{i}.jpg", make_product_photo(
                    None, label=f"WARMUP {phase} {i}", ean13=None, size=(640, 480)))]).product.pk for i in range(4)]
                settle(warm)
                chunk = batches[:args.items] if phase == "0s" else batches[args.items:2 * args.items]
                started = time.monotonic()
                ids = [product_create_from_photos(owner=owner, photos=p, notes=n).product.pk for p, n in chunk]
                settle(ids)
                elapsed = time.monotonic() - started
                requests = server.count()
            finally:
                worker_stop(worker)
        latencies, _, _ = measure(ids)
        done = sorted(pending_times(ids))
        phases[phase] = {"items_per_minute": round((len(done) - 1) / (done[-1] - done[0]) * 60, 1),
                         "batch_items_per_minute": round(len(ids) / elapsed * 60, 1),
                         "first_pending_s": round(done[0] - started_at(ids), 2),
                         "drop_to_pending_p50_s": round(pct(latencies, 50), 2),
                         "drop_to_pending_p95_s": round(pct(latencies, 95), 2), "claude_requests": requests,
                         "claude_requests_per_item": round(requests / (len(ids) + len(warm)), 2),
                         "failed": Product.objects.filter(pk__in=ids, stage=Stage.FAILED).count()}
    slow, fast = phases[f"{args.latency:g}s"], phases["0s"]
    return {"provider": "anthropic (contract server)", "items": args.items, "threads": args.threads, **phases,
            "throughput_ratio": round(slow["items_per_minute"] / fast["items_per_minute"], 3),
            "batch_ratio": round(slow["batch_items_per_minute"] / fast["batch_items_per_minute"], 3)}


def pending_times(ids) -> list[float]:
    """When each item reached PENDING (epoch seconds)."""
    return [created.timestamp() for created in AnalyticsEvent.objects.filter(
        product_id__in=ids, event_type="product.stage", event_data__to=Stage.PENDING).values_list("created_at", flat=True)]


def started_at(ids) -> float:
    return min(Product.objects.filter(pk__in=ids).values_list("created_at", flat=True)).timestamp()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--sequential", type=int, default=10, help="items dropped one at a time for the overhead")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--provider", choices=("local", "anthropic"), default="local")
    parser.add_argument("--latency", type=float, default=3.0, help="seconds per Claude answer (--provider anthropic)")
    parser.add_argument("--threads", type=int, default=24, help="worker threads (--provider anthropic)")
    args = parser.parse_args()
    if args.provider == "anthropic":
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        cache_l2_clear()
        owner, _ = get_user_model().objects.get_or_create(username="bench")
        app.control.purge()
        print(f"preparing {2 * args.items} photos…", file=sys.stderr)
        batches = [photos_for(i) for i in range(2 * args.items)]
        print(json.dumps(remote_run(args, owner, batches), indent=2))
        return

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    owner, _ = get_user_model().objects.get_or_create(username="bench")
    app.control.purge()
    print(f"preparing {args.items + args.sequential} photos…", file=sys.stderr)
    batches = [photos_for(i) for i in range(args.items + args.sequential)]
    log = ROOT / "var" / "bench-worker.log"
    worker = worker_spawn(name=f"bench-{os.getpid()}", concurrency=args.concurrency, log_path=log)
    try:
        # Warm up: model loads (OCR, embeddings) are per worker process, not per item.
        warm = [product_create_from_photos(owner=owner, photos=[(f"warm{i}.jpg", make_product_photo(
            None, label=f"WARMUP {i}", ean13=None, size=(640, 480)))]).product.pk for i in range(args.concurrency * 2)]
        settle(warm)

        sequential_ids = []
        for photos, notes in batches[args.items:]:
            product = product_create_from_photos(owner=owner, photos=photos, notes=notes).product
            settle([product.pk])
            sequential_ids.append(product.pk)

        started = time.monotonic()
        ids = [product_create_from_photos(owner=owner, photos=p, notes=n).product.pk for p, n in batches[: args.items]]
        settle(ids)
        elapsed = time.monotonic() - started
    finally:
        worker_stop(worker)

    latencies, _, agent_totals = measure(ids)
    seq_latencies, overheads, seq_agents = measure(sequential_ids)
    failed = Product.objects.filter(pk__in=ids + sequential_ids, stage=Stage.FAILED).count()
    report = {
        "items": args.items, "worker_processes": args.concurrency, "failed": failed,
        "items_per_minute": round(args.items / elapsed * 60, 1),
        "drop_to_pending_p50_s": round(pct(latencies, 50), 2),
        "drop_to_pending_p95_s": round(pct(latencies, 95), 2),
        "agent_seconds_per_item_p50": round(pct(agent_totals, 50), 3),
        "sequential_items": len(sequential_ids),
        "sequential_latency_p50_s": round(pct(seq_latencies, 50), 3),
        "overhead_p50_ms": round(pct(overheads, 50) * 1000, 1),
        "overhead_p95_ms": round(pct(overheads, 95) * 1000, 1),
        "overhead_mean_ms": round(statistics.mean(overheads) * 1000, 1) if overheads else None,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
