"""What the import and report commands share at the terminal: opening the input file, and a
progress bar on stderr (so stdout keeps just the summary line) when attached to a terminal."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm


def open_input(path: Path) -> BinaryIO:
    """The file opened for reading, or CommandError saying why it cannot be."""
    try:
        return open(path, "rb")  # noqa: SIM115 -- the caller closes it; only open()'s errors mean "cannot read"
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


@contextmanager
def progress_bar(command: BaseCommand, **options) -> Iterator[tqdm | None]:
    """A tqdm bar (``options`` as tqdm's) when stdout is a terminal, else None; closed on exit."""
    bar = tqdm(file=sys.stderr, **options) if command.stdout.isatty() else None
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()
