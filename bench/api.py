"""Benchmark: the read API under 50 concurrent clients, on the embedded default, over real HTTP.

    .venv/bin/python bench/api.py [--duration 30] [--clients 50] [--client-procs 1] [--products 10000]

Runs against its own database (`boomer_bench_api`) and Redis db (3) on the embedded servers.
Seeds 10 000 PENDING products (a condition, 3 drafts and one photo row each, spread over a few
sellers; every `--live-every`-th product is ACTIVE with 3 LIVE listings so /api/listings/ has
rows to page through), starts the real web server (gunicorn, 2 workers × 4 threads, DEBUG off,
throttling lifted), takes JWTs from POST /api/auth/token/, then lets `--clients` keep-alive
clients hammer it for `--duration` seconds with a mix of
  GET /api/products/?page=N   (page_size 25, random page of what that user sees)
  GET /api/products/{id}/     (random visible product)
  GET /api/listings/?page=N   (random page)
Half the clients are the reviewer (sees everything), half are sellers (their own items).
Each client is a thread with one keep-alive connection (http.client): the clients use a few
percent of one core, so one process is enough (`--client-procs N` spreads them over N).

Reports p50/p95/p99 latency per endpoint and overall, requests/s, errors, and the CPU the
server, the clients and the rest of the machine used (the machine is shared: other work's
CPU is counted apart, not subtracted from the figures).

Then, in-process (DRF APIClient + force_authenticate, CaptureQueriesContext), the number of SQL
queries one list request costs at page_size 5, 25 and 100, for products and listings, as the
reviewer and as a seller. Exits 1 if the count grows with the page size (an N+1).
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")
os.environ.setdefault("BOOMER_DATABASE_NAME", "boomer_bench_api")
os.environ.setdefault("BOOMER_REDIS_DB", "3")
os.environ.setdefault("BOOMER_LOG_LEVEL", "WARNING")
# The in-process query count must not be throttled either.
os.environ.setdefault("BOOMER_THROTTLE_USER", "1000000/min")
os.environ.setdefault("BOOMER_THROTTLE_ANON", "1000000/min")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.stats import pct, progress  # noqa: E402
from listings.models import Listing, ListingDraft, ListingStatus, Platform  # noqa: E402
from products.models import Product, ProductCondition, ProductImage, Stage  # noqa: E402
from products.samples import make_product_photo  # noqa: E402

PASSWORD = "bench-Api-pw-2026"
PLATFORMS = [p.value for p in Platform]
BRANDS = ["Sony", "Nintendo", "Lego", "Canon", "Apple", "Samsung", "Nike", "DeWalt", "KitchenAid", "Bose"]
GRADES = ["NEW", "LIKE_NEW", "GOOD", "FAIR", "POOR"]
ENDPOINTS = ("products_list", "product_detail", "listings_list")


log = progress("api-bench")



# --- seeding -------------------------------------------------------------------------------------
def seed(n_products: int, n_sellers: int, live_every: int, batch: int = 2000) -> dict:
    User = get_user_model()
    seller_group, _ = Group.objects.get_or_create(name="seller")
    reviewer_group, _ = Group.objects.get_or_create(name="reviewer")
    sellers = []
    for i in range(n_sellers):
        user = User(username=f"bench-seller-{i}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(seller_group)
        sellers.append(user)
    reviewer = User(username="bench-reviewer")
    reviewer.set_password(PASSWORD)
    reviewer.save()
    reviewer.groups.add(reviewer_group)

    # One small stored JPEG, shared by every image row (the API only builds its URL).
    photo = make_product_photo(None, label="BENCH shared photo", ean13=None, size=(320, 240), seed=1)
    image_name = default_storage.save("bench/api-shared.jpg", ContentFile(photo))

    started = time.monotonic()
    for lo in range(0, n_products, batch):
        hi = min(n_products, lo + batch)
        products = []
        for i in range(lo, hi):
            brand = BRANDS[i % len(BRANDS)]
            live = live_every and i % live_every == 0
            products.append(Product(
                owner=sellers[i % n_sellers], sku=f"BENCH-{i:06d}", name=f"{brand} model {i}", brand=brand,
                model=f"M-{i}", category="Electronics > Audio", attributes={"colour": "black"},
                notes="used, light scratches", stage=Stage.ACTIVE if live else Stage.PENDING,
                recommended_price=Decimal("10.00") + i % 200, currency="USD", price_reason="comparable sales",
                pricing={"ebay": {"median": "42.00", "n": 7}}, analysis={"unknowns": ["year"]}))
        products = Product.objects.bulk_create(products, batch_size=batch)
        ProductCondition.objects.bulk_create([
            ProductCondition(product=p, grade=GRADES[p.pk % len(GRADES)], defects=["scratch"], confidence=0.8,
                             reason="notes") for p in products], batch_size=batch)
        ListingDraft.objects.bulk_create([
            ListingDraft(product=p, platform=platform, title=f"{p.name} ({platform})",
                         description="Used – good. " * 8, price=p.recommended_price)
            for p in products for platform in PLATFORMS], batch_size=batch * 3)
        ProductImage.objects.bulk_create([
            ProductImage(product=p, owner_id=p.owner_id, image=image_name,
                         sha256=hashlib.sha256(f"bench-{p.pk}".encode()).hexdigest(), format="jpg",
                         width=320, height=240, original_name=f"{p.sku}.jpg") for p in products], batch_size=batch)
        live_products = [p for p in products if p.stage == Stage.ACTIVE]
        Listing.objects.bulk_create([
            Listing(product=p, platform=platform, title=f"{p.name} ({platform})", description="Used – good.",
                    price=p.recommended_price, status=ListingStatus.LIVE, external_id=f"{platform}-{p.pk}",
                    listing_url=f"https://example.com/{platform}/{p.pk}")
            for p in live_products for platform in PLATFORMS], batch_size=batch * 3)
        log(f"seeded {hi}/{n_products} products ({time.monotonic() - started:.1f}s)")

    visible = {"bench-reviewer": list(Product.objects.values_list("pk", flat=True))}
    for seller in sellers:
        visible[seller.username] = list(Product.objects.filter(owner=seller).values_list("pk", flat=True))
    return {"sellers": sellers, "reviewer": reviewer, "visible": visible,
            "seconds": round(time.monotonic() - started, 1)}


# --- the server --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(port: int, workers: int, threads: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "boomer_site.settings.local",
           "BOOMER_DATABASE_NAME": settings.DATABASES["default"]["NAME"], "BOOMER_REDIS_DB": "3",
           "BOOMER_THROTTLE_USER": "1000000/min", "BOOMER_THROTTLE_ANON": "1000000/min",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_DEBUG": "False", "BOOMER_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "gunicorn", "boomer_site.wsgi:application", "--workers", str(workers),
               "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    output = open(log_path, "ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited at start (code {process.returncode}); see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            gunicorn_stop(process)
            raise SystemExit(f"gunicorn did not answer /healthz within 60s; see {log_path}")
        time.sleep(0.2)


def gunicorn_stop(process: subprocess.Popen, timeout: float = 30.0) -> int | None:
    """Graceful stop (SIGTERM: workers finish their requests), then kill if it hangs."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None


def token_for(port: int, username: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/auth/token/", body=json.dumps({"username": username, "password": PASSWORD}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"token for {username}: HTTP {response.status} {body[:200]!r}")
    return json.loads(body)["access"]


# --- CPU accounting (the machine is shared) ------------------------------------------------------
CLK = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies over all cores, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def tree_cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process and its live children (gunicorn master + workers)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (float(stat[11]) + float(stat[12])) / CLK
        except OSError:
            pass
    return total


# --- the load --------------------------------------------------------------------------------------
def client_loop(port, token, visible_ids, pages, listing_pages, mix, user, stop_at, record_from, seed_value, out):
    rng = random.Random(seed_value)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    kinds, weights = zip(*mix.items())
    while True:
        now = time.monotonic()
        if now >= stop_at:
            break
        kind = rng.choices(kinds, weights)[0]
        if kind == "products_list":
            path = f"/api/products/?page={rng.randint(1, pages)}&page_size=25"
        elif kind == "product_detail":
            path = f"/api/products/{rng.choice(visible_ids)}/"
        else:
            path = f"/api/listings/?page={rng.randint(1, listing_pages)}"
        started = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            status = f"{type(exc).__name__}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        ended = time.monotonic()
        if started >= record_from:
            out.append((kind, ended - started, status, ended, seed_value, user))
    conn.close()


def client_process(specs, stop_at, record_from, queue):
    """Runs several client threads; sends their samples back in one message."""
    results: list = []
    threads = [threading.Thread(target=client_loop, args=(*spec, stop_at, record_from, spec_seed, results))
               for spec_seed, spec in specs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def run_load(port, tokens, visible, args) -> dict:
    page_size = 25
    listing_count = {"bench-reviewer": Listing.objects.count()}
    for name in visible:
        if name != "bench-reviewer":
            listing_count[name] = Listing.objects.filter(product__owner__username=name).count()
    mix = {"products_list": 0.5, "product_detail": 0.3, "listings_list": 0.2}
    sellers = [name for name in visible if name != "bench-reviewer"]
    specs = []
    for i in range(args.clients):
        user = "bench-reviewer" if i % 2 == 0 else sellers[(i // 2) % len(sellers)]
        ids = visible[user]
        pages = max(1, -(-len(ids) // page_size))
        listing_pages = max(1, -(-listing_count[user] // 25))
        specs.append((i, (port, tokens[user], ids, pages, listing_pages, mix, user)))

    procs = max(1, min(args.client_procs, args.clients))
    groups = [specs[i::procs] for i in range(procs)]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    connections.close_all()  # the children never touch the database
    start = time.monotonic() + 0.5
    record_from = start + args.warmup
    stop_at = record_from + args.duration
    busy0 = total0 = None
    server_cpu0 = tree_cpu_seconds(args._server_pid)
    children = [ctx.Process(target=client_process, args=(group, stop_at, record_from, queue)) for group in groups]
    for child in children:
        child.start()
    time.sleep(max(0.0, record_from - time.monotonic()))
    busy0, total0 = machine_cpu()
    server_cpu_rec0 = tree_cpu_seconds(args._server_pid)
    client_cpu0 = sum(tree_cpu_seconds(c.pid) for c in children)
    load0 = os.getloadavg()
    time.sleep(max(0.0, stop_at - time.monotonic()))
    busy1, total1 = machine_cpu()
    server_cpu1 = tree_cpu_seconds(args._server_pid)
    client_cpu1 = sum(tree_cpu_seconds(c.pid) for c in children)
    load1 = os.getloadavg()
    samples = []
    for _ in children:
        samples += queue.get(timeout=120)
    for child in children:
        child.join(30)
    del server_cpu0

    cores = os.cpu_count() or 1
    window = args.duration
    machine_busy_cores = (busy1 - busy0) / CLK / window
    server_cores = (server_cpu1 - server_cpu_rec0) / window
    client_cores = (client_cpu1 - client_cpu0) / window
    # Only requests that finished inside the window count towards the rate.
    in_window = [s for s in samples if s[3] <= stop_at + 0.001]
    if args.samples:
        with open(args.samples, "w") as handle:
            for s in in_window:
                handle.write(json.dumps({"endpoint": s[0], "ms": round(s[1] * 1000, 2), "status": s[2],
                                         "t": round(s[3] - record_from, 3), "client": s[4], "user": s[5]}) + "\n")

    def summary(rows):
        lat = [r[1] * 1000 for r in rows]
        ok = [r for r in rows if r[2] == 200]
        return {"requests": len(rows), "ok": len(ok), "errors": len(rows) - len(ok),
                "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
                "p99_ms": round(pct(lat, 99), 1), "max_ms": round(max(lat), 1) if lat else None,
                "requests_per_s": round(len(rows) / window, 1)}

    per_client = {}
    for s in in_window:
        per_client.setdefault(s[4], []).append(s[1] * 1000)
    client_p50s = sorted(pct(v, 50) for v in per_client.values())
    per_role = {role: summary([s for s in in_window if (s[5] == "bench-reviewer") == (role == "reviewer")])
                for role in ("reviewer", "seller")}
    errors: dict = {}
    for s in samples:
        if s[2] != 200:
            errors[str(s[2])] = errors.get(str(s[2]), 0) + 1
    return {
        "overall": summary(in_window),
        "per_endpoint": {k: summary([s for s in in_window if s[0] == k]) for k in ENDPOINTS},
        "per_role": per_role,
        # Keep-alive connections stay on the gunicorn worker that accepted them: a wide spread
        # here means one worker process got more clients than the other.
        "per_client_p50_ms_min_median_max": [round(client_p50s[0], 1), round(pct(client_p50s, 50), 1),
                                             round(client_p50s[-1], 1)] if client_p50s else None,
        "error_statuses": errors,
        "cpu": {"cores": cores, "machine_busy_cores": round(machine_busy_cores, 2),
                "server_cores": round(server_cores, 2), "client_cores": round(client_cores, 2),
                "other_processes_cores": round(max(0.0, machine_busy_cores - server_cores - client_cores), 2),
                "loadavg_1m_start_end": [round(load0[0], 2), round(load1[0], 2)]},
    }


# --- SQL queries per request (in-process) -------------------------------------------------------
def queries_per_request(users: dict, sizes=(5, 25, 100)) -> dict:
    client = APIClient()
    report: dict = {}
    for label, user in users.items():
        client.force_authenticate(user=user)
        for endpoint in ("/api/products/", "/api/listings/"):
            counts = {}
            client.get(endpoint, {"page_size": 5})  # warm: content types, first-use caches
            for size in sizes:
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(endpoint, {"page_size": size, "page": 2})
                if response.status_code != 200:
                    raise SystemExit(f"{endpoint} page_size={size} as {label}: HTTP {response.status_code}")
                rows = len(response.json()["results"])
                counts[str(size)] = {"queries": len(ctx.captured_queries), "rows": rows}
            report[f"{endpoint} as {label}"] = counts
        product_id = Product.objects.filter(**({} if label == "reviewer" else {"owner": user})).values_list(
            "pk", flat=True).first()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/products/{product_id}/")
        report[f"/api/products/<id>/ as {label}"] = {"queries": len(ctx.captured_queries)}
    client.force_authenticate(user=None)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--sellers", type=int, default=4)
    parser.add_argument("--live-every", type=int, default=10,
                        help="every Nth product is ACTIVE with 3 LIVE listings (0: all PENDING, no listings)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--client-procs", type=int, default=1,
                        help="client processes the threads are spread over; measured: 50 keep-alive "
                             "http.client threads use ~0.03 core at ~70 req/s, so one process (one GIL) is enough")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--samples", help="write every measured request as JSON lines to this file")
    parser.add_argument("--skip-load", action="store_true", help="only count the queries")
    args = parser.parse_args()

    log(f"database {settings.DATABASES['default']['NAME']}, redis {settings.REDIS_URL}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()
    seeded = seed(args.products, args.sellers, args.live_every)
    log(f"seeded in {seeded['seconds']}s")

    report = {"products": Product.objects.count(), "listings": Listing.objects.count(),
              "sellers": args.sellers, "seed_seconds": seeded["seconds"]}
    failed_check = False
    if not args.skip_load:
        port = free_port()
        log_path = ROOT / "var" / "bench-api-gunicorn.log"
        log(f"starting gunicorn on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads)")
        server = gunicorn_start(port, args.workers, args.threads, log_path)
        try:
            tokens = {name: token_for(port, name) for name in seeded["visible"]}
            args._server_pid = server.pid
            log(f"{args.clients} clients in {args.client_procs} process(es): {args.warmup:.0f}s warm-up, "
                f"{args.duration:.0f}s measured")
            load = run_load(port, tokens, seeded["visible"], args)
        finally:
            code = gunicorn_stop(server)
            log(f"gunicorn stopped (exit {code})")
        report.update({"server": f"gunicorn {args.workers} workers x {args.threads} threads, DEBUG off",
                       "clients": args.clients, "client_procs": args.client_procs,
                       "duration_s": args.duration, **load, "gunicorn_exit": code})
        if load["overall"]["errors"]:
            log(f"errors: {load['error_statuses']} (see {log_path})")

    log("counting SQL queries per list request")
    queries = queries_per_request({"reviewer": seeded["reviewer"], "seller": seeded["sellers"][0]})
    grows = []
    for name, counts in queries.items():
        if "5" in counts:
            values = [counts[s]["queries"] for s in ("5", "25", "100")]
            if values != sorted(values) or values[-1] > values[0]:
                grows.append(f"{name}: {values}")
    report["sql_queries_per_request"] = queries
    report["sql_queries_grow_with_page_size"] = grows
    failed_check = bool(grows)
    print(json.dumps(report, indent=2))
    if failed_check:
        log(f"FAIL: queries grow with the page size: {grows}")
        sys.exit(1)


if __name__ == "__main__":
    main()
