"""The chapters in a real JupyterLab, as a reader who runs ``make lab`` meets them.

JupyterLab starts from the book's environment (with jupyterlab-myst) on a copy
of the chapters (so nothing is saved into the repository), and headless
Chromium opens each chapter. The rendered markdown must show no raw MyST
(role or directive syntax, labels), math must be typeset, admonitions drawn as
admonitions, every label an anchor; the first cell (the hidden set-up cell)
must run without an error. Screenshots: ``_build/screenshots/lab/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import launch_chromium

pytestmark = pytest.mark.editions

ROOT = Path(__file__).resolve().parents[2]

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
#: Visible text that means MyST was not rendered.
RAW_MYST = [
    (re.compile(r"\{(glue(:\w+)?|numref|ref|cite(:\w+)?|eq|doc|term|exercise|solution[\w-]*)\}"),
     "role or directive name"),
    (re.compile(r"^\s*(:{3,}|`{3,})\s*\{", re.M), "directive fence"),
    # MyST labels are ASCII names; "(ν)=" is typeset math that starts a line.
    (re.compile(r"^\s*\([A-Za-z0-9_-]+\)=\s*$", re.M), "label line"),
    (re.compile(r"^:(class|label|name):", re.M), "directive option"),
    (re.compile(r"\$\$|\\begin\{"), "untypeset display math"),
]
ADMONITION_RE = re.compile(
    r"^\s*:{3,}\s*\{(admonition|note|tip|hint|important|warning|caution|attention|danger|error|"
    r"seealso|exercise|solution|dropdown)\}", re.M)
#: A label line, and the "# Title" it may stand on.
#: How jupyterlab-myst shows a directive it does not know (a red box with its name).
UNKNOWN_RE = re.compile(r"([\w:.-]+) - Unknown (Directive|Role)")
#: Glued values are computed by the website's build: jupyterlab-myst cannot show them
#: (``{glue:text}`` and ``{glue:md}`` roles show the value's name; a ``glue`` directive
#: would be a red box, so the chapters use none: a figure or an equation is its code
#: cell's own output).
#: Readers get the values in the reader editions; tests/editions/test_reader_build.py.
LABEL_RE = re.compile(r"^\(([\w-]+)\)=[ \t]*(?:\n# (.+))?$", re.M)
#: JupyterLab settings for the check: every cell rendered (no virtual scrolling),
#: no autosave, no news pop-up.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def _markdown(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the chapters: yields its base URL."""
    home = tmp_path_factory.mktemp("lab")
    book = home / "book"
    shutil.copytree(ROOT / "chapters", book / "chapters",
                    ignore=shutil.ignore_patterns("outputs", ".ipynb_checkpoints"))
    (book / "helpers").symlink_to(ROOT / "helpers")
    settings = home / "settings"
    for rel, values in SETTINGS.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(values))
    port = _free_port()
    env = dict(os.environ, JUPYTER_PATH=str(ROOT / ".venv" / "share" / "jupyter"),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               TF_CPP_MIN_LOG_LEVEL="3")
    jupyter = Path(sys.executable).with_name("jupyter")
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.root_dir={book}", "--ServerApp.allow_root=True",
         "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'ws'}"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "api/status", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start; log:\n{(home / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _stop_kernels(base: str) -> None:
    with urllib.request.urlopen(base + "api/sessions", timeout=10) as reply:
        sessions = json.load(reply)
    for session in sessions:
        request = urllib.request.Request(base + f"api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


#: Reads every rendered markdown cell: its text, its MyST nodes, its typeset math.
_READ_CELLS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')).map(cell => {
  const out = cell.querySelector('.myst') || cell.querySelector('.jp-RenderedMarkdown');
  return {
    text: out ? out.innerText : '',
    myst: !!cell.querySelector('.myst'),
    math: cell.querySelectorAll('.katex, mjx-container, .MathJax').length,
    admonitions: cell.querySelectorAll('aside, details, .admonition').length,
    ids: Array.from(cell.querySelectorAll('[id]')).map(e => e.id),
    titles: Array.from(cell.querySelectorAll('h1')).map(e => e.innerText.trim()),
  };
})"""


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_renders_and_runs_in_jupyterlab(lab, browser, screenshot_dir, chapter):
    markdown = _markdown(chapter)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        # A workspace of its own, reset: only this chapter is open.
        page.goto(f"{lab}lab/workspaces/{chapter.stem}/tree/chapters/{chapter.name}?reset",
                  wait_until="domcontentloaded")
        page.wait_for_function(
            f"document.querySelectorAll('.jp-Notebook .jp-MarkdownCell').length >= {len(markdown)}",
            timeout=120_000)
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.jp-Notebook .jp-MarkdownCell'))"
            ".every(c => c.querySelector('.myst'))", timeout=60_000)
        page.wait_for_timeout(1500)  # math typesetting
        page.screenshot(path=str(screenshot_dir / f"{chapter.stem}.png"))
        cells = page.evaluate(_READ_CELLS)

        assert any("jupyterlab-myst is activated" in line for line in console), (
            "jupyterlab-myst did not activate (is it installed, and compatible with this JupyterLab?)")
        assert len(cells) == len(markdown), f"{len(cells)} markdown cells shown, {len(markdown)} in the file"
        problems = []
        for number, (cell, source) in enumerate(zip(cells, markdown, strict=True)):
            if not cell["myst"]:
                problems.append(f"markdown cell {number} is not rendered by jupyterlab-myst")
            gate = re.fullmatch(r"\s*:{3,}\s*\{solution-(start|end)\}[^\n]*(\n:[\w-]+:[^\n]*)*\n:{3,}\s*", source)
            # A solution gate alone in its cell opens or closes a folded block: no text.
            if source.strip() and not gate and not cell["text"].strip():
                problems.append(f"markdown cell {number}: no rendered text could be read")
            unknown = UNKNOWN_RE.findall(cell["text"])
            for name, kind in unknown:
                if kind == "Role" and name.startswith("glue"):
                    continue  # an inline glued value: shown as its name (see above)
                problems.append(f"markdown cell {number}: jupyterlab-myst cannot render "
                                f"the {kind.lower()} {{{name}}}")
            for pattern, what in RAW_MYST:
                for match in pattern.finditer(cell["text"]):
                    problems.append(f"markdown cell {number}: raw MyST ({what}): {match.group(0)!r}")
            if "$" in source and cell["math"] == 0:
                problems.append(f"markdown cell {number}: its math is not typeset")
            wanted = len(ADMONITION_RE.findall(source))
            if cell["admonitions"] - len(unknown) < wanted:
                problems.append(f"markdown cell {number}: {wanted} admonitions or exercises in the "
                                f"source, {cell['admonitions']} drawn")
            for label, title in LABEL_RE.findall(source):
                # jupyterlab-myst shows a labelled "# Title" as the notebook's title block.
                if label not in cell["ids"] and not (title and title.strip() in cell["titles"]):
                    problems.append(f"markdown cell {number}: label ({label})= is not an anchor")
        assert not problems, f"{chapter.name} in JupyterLab:\n  " + "\n  ".join(problems[:30])

        first_admonition = page.locator(".jp-MarkdownCell aside, .jp-MarkdownCell details").filter(
            has_not_text="Unknown Directive").first
        if first_admonition.count():
            first_admonition.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(screenshot_dir / f"{chapter.stem}-admonition.png"))

        # Run the first cell (the hidden set-up cell) as a reader would: click, Shift+Enter.
        first = page.locator(".jp-Notebook .jp-CodeCell").first
        first.scroll_into_view_if_needed()
        first.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        page.wait_for_function(
            "(() => { const p = document.querySelector('.jp-Notebook .jp-CodeCell "
            ".jp-InputPrompt'); return p && /\\[\\d+\\]/.test(p.innerText); })()",
            timeout=180_000)
        errors = first.locator("[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
        assert not errors, f"{chapter.name}: the set-up cell failed in JupyterLab:\n{errors}"
        page.screenshot(path=str(screenshot_dir / f"{chapter.stem}-ran.png"))
    finally:
        page.close()
        _stop_kernels(lab)
