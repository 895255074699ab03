import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests import browser

# CI runs the property tests derandomized, so a red build is reproducible and never a fluke of
# the seed; developers' runs stay random (and keep what they find in .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if browser.in_ci():
    settings.load_profile("ci")

# The team's real public datasets live beside the repository in CI and on developers'
# machines; a user's clone may not have them, so tests that read them skip with a reason.
SHARED_DATA = Path(os.environ.get("YIZHAN_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared datasets not found at {SHARED_DATA} (set YIZHAN_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def chromium() -> Path:
    """The Chromium a browser test drives: skips where it (or Playwright) is missing, and fails
    instead in CI (CI=true), so that CI never passes without running the browser tests."""
    return browser.chromium_path()
