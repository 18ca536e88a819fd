"""Paths and page lists shared by the website tests (and tools/site_check.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

import site_check  # noqa: E402,F401

from book_ext import generated, offline_assets  # noqa: E402,F401


def toc_files() -> list[str]:
    """Every file of ``_toc.yml``, root first, without suffix."""
    text = (ROOT / "_toc.yml").read_text()
    root = re.search(r"^root:\s*(\S+)", text, re.M).group(1)
    return [root, *re.findall(r"^\s*-\s*file:\s*(\S+)\s*$", text, re.M)]


def expected_pages() -> list[str]:
    """The pages a reader can reach: the table of contents, plus index and search."""
    return [f"{f}.html" for f in toc_files()] + ["genindex.html", "search.html"]
