from django.core.management.base import BaseCommand, CommandError

from boomer_site.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup (folder or s3://…; a root means its newest) into an empty database, then check "
            "the media files against the backup's manifest.")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a backup folder or S3 prefix, or the folder / prefix holding backups")
        parser.add_argument("--database-url", help="postgres://… to restore into (default: this site's database)")
        parser.add_argument("--media-from", help="a copy of the media root: files missing or different are put back from it")
        parser.add_argument("--force", action="store_true", help="restore into a database that has tables (replaces their objects)")
        parser.add_argument("--media-only", action="store_true",
                            help="leave the database alone: only check the media (and put files back with --media-from)")

    def handle(self, *args, backup, database_url=None, media_from=None, force=False, media_only=False, **options):
        try:
            report = backup_restore(backup, database_url=database_url, media_from=media_from, force=force,
                                    media_only=media_only, stream=self.stderr)
        except BackupError as exc:
            raise CommandError(str(exc))
        media = report.media
        if report.database:
            self.stdout.write(f"restored {report.source} ({report.created_at}) into database {report.database}: "
                              f"{report.tables} tables")
        else:
            self.stdout.write(f"checked the media of {report.source} ({report.created_at}); the database was left alone")
        for label, count in sorted(report.rows.items()):
            self.stdout.write(f"  {label:<40} {count:>9} rows")
        self.stdout.write(f"media: {media.ok} as backed up, {len(media.restored)} put back, "
                          f"{len(media.missing)} missing, {len(media.differ)} differ")
        for kind, names in (("PUT BACK", media.restored), ("MISSING", media.missing), ("DIFFERS", media.differ)):
            for name in names:
                self.stdout.write(f"  {kind} {name}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
