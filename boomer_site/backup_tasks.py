"""The daily backup as a beat job (the same service as `manage.py backup`)."""
import logging

from boomer_site.backup import backup_create, backup_dir_default, backup_keep_days_default
from boomer_site.tasking import boomer_task

log = logging.getLogger(__name__)


@boomer_task(name="boomer_site.backup_daily", queue="default", soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300)
def backup_daily_task():
    """Beat, daily: a backup into BOOMER_BACKUP_DIR, then those older than BOOMER_BACKUP_KEEP_DAYS
    go. An empty BOOMER_BACKUP_DIR turns it off (where a Kubernetes CronJob makes the backups)."""
    target = backup_dir_default()
    if not target:
        log.info("backup_daily: BOOMER_BACKUP_DIR is empty, no backup made")
        return None
    result = backup_create(to=target, keep_days=backup_keep_days_default() or None)
    return {"location": result.location, "dump_bytes": result.dump_bytes, "media_files": result.media_files,
            "media_missing": len(result.media_missing), "pruned": result.pruned}
