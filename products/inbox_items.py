"""What one inbox item is, and reading its files safely: the inbox watcher and `process_images`
both go through here, so a file refused by one is refused by the other.

Reading never follows a link (photo, notes or folder: a link could point anywhere on the
machine), never opens anything but a regular file (a FIFO would block), knows a file's size
before reading it, and stops reading a folder at the photo limit of one item.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from products.photos import PhotoRejected, photo_size_check

PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", ".partial", ".swp")
NOTES_MAX_BYTES = 20_000  # the API takes 5000 characters of notes; 4 bytes each at most in UTF-8
LINK = "a link, not a file: BOOMER does not follow links in the inbox (copy the file itself)"


@dataclass(frozen=True)
class InboxItem:
    path: Path  # a photo file or a sub-folder (or a link, which is refused when read)
    photos: tuple[Path, ...]
    notes: tuple[Path, ...]

    @property
    def files(self) -> tuple[Path, ...]:
        return self.photos + self.notes

    @property
    def is_folder(self) -> bool:
        return self.path.is_dir() and not self.path.is_symlink()


@dataclass
class ItemFiles:
    """What reading an item gave: photos as (name, bytes), the notes' text, and each file not
    taken with the reason."""
    photos: list[tuple[str, bytes]] = field(default_factory=list)
    notes: str = ""
    refused: list[tuple[Path, str]] = field(default_factory=list)


def is_partial(path: Path) -> bool:
    return path.name.lower().endswith(PARTIAL_SUFFIXES)


def _folder_files(folder: Path) -> list[Path]:
    """Every file under `folder` (hidden ones skipped), links included as themselves: a linked
    folder is listed, never entered."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):  # followlinks=False
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [base / d for d in dirnames if (base / d).is_symlink()]
        found += [base / f for f in filenames if not f.startswith(".")]
        dirnames[:] = [d for d in dirnames if not (base / d).is_symlink()]
    return sorted(found)


def item_from_path(path: Path) -> InboxItem | None:
    """The item a file or folder makes: its photos and its notes. None if it holds no photo
    or a copy into it is still under way. A link is an item of its own, refused when read."""
    if path.is_symlink():
        return None if path.suffix.lower() == ".txt" else InboxItem(path, (path,), ())
    if path.is_dir():
        files = _folder_files(path)
        if any(is_partial(p) for p in files):
            return None
        photos = tuple(p for p in files if p.suffix.lower() != ".txt")
        notes = tuple(p for p in files if p.suffix.lower() == ".txt")
        return InboxItem(path, photos, notes) if photos else None
    if path.suffix.lower() == ".txt" or path.name.startswith(".") or is_partial(path):
        return None
    sidecars = (path.parent / f"{path.name}.txt", path.with_suffix(".txt"))
    return InboxItem(path, (path,), tuple(dict.fromkeys(p for p in sidecars if p.is_file() or p.is_symlink())))


def file_read(path: Path, *, limit: int, too_large) -> bytes:
    """The bytes of a regular file that is not a link. Its size is checked before it is opened
    (`too_large(size)` raises the refusal), and again while reading in case it grew."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise PhotoRejected(f"cannot be read: {exc.strerror}") from exc
    if stat.S_ISLNK(info.st_mode):
        raise PhotoRejected(LINK)
    if not stat.S_ISREG(info.st_mode):
        raise PhotoRejected("not a regular file")
    if info.st_size > limit:
        too_large(info.st_size)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # swapped for a link or a FIFO meanwhile
    except OSError as exc:
        raise PhotoRejected(LINK if path.is_symlink() else f"cannot be read: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise PhotoRejected("not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        too_large(len(data))
    return data


def _notes_too_large(size: int) -> None:
    raise PhotoRejected(f"notes too long: {size / 1000:.0f} kB, the limit is {NOTES_MAX_BYTES / 1000:.0f} kB")


def item_read(item: InboxItem) -> ItemFiles:
    """Read an item's photos (at most BOOMER_MAX_PHOTOS_PER_ITEM of them) and notes."""
    limit = settings.BOOMER_MAX_PHOTOS_PER_ITEM
    files = ItemFiles()
    for path in item.photos:
        if len(files.photos) >= limit:
            files.refused.append((path, f"not read: too many photos for one item (limit {limit})"))
            continue
        try:
            files.photos.append((path.name, file_read(path, limit=settings.BOOMER_MAX_UPLOAD_BYTES,
                                                      too_large=photo_size_check)))
        except PhotoRejected as exc:
            files.refused.append((path, str(exc)))
    texts = []
    for path in item.notes:
        try:
            texts.append(file_read(path, limit=NOTES_MAX_BYTES, too_large=_notes_too_large)
                         .decode("utf-8", errors="replace").strip())
        except PhotoRejected as exc:
            files.refused.append((path, str(exc)))
    files.notes = "\n".join(t for t in texts if t)
    return files


def item_refusals(item: InboxItem, files: ItemFiles, rejected: list[tuple[str, str]]) -> list[tuple[Path, str]]:
    """Every file of the item that was not taken, with why: refused when read, or refused by
    the photo check (`rejected` names them by file name)."""
    refused = list(files.refused)
    taken = {p for p, _ in refused}
    by_name = {}
    for path in item.photos:
        if path not in taken:
            by_name.setdefault(path.name, path)
    refused += [(by_name.get(name, item.path), why) for name, why in rejected]
    return refused
