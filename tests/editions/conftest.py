"""Fixtures of the edition checks: JupyterLab in a real browser, the built editions.

Tests here are marked ``editions``. They need a browser, a built website or
a long build, so they run with ``--editions`` (``make test-editions``) and are
deselected otherwise, keeping ``make test`` quick:

* ``test_lab.py``: JupyterLab from the book's environment shows every chapter
  with its MyST rendered (jupyterlab-myst) and runs its first cell;
* ``test_reader_build.py``: the reader editions that ``make book`` wrote;
* ``test_student_build.py``: the student edition, built (and so executed) here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_addoption(parser):
    parser.addoption("--editions", action="store_true",
                     help="run the edition checks (JupyterLab in Chromium, built editions)")


def pytest_configure(config):
    config.addinivalue_line("markers", "editions: needs a browser or a built edition "
                                       "(run with --editions)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--editions", default=False):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("editions") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = ROOT / "_build" / "screenshots" / "lab"
    path.mkdir(parents=True, exist_ok=True)
    return path
