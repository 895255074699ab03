"""Shared by the import tests: run the real command and capture what it prints."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"


def run(path, *args, **options) -> tuple[str, str]:
    """Run `import_stations PATH ...`; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_stations", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()
