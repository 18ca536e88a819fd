"""tests/browser.py chooses the Chromium every browser test uses.

The system's Chromium runs for real in ``make test-site``; here the choice
itself is tested, including Playwright's own build, which this machine cannot
download (no internet): a fake Playwright records how it was asked to launch.
"""

from __future__ import annotations

import pytest

from tests import browser


class FakeChromium:
    def __init__(self, error: Exception | None = None):
        self.calls: list[dict] = []
        self.error = error

    def launch(self, **options):
        self.calls.append(options)
        if self.error is not None:
            raise self.error
        return "a browser"


class FakePlaywright:
    def __init__(self, error: Exception | None = None):
        self.chromium = FakeChromium(error)


def _which(found: dict[str, str]):
    return lambda name: found.get(name)


def test_chromium_env_wins():
    env = {"CHROMIUM": "/opt/chrome/chrome"}
    assert browser.system_chromium(env, _which({"/opt/chrome/chrome": "/opt/chrome/chrome",
                                                "chromium": "/usr/bin/chromium"})) == "/opt/chrome/chrome"


def test_chromium_env_that_names_nothing_is_an_error():
    with pytest.raises(FileNotFoundError, match="CHROMIUM"):
        browser.system_chromium({"CHROMIUM": "chromum"}, _which({"chromium": "/usr/bin/chromium"}))


@pytest.mark.parametrize("found, expected", [
    ({"chromium": "/usr/bin/chromium", "chromium-browser": "/snap/bin/chromium-browser"},
     "/usr/bin/chromium"),
    ({"chromium-browser": "/usr/bin/chromium-browser"}, "/usr/bin/chromium-browser"),
    ({}, None),
])
def test_system_chromium_is_found_on_the_path(found, expected):
    assert browser.system_chromium({}, _which(found)) == expected


def test_launch_uses_the_system_chromium_with_the_offline_flags(monkeypatch):
    monkeypatch.setattr(browser, "system_chromium", lambda: "/usr/bin/chromium")
    playwright = FakePlaywright()
    assert browser.launch_chromium(playwright, args=["--lang=en"], slow_mo=5) == "a browser"
    [call] = playwright.chromium.calls
    assert call["executable_path"] == "/usr/bin/chromium"
    assert call["headless"] is True and call["slow_mo"] == 5
    assert call["args"][-1] == "--lang=en"
    for flag in ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"):
        assert flag in call["args"]


def test_launch_falls_back_to_playwrights_own_chromium(monkeypatch):
    monkeypatch.setattr(browser, "system_chromium", lambda: None)
    playwright = FakePlaywright()
    browser.launch_chromium(playwright)
    [call] = playwright.chromium.calls
    assert "executable_path" not in call and "--no-sandbox" in call["args"]


def test_missing_playwright_chromium_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(browser, "system_chromium", lambda: None)
    error = RuntimeError("Executable doesn't exist at /root/.cache/ms-playwright/chromium-1/chrome")
    with pytest.raises(RuntimeError, match="playwright install chromium"):
        browser.launch_chromium(FakePlaywright(error))


def test_other_launch_errors_are_not_hidden(monkeypatch):
    monkeypatch.setattr(browser, "system_chromium", lambda: "/usr/bin/chromium")
    with pytest.raises(ValueError, match="bad option"):
        browser.launch_chromium(FakePlaywright(ValueError("bad option")))
