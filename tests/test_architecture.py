"""The layout's rules, checked on every test run (docs/architecture.md explains them):
the import contracts in .importlinter, ruff (incl. cyclomatic complexity <= 12), and no
module longer than 500 lines."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 500
CHECKED_FOLDERS = ("backend", "stations", "geodata", "mapdraw", "tests", "bench", "data")


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    executable = BIN / tool
    if not executable.exists():
        pytest.fail(f"{tool} is not installed in {BIN}: pip install -r requirements-dev.txt")
    return subprocess.run([str(executable), *args], cwd=ROOT, capture_output=True, text=True)


def test_it_keeps_every_import_contract():
    result = _run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_it_passes_ruff():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_no_module_is_longer_than_500_lines():
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *CHECKED_FOLDERS], cwd=ROOT, capture_output=True, text=True)
    files = [ROOT / name for name in tracked.stdout.split() if name.endswith(".py") and "/migrations/" not in name]
    assert files, "git listed no Python files"
    long = {str(f.relative_to(ROOT)): n for f in files if f.exists() and (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"split these modules (over {MAX_MODULE_LINES} lines): {long}"
