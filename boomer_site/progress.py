"""Progress for long management commands: a tqdm bar when the stream is a terminal, plain
lines when it is piped or captured (logs and CI get one readable line per step)."""
from __future__ import annotations

from typing import TextIO


class Progress:
    """`advance(n, line)`: move the bar by `n` on a terminal, else write `line` (if any) as it is."""

    def __init__(self, *, stream: TextIO, total: int | None, unit: str, desc: str = ""):
        self.stream = stream
        self.bar = None
        if _isatty(stream):
            from tqdm import tqdm

            # Django's OutputWrapper appends a newline to every write: give tqdm the real stream.
            self.bar = tqdm(total=total, unit=unit, desc=desc or None, file=getattr(stream, "_out", stream),
                            dynamic_ncols=True, leave=True)

    def advance(self, n: int, line: str | None = None) -> None:
        if self.bar is not None:
            self.bar.update(n)
        elif line:
            self.stream.write(line if line.endswith("\n") else line + "\n")
            if hasattr(self.stream, "flush"):
                self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _isatty(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
