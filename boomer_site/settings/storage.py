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

# Who may open a stored file (desk/media_views.py): its owner signed in, reviewers and staff, or
# anyone holding a signed URL until it expires (S3: a presigned URL). Seconds a signed URL lasts:
# the API's and the desk's links to photos, and the photo URLs handed to marketplaces (they fetch
# them while a listing is created; a publish retried later signs new ones).
BOOMER_MEDIA_URL_SECONDS = env.int("BOOMER_MEDIA_URL_SECONDS", default=3600)
BOOMER_PUBLIC_MEDIA_SECONDS = env.int("BOOMER_PUBLIC_MEDIA_SECONDS", default=24 * 3600)

# Daily backups (beat): a folder or s3://bucket/prefix; "" turns the beat job off (k8s runs a CronJob).
BOOMER_BACKUP_DIR = env.str("BOOMER_BACKUP_DIR", default=str(VAR_DIR / "backups"))
BOOMER_BACKUP_KEEP_DAYS = env.int("BOOMER_BACKUP_KEEP_DAYS", default=30)
PG_DUMP = env.str("PG_DUMP", default="")  # "": the embedded server's pg_dump (no TLS, PostgreSQL ≤ 16)
PG_RESTORE = env.str("PG_RESTORE", default="")
