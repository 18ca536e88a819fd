"""Options of the PDF tests: they read ``_build/pdf/`` and run with ``--pdf`` (``make pdf``).

Without ``--pdf`` (``make test``) the tests that need the built PDF are
deselected, as the website tests are without ``--site``; the checks' own unit
tests run either way.
"""

from __future__ import annotations


def pytest_addoption(parser):
    parser.addoption("--pdf", action="store_true",
                     help="check the built PDF in _build/pdf (make pdf builds it first)")


def pytest_configure(config):
    config.addinivalue_line("markers", "pdf: needs the built PDF (run with --pdf)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--pdf", default=False):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("pdf") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
