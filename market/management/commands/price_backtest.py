"""How good BOOMER's prices were: the median absolute percentage error of recommended vs sold
prices, by category and by source (sales not measured yet are measured first)."""
import json

from boomer_site.commands import DatabaseCommand
from market.accuracy import mdape, price_outcomes_record


class Command(DatabaseCommand):
    help = "Median absolute percentage error (MdAPE) of recommended prices against sold prices, by category and source."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, json: bool, **options):
        price_outcomes_record()
        report = {"by_category": mdape("category"), "by_source": mdape("source")}
        if json:
            self.stdout.write(_dump(report))
            return
        for title, rows in (("category", report["by_category"]), ("source", report["by_source"])):
            self.stdout.write(f"by {title}:")
            for name, figures in sorted(rows.items(), key=lambda item: item[0] != "all"):
                self.stdout.write(f"  {name}: MdAPE {figures['mdape']:.1%} over {figures['count']} sale(s)")


def _dump(document) -> str:
    return json.dumps(document, indent=2)
