"""Where browser tests find Chromium (Debian's, driven by Playwright with executable_path; never
`playwright install`), and what they do when they cannot: on a developer's machine they skip,
saying why; in CI (CI=true, as CI services and .ci/run set it) they fail, because a browser test
that skips there tests nothing and nobody reads the skip."""

import os
from pathlib import Path
from typing import NoReturn

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
_TRUE = {"1", "true", "yes", "on"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in _TRUE


def unavailable(reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it with ``reason`` in CI."""
    if in_ci():
        pytest.fail(f"{reason} -- CI is set, so this browser test fails instead of skipping", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> Path:
    """The Chromium executable (YIZHAN_CHROMIUM, default /usr/bin/chromium), Playwright importable."""
    chromium = Path(os.environ.get("YIZHAN_CHROMIUM", DEFAULT_CHROMIUM))
    if not chromium.is_file():
        unavailable(f"{chromium} is absent: install chromium (make test does, when it may use apt-get) or set YIZHAN_CHROMIUM")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    return chromium
