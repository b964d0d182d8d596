"""The inbox: a folder where sellers drop photos.

One photo at the top = one item (its notes in `<photo>.txt`); a sub-folder = one item with all
its photos (notes in `notes.txt` or `<photo>.txt`). An item is taken once nothing in it has
changed for the debounce time, so a file still being copied is never read half-way. Handled
files move to `.done/`, refused ones to `.failed/` beside a `<name>.error.txt` saying why.

The state lives in the folder itself, so a stopped and restarted watcher picks up whatever
is there; the watchdog events only wake the scanner early.
"""
from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from products.photos import PhotoRejected, photo_size_check
from products.services import IntakeResult, product_create_from_photos

log = logging.getLogger(__name__)

DONE, FAILED = ".done", ".failed"
PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", ".partial", ".swp")


@dataclass(frozen=True)
class InboxItem:
    path: Path  # a photo file or a sub-folder
    photos: tuple[Path, ...]
    notes: tuple[Path, ...]

    @property
    def files(self) -> tuple[Path, ...]:
        return self.photos + self.notes


def _ignored(path: Path) -> bool:
    return path.name.startswith(".") or path.name.lower().endswith(PARTIAL_SUFFIXES)


def item_from_path(path: Path) -> InboxItem | None:
    """The item a file or folder makes: its photos and its notes. None if it holds no photo
    or a copy into it is still under way."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not any(
            x.startswith(".") for x in p.relative_to(path).parts))
        if any(p.name.lower().endswith(PARTIAL_SUFFIXES) for p in files):
            return None
        photos = tuple(p for p in files if p.suffix.lower() != ".txt")
        notes = tuple(p for p in files if p.suffix.lower() == ".txt")
        return InboxItem(path, photos, notes) if photos else None
    if path.suffix.lower() == ".txt" or _ignored(path):
        return None
    sidecars = (path.parent / f"{path.name}.txt", path.with_suffix(".txt"))
    return InboxItem(path, (path,), tuple(dict.fromkeys(p for p in sidecars if p.is_file())))


def inbox_scan(root: Path) -> list[InboxItem]:
    """Everything waiting in the inbox, in name order."""
    items = []
    for entry in sorted((p for p in root.iterdir() if not _ignored(p)), key=lambda p: p.name):
        item = item_from_path(entry)
        if item is not None:
            items.append(item)
    return items


def item_quiet(item: InboxItem, seconds: float, now: float | None = None) -> bool:
    """Nothing in the item has been written for `seconds`."""
    now = time.time() if now is None else now
    try:
        newest = max(p.stat().st_mtime for p in (*item.files, item.path))
    except FileNotFoundError:
        return False
    return now - newest >= seconds


def _read_notes(item: InboxItem) -> str:
    texts = []
    for path in item.notes:
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace").strip())
        except OSError as exc:
            log.warning("cannot read notes %s: %s", path, exc)
    return "\n".join(t for t in texts if t)


def _destination(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    counter = 1
    while target.exists() or Path(f"{target}.error.txt").exists():
        stem, dot, ext = name.partition(".")
        target = folder / f"{stem}-{counter}{dot}{ext}"
        counter += 1
    return target


def _move(path: Path, folder: Path) -> Path:
    target = _destination(folder, path.name)
    shutil.move(str(path), str(target))
    return target


def item_process(*, root: Path, item: InboxItem, owner) -> IntakeResult:
    """Turn one quiet item into a product and move its files out of the way."""
    photos, oversize = [], []
    for path in item.photos:
        try:
            photo_size_check(path.stat().st_size)
            photos.append((path.name, path.read_bytes()))
        except PhotoRejected as exc:
            oversize.append((path.name, str(exc)))
        except OSError as exc:
            photos.append((path.name, b""))
            log.warning("cannot read %s: %s", path, exc)
    result = product_create_from_photos(owner=owner, photos=photos, notes=_read_notes(item),
                                        source=str(item.path.relative_to(root)))
    result.rejected.extend(oversize)
    reasons = dict(result.rejected)
    failed_dir, done_dir = root / FAILED, root / DONE
    whole_item_failed = result.product is None and result.duplicate_of is None
    if item.path.is_dir():
        if whole_item_failed:
            moved = _move(item.path, failed_dir)
            summary = "\n".join(f"{name}: {why}" for name, why in result.rejected) or "no photos in the folder"
            Path(f"{moved}.error.txt").write_text(f"No usable photo in this folder.\n{summary}\n")
            return result
        for path in item.photos:
            if path.name in reasons:
                moved = _move(path, failed_dir / item.path.name)
                Path(f"{moved}.error.txt").write_text(reasons[path.name] + "\n")
        _move(item.path, done_dir)
        return result
    if whole_item_failed:
        moved = _move(item.path, failed_dir)
        Path(f"{moved}.error.txt").write_text((reasons.get(item.path.name) or "not usable") + "\n")
        for note in item.notes:
            _move(note, failed_dir)
    else:
        _move(item.path, done_dir)
        for note in item.notes:
            _move(note, done_dir)
    return result


def inbox_process_ready(*, root: Path, owner, debounce: float) -> list[tuple[InboxItem, IntakeResult]]:
    """Process every item that has been quiet long enough; return what was done."""
    done = []
    for item in inbox_scan(root):
        if item_quiet(item, debounce):
            try:
                done.append((item, item_process(root=root, item=item, owner=owner)))
            except Exception:
                # Leave the files where they are: the next scan tries again.
                log.exception("inbox: could not process %s", item.path)
    return done
