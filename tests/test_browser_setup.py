"""tests/browser.py: a browser test without Chromium or Playwright skips, saying why, on a
developer's machine, and fails in CI (CI=true), where a skipped browser test would test nothing."""

import sys

import pytest

from tests import browser


@pytest.fixture
def no_chromium(tmp_path, monkeypatch):
    missing = tmp_path / "no-chromium"
    monkeypatch.setenv("YIZHAN_CHROMIUM", str(missing))
    return missing


@pytest.fixture
def a_chromium(tmp_path, monkeypatch):
    chromium = tmp_path / "chromium"
    chromium.write_text("")
    monkeypatch.setenv("YIZHAN_CHROMIUM", str(chromium))
    return chromium


def test_it_skips_without_chromium_on_a_developers_machine(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception) as skipped:
        browser.chromium_path()

    assert str(skipped.value) == f"{no_chromium} is absent: install chromium (make test does, when it may use apt-get) or set YIZHAN_CHROMIUM"


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_it_fails_without_chromium_in_ci(no_chromium, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)

    with pytest.raises(pytest.fail.Exception) as failed:
        browser.chromium_path()

    assert str(failed.value) == (
        f"{no_chromium} is absent: install chromium (make test does, when it may use apt-get) or set YIZHAN_CHROMIUM"
        " -- CI is set, so this browser test fails instead of skipping"
    )


def test_it_fails_without_playwright_in_ci(a_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import raises ImportError

    with pytest.raises(pytest.fail.Exception, match="playwright is not installed"):
        browser.chromium_path()


def test_it_skips_in_a_run_that_says_it_is_not_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "false")

    with pytest.raises(pytest.skip.Exception):
        browser.chromium_path()


def test_it_answers_the_chromium_it_finds(a_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")

    assert browser.chromium_path() == a_chromium
