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
import os
import shutil
import time
from pathlib import Path

from products.inbox_items import InboxItem, is_partial, item_from_path, item_read, item_refusals
from products.services import IntakeResult, product_create_from_photos

log = logging.getLogger(__name__)

DONE, FAILED = ".done", ".failed"


def _ignored(path: Path) -> bool:
    return path.name.startswith(".") or is_partial(path)


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
        newest = max(p.lstat().st_mtime for p in (*item.files, item.path))
    except FileNotFoundError:
        return False
    return now - newest >= seconds


def _destination(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    counter = 1
    while os.path.lexists(target) or Path(f"{target}.error.txt").exists():
        stem, dot, ext = name.partition(".")
        target = folder / f"{stem}-{counter}{dot}{ext}"
        counter += 1
    return target


def _move(path: Path, folder: Path) -> Path:
    target = _destination(folder, path.name)
    shutil.move(str(path), str(target))
    return target


def item_process(*, root: Path, item: InboxItem, owner) -> IntakeResult:
    """Turn one quiet item into a product and move its files out of the way: each file not
    taken (a link, too large, past the photo limit, not a usable photo) to `.failed/` with why."""
    files = item_read(item)
    result = product_create_from_photos(owner=owner, photos=files.photos, notes=files.notes,
                                        source=str(item.path.relative_to(root)))
    refused = item_refusals(item, files, result.rejected)
    result.rejected = [(path.name, why) for path, why in refused]
    failed_dir, done_dir = root / FAILED, root / DONE
    reasons = dict(refused)
    unusable = result.product is None and result.duplicate_of is None  # the whole item is set aside
    if unusable:
        moved = _move(item.path, failed_dir)
        if item.is_folder:
            summary = "\n".join(f"{path.relative_to(item.path)}: {why}" for path, why in refused) or "no photos"
            Path(f"{moved}.error.txt").write_text(f"No usable photo in this folder.\n{summary}\n")
            return result
        Path(f"{moved}.error.txt").write_text((reasons.get(item.path) or "not usable") + "\n")
    else:
        set_aside = failed_dir / item.path.name if item.is_folder else failed_dir
        for path, why in refused:
            moved = _move(path, set_aside)
            Path(f"{moved}.error.txt").write_text(why + "\n")
        _move(item.path, done_dir)
        if item.is_folder:
            return result
    for note in item.notes:
        if note in reasons:
            if os.path.lexists(note):  # a refused sidecar of a photo that failed as a whole
                moved = _move(note, failed_dir)
                Path(f"{moved}.error.txt").write_text(reasons[note] + "\n")
        else:
            _move(note, failed_dir if unusable else done_dir)
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
