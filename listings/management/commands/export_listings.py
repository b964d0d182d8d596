"""Write listings as CSV, JSON or a Facebook bulk-upload sheet (stdout by default), filtered by
platform, status, owner and date."""
import argparse
from datetime import date, datetime

from django.core.management.base import CommandError
from django.utils import timezone

from boomer_site.commands import DatabaseCommand, command_user
from boomer_site.progress import Progress
from listings.exports import COLUMNS, FORMATS, listings_export
from listings.models import ListingStatus
from listings.selectors import listings_filter
from marketplaces.platforms import MARKETPLACES


def _moment(value: str) -> date | datetime:
    """An ISO date (the whole day) or date-time (naive = TIME_ZONE)."""
    try:
        if len(value.strip()) == 10:
            return date.fromisoformat(value.strip())
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO date (2024-05-31) or date-time")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class _Text:
    """stdout without Django's automatic newline after every write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class Command(DatabaseCommand):
    help = (f"Export listings as CSV (with a header) or a JSON array, columns: {', '.join(COLUMNS)}; "
            "or as rows of Facebook Marketplace's bulk-upload sheet (--format facebook-bulk). "
            "Filters combine; --since/--until bound the listing's creation time and include the day given. "
            "Progress goes to stderr.")

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv", help="default csv")
        parser.add_argument("--platform", choices=MARKETPLACES)
        parser.add_argument("--status", type=str.upper, choices=ListingStatus.values)
        parser.add_argument("--owner", metavar="USERNAME", help="only listings of this seller's products")
        parser.add_argument("--since", type=_moment, metavar="DATE",
                            help="created on or after (ISO date or date-time)")
        parser.add_argument("--until", type=_moment, metavar="DATE",
                            help="created on or before (ISO date or date-time)")
        parser.add_argument("--output", metavar="PATH", help="file to write (default: stdout)")

    def handle(self, *args, fmt, platform, status, owner, since, until, output, **options):
        owner_user = command_user(owner) if owner else None
        queryset = listings_filter(platform=platform, status=status, owner=owner_user, since=since,
                                   until=until).order_by("pk")
        total = queryset.count()
        with Progress(stream=self.stderr, total=total, unit="listing", desc="export") as progress:
            shown = 0

            def on_progress(written: int):
                nonlocal shown
                progress.advance(written - shown, f"{written} of {total} listings written")
                shown = written

            if output:
                try:
                    with open(output, "w", newline="", encoding="utf-8") as out:
                        count = listings_export(queryset=queryset, fmt=fmt, out=out, on_progress=on_progress)
                except OSError as exc:
                    raise CommandError(f"cannot write {output}: {exc.strerror or exc}")
            else:
                count = listings_export(queryset=queryset, fmt=fmt, out=_Text(self.stdout),
                                        on_progress=on_progress)
        self.stderr.write(f"exported {count} listing(s) as {fmt} to {output or 'stdout'}")
