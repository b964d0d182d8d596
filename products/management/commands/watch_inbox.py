"""Watch the inbox folder and turn dropped photos into products (runs until stopped)."""
import logging
import signal
import threading
from pathlib import Path

from django.conf import settings
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from boomer_site.commands import DatabaseCommand
from boomer_site.tracing import tracing_setup
from products.inbox import DONE, FAILED, inbox_process_ready
from products.services import inbox_owner_get_or_create

log = logging.getLogger("boomer.inbox")


class _Wake(FileSystemEventHandler):
    def __init__(self, event: threading.Event):
        self.event = event

    def on_any_event(self, event):
        if f"/{DONE}" not in event.src_path and f"/{FAILED}" not in event.src_path:
            self.event.set()


class Command(DatabaseCommand):
    help = "Watch the inbox: one photo or one sub-folder becomes one product."

    def add_arguments(self, parser):
        parser.add_argument("--inbox", default=str(settings.BOOMER_INBOX))
        parser.add_argument("--debounce", type=float, default=settings.BOOMER_INBOX_DEBOUNCE_SECONDS)
        parser.add_argument("--poll", type=float, default=5.0, help="rescan at least this often (seconds)")

    def handle(self, *args, inbox, debounce, poll, **options):
        tracing_setup("boomer-watcher")  # off unless OTEL_TRACES_EXPORTER is set
        root = Path(inbox)
        for folder in (root, root / DONE, root / FAILED):
            folder.mkdir(parents=True, exist_ok=True)
        owner = inbox_owner_get_or_create()
        wake, stop = threading.Event(), threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: (stop.set(), wake.set()))
        observer = Observer()
        observer.schedule(_Wake(wake), str(root), recursive=True)
        observer.start()
        self.stderr.write(f"watching {root} (debounce {debounce}s) for {owner.username}")
        try:
            while not stop.is_set():
                for item, result in inbox_process_ready(root=root, owner=owner, debounce=debounce):
                    if result.product:
                        log.info("%s → product %s", item.path.name, result.product.sku)
                    elif result.duplicate_of:
                        log.info("%s is a duplicate of %s%s", item.path.name, result.duplicate_of.sku,
                                 " (its notes were added to the product's)" if result.notes_added else "")
                    for name, why in result.rejected:
                        log.warning("%s rejected: %s", name, why)
                # Sleep until something changes, but come back while items are settling.
                settling = any(not p.name.startswith(".") for p in root.iterdir())
                wake.wait(timeout=debounce / 2 if settling else poll)
                wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)
