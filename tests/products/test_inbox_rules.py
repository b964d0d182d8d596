"""The inbox's rules without a watcher: what is an item, when it is quiet enough to take."""
import os
import time

from products.inbox import inbox_scan, item_quiet


def test_items_notes_and_copies_still_under_way(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "a.txt").write_text("new, sealed")
    (tmp_path / "b.jpg.part").write_bytes(b"x")  # a browser download in progress
    (tmp_path / ".DS_Store").write_bytes(b"x")
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "1.jpg").write_bytes(b"x")
    (folder / "2.jpg").write_bytes(b"x")
    (folder / "notes.txt").write_text("complete")
    copying = tmp_path / "copying"
    copying.mkdir()
    (copying / "1.jpg").write_bytes(b"x")
    (copying / "2.jpg.crdownload").write_bytes(b"x")

    items = {item.path.name: item for item in inbox_scan(tmp_path)}
    assert set(items) == {"a.jpg", "set"}
    assert [p.name for p in items["a.jpg"].notes] == ["a.txt"]
    assert [p.name for p in items["set"].photos] == ["1.jpg", "2.jpg"]
    assert [p.name for p in items["set"].notes] == ["notes.txt"]


def test_an_item_is_taken_only_after_the_quiet_time(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    photo = folder / "1.jpg"
    photo.write_bytes(b"first half")
    [item] = inbox_scan(tmp_path)
    assert not item_quiet(item, 2.0)  # just written: maybe still being copied
    past = time.time() - 5
    for path in (photo, folder):
        os.utime(path, (past, past))
    assert item_quiet(item, 2.0)
    photo.write_bytes(b"first half, second half")  # the copy goes on: the clock restarts
    assert not item_quiet(item, 2.0)
