"""Embed products that have no embedding yet, so similarity search and market research find them."""
from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand
from boomer_site.progress import Progress
from products.backfill import BackfillBatch, embeddings_backfill

SHOW_SKIPPED = 20


def _positive(value: str) -> int:
    import argparse

    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(DatabaseCommand):
    help = ("Compute the embedding of every product that has none, in primary-key order and in batches. "
            "Safe to stop and run again: it continues with the products still without one. "
            "Progress goes to stderr (a bar on a terminal, one line per batch when piped).")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=_positive, default=100,
                            help="products embedded and committed together (default 100)")
        parser.add_argument("--limit", type=_positive, default=None,
                            help="look at no more than this many products in this run")

    def handle(self, *args, batch_size, limit, **options):
        skipped: list[str] = []
        progress = None
        seen = 0

        def on_batch(batch: BackfillBatch):
            nonlocal progress, seen
            if progress is None:
                progress = Progress(stream=self.stderr, total=batch.total, unit="product", desc="embeddings")
            skipped.extend(batch.skipped)
            progress.advance(batch.done - seen,
                             f"batch {batch.number}/{batch.batches}: {batch.done} of {batch.total} products")
            seen = batch.done

        try:
            filled = embeddings_backfill(batch_size=batch_size, limit=limit, on_batch=on_batch)
        except ValueError as exc:
            raise CommandError(str(exc))
        finally:
            if progress is not None:
                progress.close()
        self.stdout.write(f"filled {filled} embedding(s)")
        if skipped:
            names = ", ".join(skipped[:SHOW_SKIPPED]) + (f" and {len(skipped) - SHOW_SKIPPED} more"
                                                          if len(skipped) > SHOW_SKIPPED else "")
            self.stdout.write(f"skipped {len(skipped)} product(s) with no name, brand, model, category, "
                              f"notes or text to embed: {names}")
        if filled == 0 and not skipped:
            self.stdout.write("nothing to do: every product has an embedding")
