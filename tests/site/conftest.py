"""Fixtures of the website tests: the built book, a browser, and what it saw on each page.

Tests marked ``site`` need the built website. They run with ``--site``
(``make test-site``) and are deselected otherwise, so ``make test`` stays
quick. ``--site`` builds the book first, exactly as ``make book`` does
(incremental: jupyter-cache re-executes only changed chapters); set
``SITE_HTML=/path/to/html`` to test a site built elsewhere instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site import pages

ROOT = pages.ROOT

#: The demo book's notebook is built by a test, not collected by nbval.
collect_ignore_glob = ["demo/*"]


def pytest_addoption(parser):
    parser.addoption("--site", action="store_true",
                     help="build the book and run the website tests (browser, links, axe)")


def pytest_configure(config):
    config.addinivalue_line("markers", "site: needs the built website (run with --site)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--site", default=False):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("site") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """The built website: ``SITE_HTML``, or ``_build/html`` built now."""
    given = os.environ.get("SITE_HTML")
    if given:
        path = Path(given).resolve()
        if not (path / "index.html").is_file():
            pytest.fail(f"SITE_HTML={given} holds no built site (no index.html)")
        return path
    log = ROOT / "_build" / "site-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"))
    with log.open("w") as out:
        code = subprocess.call(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        pytest.fail(f"`{' '.join(cmd)}` failed ({code}); log {log}:\n{tail}", pytrace=False)
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (tests/browser.py), for the whole session."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except (RuntimeError, FileNotFoundError) as error:
            pytest.fail(str(error), pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(html_dir) -> Path:
    return html_dir.parent / "screenshots"


@pytest.fixture(scope="session")
def browser_results(html_dir, browser, screenshot_dir) -> dict[str, pages.PageResult]:
    """Every page over http from 127.0.0.1, offline, with axe-core: page -> PageResult.

    Also writes ``_build/axe-report.json``: every violation of every page, all impacts.
    """
    with pages.serve(html_dir) as base:
        results = pages.visit_pages(browser, html_dir, base, screenshots=screenshot_dir, axe=True)
    report = {r.page: r.violations for r in results if r.violations}
    (html_dir.parent / "axe-report.json").write_text(json.dumps(report, indent=1) + "\n")
    return {r.page: r for r in results}


@pytest.fixture(scope="session")
def file_url_results(html_dir, browser) -> dict[str, pages.PageResult]:
    """Every page opened from file:// (a copy on a USB stick), offline."""
    results = pages.visit_pages(browser, html_dir, html_dir.resolve().as_uri() + "/")
    return {r.page: r for r in results}
