"""What the commands share at the terminal: opening the input file, a progress bar on stderr
(so stdout keeps just the summary line) when attached to a terminal, and how to run another
command."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
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


def manage_py(*args: str) -> str:
    """The command line that runs ``manage.py args`` from the current directory with this very
    interpreter: ``.venv/bin/python manage.py …`` in a checkout (as the README writes it, no
    activated virtualenv needed), absolute paths from elsewhere."""

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    return " ".join([shown(Path(sys.executable)), shown(Path(settings.BASE_DIR) / "manage.py"), *args])
