"""Where photos, failure screenshots, exports and static files are kept: the filesystem under
var/, or S3 (django-storages) with BOOMER_STORAGE=s3."""
from pathlib import Path

from .environment import VAR_DIR, env

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("BOOMER_MEDIA_ROOT", default=str(VAR_DIR / "media")))

if env.str("BOOMER_STORAGE", default="filesystem") == "s3":
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True

# Daily backups (beat): a folder or s3://bucket/prefix; "" turns the beat job off (k8s runs a CronJob).
BOOMER_BACKUP_DIR = env.str("BOOMER_BACKUP_DIR", default=str(VAR_DIR / "backups"))
BOOMER_BACKUP_KEEP_DAYS = env.int("BOOMER_BACKUP_KEEP_DAYS", default=30)
PG_DUMP = env.str("PG_DUMP", default="")  # "": the embedded server's pg_dump (no TLS, PostgreSQL ≤ 16)
PG_RESTORE = env.str("PG_RESTORE", default="")
