"""Comparable sales and a price for a product or a query, as one JSON document (`--json`) or text.

Exit 0 when the research ran (even with no comps); non-zero, with the message on stderr, when a
source could not be read (the JSON still shows what the others found)."""
import json
import sys

from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand
from market.relevance import Item
from market.research import SOURCES, market_research, product_hash, research, sources_configured
from market.sources.base import Query
from products.models import Grade, Product

CONDITION_OF = {"NEW": "new", "LIKE_NEW": "used", "GOOD": "used", "FAIR": "used", "POOR": "used"}


class Command(DatabaseCommand):
    help = "Research comparable sales: --product ID or --query TEXT (with --gtin, --category-id, --condition)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--product", type=int, help="a product's id")
        target.add_argument("--query", help="keywords, e.g. 'Sony WH-1000XM4'")
        parser.add_argument("--gtin", default="")
        parser.add_argument("--category-id", default="")
        parser.add_argument("--condition", type=str.upper, choices=Grade.values, help="BOOMER's grade of the item")
        parser.add_argument("--sources", help=f"comma-separated, of {', '.join(SOURCES)} (default BOOMER_MARKET_SOURCES)")
        parser.add_argument("--save", action="store_true", help="with --product: keep the result on the product")
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    def handle(self, *args, product, query, gtin, category_id, condition, sources, save, json: bool, **options):
        try:
            chosen = sources_configured(sources.split(",") if sources else None)
        except ValueError as exc:
            raise CommandError(str(exc))
        if product is not None:
            item = Product.objects.filter(pk=product).select_related("condition").first()
            if item is None:
                raise CommandError(f"no product {product}")
            grade = condition or (getattr(getattr(item, "condition", None), "grade", "") or None)
            result = market_research(product=item, sources=chosen, grade=grade)
            if save:
                Product.objects.filter(pk=item.pk).update(pricing=result)
        else:
            q = Query(keywords=query, gtin=gtin, category_id=category_id, condition=CONDITION_OF.get(condition or "", ""))
            result = research(query=q, item=Item(name=query, gtin=gtin, grade=condition or ""),
                              sources=[s for s in chosen if s != "own_sales"], key=product_hash(barcode=gtin, name=query))
        if json:
            sys.stdout.write(_dump(result) + "\n")
            sys.stdout.flush()
        else:
            self._print(result)
        if result["errors"]:
            raise CommandError("; ".join(f"{name} could not be read: {why}" for name, why in result["errors"].items()))

    def _print(self, result):
        for platform, figures in result["stats"].items():
            self.stdout.write(f"{platform}: {figures.get('count', 0)} sold, median {figures.get('median')}, "
                              f"delivered median {figures.get('delivered_median')}, sell-through {figures.get('sell_through')}")
        kept = sum(1 for c in result["comps"] if c["kept"])
        self.stdout.write(f"{kept} of {len(result['comps'])} comps kept")
        self.stdout.write(f"recommended: {result['recommended']} {result['currency']} — {result['reason']}")


def _dump(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)
