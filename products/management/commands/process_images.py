"""One-shot intake of photos and folders named on the command line (the inbox's rules)."""
import json
import os
import sys
import time
from pathlib import Path

from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand, command_user
from boomer_site.workers import worker_ping, worker_spawn, worker_stop
from products.inbox_items import item_from_path, item_read, item_refusals
from products.models import Product, Stage
from products.reports import product_report
from products.services import inbox_owner_get_or_create, product_create_from_photos

SETTLED = (Stage.PENDING, Stage.FAILED)
# The agents' steps (boomer_site/celery.py task_routes): the temporary worker takes no publish
# or notification it might have to cut short when the command ends.
PIPELINE_QUEUES = ("vision", "market")


class Command(DatabaseCommand):
    help = "Make products of the photos and folders given (a folder = one item). --wait for the agents."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--wait", action="store_true", help="return once every item is PENDING or FAILED")
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        parser.add_argument("--timeout", type=float, default=900.0, help="seconds --wait waits at most")
        parser.add_argument("--owner", default=None, help="username that owns the products (default: the inbox owner)")

    def handle(self, *args, **options):
        from django.db import OperationalError
        from kombu.exceptions import OperationalError as BrokerError

        try:
            self._handle(**options)
        except OperationalError as exc:
            raise CommandError(f"cannot reach the database: {str(exc).splitlines()[0]}")
        except BrokerError as exc:
            raise CommandError(f"cannot reach Redis (the Celery broker): {exc}")

    def _handle(self, *, paths, wait, json: bool, timeout, owner, **options):
        owner_user = self._owner(owner)
        worker = None
        if wait and not worker_ping():
            self.stderr.write("no Celery worker answered: starting one for this run")
            worker = worker_spawn(name=f"process-images-{int(time.time())}", queues=PIPELINE_QUEUES)
        try:
            report = self._intake(paths, owner_user)
            if wait and report["product_ids"]:
                self._wait(report["product_ids"], timeout)
        finally:
            if worker is not None:
                worker_stop(worker)
        products = Product.objects.filter(pk__in=report["product_ids"]).select_related("condition")
        products = sorted(products, key=lambda p: report["product_ids"].index(p.pk))
        document = {"products": [product_report(p) for p in products], "rejected": report["rejected"],
                    "duplicates": report["duplicates"]}
        if json:
            sys.stdout.write(_json_dump(document) + "\n")
        else:
            self._print(document)

    def _owner(self, username):
        return command_user(username, default=inbox_owner_get_or_create)

    def _intake(self, paths, owner):
        product_ids, rejected, duplicates = [], [], []
        for raw in paths:
            path = Path(raw)
            if not os.path.lexists(path):
                rejected.append({"source": raw, "reason": "no such file or folder"})
                continue
            item = item_from_path(path)
            if item is None:
                rejected.append({"source": raw, "reason": "no photo in it" if path.is_dir() else "not a photo (notes file)"})
                continue
            files = item_read(item)  # the inbox's checks: no links, sizes before reading, the photo limit
            result = product_create_from_photos(owner=owner, photos=files.photos, notes=files.notes, source=str(path))
            rejected += [{"source": str(source), "reason": reason}
                         for source, reason in item_refusals(item, files, result.rejected)]
            if result.product:
                product_ids.append(result.product.pk)
            elif result.duplicate_of:
                duplicates.append({"source": str(path), "product_id": result.duplicate_of.pk,
                                   "notes_added": result.notes_added})
        return {"product_ids": product_ids, "rejected": rejected, "duplicates": duplicates}

    def _wait(self, product_ids, timeout):
        deadline = time.monotonic() + timeout
        total = len(product_ids)
        last = None
        while True:
            stages = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "stage"))
            settled = sum(1 for s in stages.values() if s in SETTLED)
            if settled != last:
                self.stderr.write(f"{settled}/{total} items ready for review or failed")
                last = settled
            if settled == total:
                return
            if time.monotonic() > deadline:
                raise CommandError(f"gave up waiting after {timeout:.0f}s: {total - settled} item(s) still in the pipeline")
            time.sleep(0.25)

    def _print(self, document):
        for p in document["products"]:
            ident = p["identity"]
            line = f"#{p['id']} {p['stage']:<9} {ident['title'] or '(unidentified)'}"
            if ident["barcode"]:
                line += f"  [{ident['barcode']}]"
            if p["condition"]["grade"]:
                line += f"  {p['condition']['grade']}"
            if p["price"]["recommended"]:
                line += f"  {p['price']['recommended']} {p['price']['currency']}"
            if p["error"]:
                line += f"  error: {p['error']}"
            self.stdout.write(line)
        for r in document["rejected"]:
            self.stdout.write(f"rejected {r['source']}: {r['reason']}")
        for d in document["duplicates"]:
            added = ", its notes added to the product's" if d["notes_added"] else ""
            self.stdout.write(f"duplicate {d['source']} (product #{d['product_id']}{added})")


def _json_dump(document):
    return json.dumps(document, indent=2, ensure_ascii=False)
