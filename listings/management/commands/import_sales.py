"""Import past sales from a CSV: they become sold listings, the comps market research prices from."""
import csv
from pathlib import Path

from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand, command_user
from boomer_site.progress import Progress
from listings.imports import (
    OPTIONAL,
    REQUIRED,
    ImportReport,
    SalesFileError,
    sales_csv_read,
    sales_import,
)
from products.services import inbox_owner_get_or_create

LINE_EVERY = 100  # rows between two progress lines when stderr is not a terminal


def _records_in(path: Path) -> int:
    """Non-blank records after the header, for the progress total."""
    with path.open(newline="", encoding="utf-8-sig") as stream:
        return max(sum(1 for row in csv.reader(stream) if any(cell.strip() for cell in row)) - 1, 0)


class Command(DatabaseCommand):
    help = (f"Import past sales from CSV. Header required (any case): {', '.join(REQUIRED)}; optional: "
            f"{', '.join(OPTIONAL)}. platform is ebay, facebook or mercari; sold_price a number > 0; "
            "sold_at an ISO date or date-time; condition NEW, LIKE_NEW, GOOD, FAIR, POOR or words like "
            "'like new'. Each good row becomes a SOLD product and listing; bad rows are reported as "
            "'line N: reason' and do not stop the others; rows already imported are skipped.")

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="CSV", help="path of the CSV file")
        parser.add_argument("--owner", metavar="USERNAME",
                            help="seller who owns the imported products (default: BOOMER_INBOX_OWNER)")

    def handle(self, *args, path, owner, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        owner_user = self._owner(owner)
        try:
            total = _records_in(path)
            with path.open(newline="", encoding="utf-8-sig") as stream:
                rows = sales_csv_read(stream=stream)
                with Progress(stream=self.stderr, total=total, unit="row", desc="import") as progress:
                    report = sales_import(rows=rows, owner=owner_user, source_name=path.name,
                                          on_progress=self._reporter(progress, total))
        except SalesFileError as exc:
            raise CommandError(f"{path}: {exc}")
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not a UTF-8 text file")
        for line, reason in report.errors:
            self.stdout.write(f"line {line}: {reason}")
        self.stdout.write(f"{report.created} sale(s) imported, {report.skipped_duplicates} already imported, "
                          f"{len(report.errors)} bad row(s) (owner {owner_user.get_username()})")

    def _owner(self, username):
        return command_user(username, default=inbox_owner_get_or_create)

    @staticmethod
    def _reporter(progress: Progress, total: int):
        def on_progress(report: ImportReport):
            done = report.rows
            line = None
            if done % LINE_EVERY == 0 or done == total:
                line = (f"{done} of {total} rows: {report.created} imported, "
                        f"{report.skipped_duplicates} already imported, {len(report.errors)} bad")
            progress.advance(1, line)
        return on_progress
