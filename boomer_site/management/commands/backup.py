from django.core.management.base import BaseCommand, CommandError

from boomer_site.backup import BackupError, backup_create, backup_keep_days_default


class Command(BaseCommand):
    help = ("Back up the database (pg_dump -Fc) with a manifest of the media files and a meta file into a "
            "timestamped folder or S3 prefix; prints where. Progress goes to stderr.")

    def add_arguments(self, parser):
        parser.add_argument("--to", help="a folder or s3://bucket/prefix (default BOOMER_BACKUP_DIR, var/backups)")
        parser.add_argument("--keep-days", type=int, default=None,
                            help="then delete backups there older than this (default BOOMER_BACKUP_KEEP_DAYS, 30; 0 keeps all)")
        parser.add_argument("--lock-wait-timeout", type=float, default=600,
                            help="seconds pg_dump waits for a table's lock before it gives up (default 600)")

    def handle(self, *args, to=None, keep_days=None, lock_wait_timeout=600, **options):
        keep_days = backup_keep_days_default() if keep_days is None else keep_days
        try:
            result = backup_create(to=to, keep_days=keep_days or None, stream=self.stderr,
                                   lock_wait_timeout=lock_wait_timeout)
        except BackupError as exc:
            raise CommandError(str(exc))
        for name in result.media_missing:
            self.stderr.write(f"warning: {name} is named in the database but was not in the media storage")
        self.stdout.write(result.location)
