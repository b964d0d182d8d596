"""Photos in: the inbox folder, its owner, and the guards every photo passes."""
from pathlib import Path

from .environment import BASE_DIR, env

BOOMER_INBOX = Path(env.str("BOOMER_INBOX", default=str(BASE_DIR / "inbox")))
BOOMER_INBOX_OWNER = env.str("BOOMER_INBOX_OWNER", default="admin")
BOOMER_INBOX_DEBOUNCE_SECONDS = env.float("BOOMER_INBOX_DEBOUNCE_SECONDS", default=2.0)
BOOMER_MAX_UPLOAD_BYTES = env.int("BOOMER_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
BOOMER_MAX_IMAGE_PIXELS = env.int("BOOMER_MAX_IMAGE_PIXELS", default=60_000_000)
BOOMER_MAX_PHOTOS_PER_ITEM = env.int("BOOMER_MAX_PHOTOS_PER_ITEM", default=24)
BOOMER_CURRENCY = env.str("BOOMER_CURRENCY", default="USD")

DATA_UPLOAD_MAX_MEMORY_SIZE = BOOMER_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
