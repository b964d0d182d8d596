"""Research again the comps of items in review or live (a progress bar on a terminal)."""
from datetime import timedelta

from boomer_site.commands import DatabaseCommand
from boomer_site.progress import Progress
from market.services import products_refresh, products_to_refresh


class Command(DatabaseCommand):
    help = "Refresh market data of items in review or live whose research is older than --older-than-hours (24)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--sources", help="comma-separated sources (default BOOMER_MARKET_SOURCES)")

    def handle(self, *args, older_than_hours, sources, **options):
        ids = products_to_refresh(older_than=timedelta(hours=older_than_hours))
        failed = []
        with Progress(stream=self.stderr, total=len(ids), unit="item", desc="market data") as progress:
            def on_each(product_id, outcome):
                if isinstance(outcome, Exception):
                    failed.append(f"#{product_id}: {outcome}")
                    progress.advance(1, f"#{product_id}: failed ({outcome})")
                else:
                    progress.advance(1, f"#{product_id}: {outcome['recommended']} ({len(outcome['comps'])} comps)")
            done = products_refresh(product_ids=ids, sources=sources.split(",") if sources else None, on_each=on_each)
        self.stdout.write(f"{done} of {len(ids)} item(s) refreshed")
        for line in failed:
            self.stdout.write(line)
