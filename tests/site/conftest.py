"""Fixtures of the website tests: the built book, and what a browser saw on each page.

Tests marked ``site`` need the built website. They run with ``--site``
(``make test-site``) and are deselected otherwise, so ``make test`` stays
quick. ``--site`` builds the book first, exactly as ``make book`` does
(incremental: jupyter-cache re-executes only changed chapters); set
``SITE_HTML=/path/to/html`` to test a site built elsewhere instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from site_paths import ROOT, site_check

#: The demo book's notebook is built by a test, not collected by nbval.
collect_ignore_glob = ["demo/*"]


def pytest_addoption(parser):
    parser.addoption("--site", action="store_true",
                     help="build the book and run the website tests (browser, links)")


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
def chromium_binary() -> str:
    """Debian's Chromium; installed with apt-get when missing and running as root."""
    try:
        return site_check.ensure_chromium(install=True)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def screenshot_dir(html_dir) -> Path:
    return html_dir.parent / "screenshots"


@pytest.fixture(scope="session")
def browser_results(html_dir, chromium_binary, screenshot_dir) -> dict:
    """Every page opened over http from 127.0.0.1, offline: page -> PageResult."""
    results = site_check.check_in_browser(html_dir, screenshots=screenshot_dir,
                                          binary=chromium_binary)
    return {r.page: r for r in results}


@pytest.fixture(scope="session")
def file_url_results(html_dir, chromium_binary) -> dict:
    """Every page opened from file:// (a copy on a USB stick), offline."""
    results = site_check.check_in_browser(html_dir, screenshots=None, file_url=True,
                                          binary=chromium_binary)
    return {r.page: r for r in results}
