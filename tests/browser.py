"""Start the headless Chromium that the browser tests drive (Playwright for Python).

Minimal version for the JupyterLab check (tests/test_lab.py): Debian's
Chromium at ``/usr/bin/chromium`` (or ``$CHROMIUM``), started with the flags
this machine's closed network needs. The website checks own the full version
(with the fallback to Playwright's own Chromium); the signature stays the same.
"""

from __future__ import annotations

import os
import shutil

#: Flags for a headless Chromium on a machine without a display or internet:
#: no sandbox (root in CI), no GPU, and none of the background connections that
#: a closed network refuses (updates, first-run, component downloads).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium: ``$CHROMIUM``, else ``/usr/bin/chromium``, else one on the PATH."""
    given = os.environ.get("CHROMIUM")
    if given:
        if not os.access(given, os.X_OK):
            raise FileNotFoundError(f"CHROMIUM={given} is not an executable file")
        return given
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError("Chromium is not installed: `apt-get install -y chromium` "
                            "(Debian), or set CHROMIUM to a Chromium or Chrome binary.")


def launch_chromium(playwright, **kwargs):
    """Launch headless Chromium with ``playwright.chromium.launch``; return the Browser.

    ``kwargs`` go to ``launch`` (``args`` are appended to :data:`CHROMIUM_ARGS`).
    """
    args = [*CHROMIUM_ARGS, *kwargs.pop("args", [])]
    kwargs.setdefault("executable_path", chromium_path())
    kwargs.setdefault("headless", True)
    return playwright.chromium.launch(args=args, **kwargs)
