"""mapdraw as a whole: a pure package, like geodata."""

import subprocess
import sys
from pathlib import Path

import mapdraw

FORBIDDEN = ("django", "ninja", "stations")


def test_it_imports_without_django():
    # Every module of the package, in a fresh interpreter: none may pull in Django, ninja or the app.
    code = (
        "import importlib, pkgutil, sys, mapdraw\n"
        "for m in pkgutil.walk_packages(mapdraw.__path__, 'mapdraw.'): importlib.import_module(m.name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_it_exports_the_public_api():
    assert {"MapCanvas", "planning_map_png", "station_preview_png", "map_font", "District"} <= set(mapdraw.__all__)
    assert all(hasattr(mapdraw, name) for name in mapdraw.__all__)
