"""Start headless Chromium for the browser tests: the one place that knows how.

Every browser test (the website checks in ``tests/site/``, the JupyterLab
check) calls :func:`launch_chromium` with Playwright's synchronous API::

    from playwright.sync_api import sync_playwright
    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)

Which Chromium:

1. ``CHROMIUM``, when set: the path or name of a Chromium or Chrome binary;
2. the system's Chromium (Debian's ``chromium`` at ``/usr/bin/chromium``;
   ``make test-site`` installs it with apt-get when it runs as root);
3. otherwise Playwright's own build (``playwright install chromium``, which
   ``make test-site`` runs where no system Chromium can be installed: a
   laptop without root or apt). No test downloads a browser itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping

#: Names of a system Chromium, tried in order on the PATH.
SYSTEM_NAMES = ("chromium", "chromium-browser")

#: Headless Chromium in a container or CI: no sandbox (root), no GPU, and no
#: background traffic to Google's hosts (offline machines refuse it, and the
#: website checks count every request that leaves 127.0.0.1).
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--no-default-browser-check", "--force-color-profile=srgb",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
)

INSTALL_HINT = (
    "No Chromium found. As root on Debian: `apt-get install -y chromium` (`make test-site` "
    "does it); elsewhere: `.venv/bin/playwright install chromium`; or set CHROMIUM to the "
    "path of a Chromium or Chrome binary."
)


def system_chromium(environ: Mapping[str, str] = os.environ,
                    which: Callable[[str], str | None] = shutil.which) -> str | None:
    """Path of the Chromium to use, or ``None`` for Playwright's own build.

    Raises
    ------
    FileNotFoundError
        ``CHROMIUM`` is set but names no executable (a typo must not fall back silently).
    """
    wanted = environ.get("CHROMIUM")
    if wanted:
        found = which(wanted)
        if found is None:
            raise FileNotFoundError(f"CHROMIUM={wanted!r} is not an executable")
        return found
    for name in SYSTEM_NAMES:
        found = which(name)
        if found:
            return found
    return None


def launch_chromium(playwright, **kwargs):
    """Launch headless Chromium with ``playwright`` (``sync_playwright()``'s object).

    ``kwargs`` go to ``playwright.chromium.launch``; ``args`` are added to
    :data:`CHROMIUM_ARGS`. Returns the ``Browser``.
    """
    executable = system_chromium()
    options = dict(kwargs)
    options["args"] = [*CHROMIUM_ARGS, *options.get("args", ())]
    options.setdefault("headless", True)
    if executable is not None:
        return playwright.chromium.launch(executable_path=executable, **options)
    try:
        return playwright.chromium.launch(**options)
    except Exception as error:  # playwright's Error: its own build is not installed
        if "Executable doesn't exist" in str(error) or "playwright install" in str(error):
            raise RuntimeError(INSTALL_HINT) from error
        raise
