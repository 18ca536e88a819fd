"""What a reader's browser shows on each page of the built website, offline.

:func:`visit_pages` opens pages in headless Chromium (Playwright, started by
``tests/browser.py``) with every request to a host other than 127.0.0.1
blocked and recorded, and reports for each page what the fixtures and tests
of ``tests/site/`` check: console errors, failed loads, MathJax, images,
widgets, animations, code lines cut off, undescribed images, build-machine
paths in cell outputs, and (optionally) axe-core's accessibility violations.

Hand-written here, because no library knows them: what "rendered" means for
this book's MathJax, ipywidgets and matplotlib animations (:data:`PAGE_CHECK_JS`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
#: axe-core, pinned in package.json / package-lock.json (installed by ``npm ci``).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Folders of the build that hold assets, not pages.
NOT_PAGES = ("_static", "_sources", "_images", "_downloads", "_sphinx_design_static")
#: Requests to any other host are blocked (the site must work offline).
ONLINE = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost|\[::1\])([:/]|$))")
#: Text that would show where the book was built, never a reader's own path.
BUILD_PATHS = tuple(dict.fromkeys(p for p in [
    str(ROOT), sys.prefix, os.path.expanduser("~"), os.environ.get("MNIST_DIR"),
    "site-packages", "/tmp/", "/home/", "/Users/", "C:\\Users\\"] if p and p != "/"))


def pages(html_dir: Path) -> list[str]:
    """Every page of the build, as paths relative to ``html_dir`` (``intro.html``, ``chapters/...``)."""
    found = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if rel.parts[0] not in NOT_PAGES and not rel.parts[0].startswith("."):
            found.append(rel.as_posix())
    return found


def is_redirect(path: Path) -> bool:
    """Jupyter Book writes ``index.html`` as a meta-refresh stub to the root page."""
    return 'http-equiv="refresh"' in path.read_text(errors="replace")[:2000].lower()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(html_dir: Path):
    """Serve ``html_dir`` on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


#: Runs in each page once it has loaded; resolves to a report of what it found.
PAGE_CHECK_JS = r"""
async (buildPaths) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const report = {problems: [], math: 0, images: 0, widgets: 0, animations: 0,
                  codeBlocks: 0, tables: 0};
  const until = async (test, ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) { if (test()) return true; await sleep(100); }
    return test();
  };
  // Math: Sphinx marks every formula with class "math"; MathJax puts an
  // mjx-container inside each one it typesets.
  const maths = [...document.querySelectorAll("span.math, div.math")];
  report.math = maths.length;
  if (maths.length) {
    const loaded = await until(() => window.MathJax && MathJax.startup && MathJax.startup.promise, 15000);
    if (!loaded) {
      report.problems.push(`MathJax did not load, ${maths.length} formulas untypeset`);
    } else {
      try { await MathJax.startup.promise; } catch (e) { report.problems.push(`MathJax failed: ${e}`); }
      await until(() => maths.every((m) => m.querySelector("mjx-container")), 15000);
      maths.forEach((m) => {
        if (!m.querySelector("mjx-container"))
          report.problems.push(`math not typeset: ${m.textContent.trim().slice(0, 80)}`);
      });
      document.querySelectorAll("mjx-merror, [data-mjx-error]").forEach((e) => {
        report.problems.push(`MathJax error: ${(e.getAttribute("data-mjx-error") || e.textContent).slice(0, 120)}`);
      });
    }
  }
  // Images (figures, animation frames): each must load with a non-zero natural size,
  // and say what it shows: a figure caption, or an alt text that is not a file name.
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  await until(() => images.every((img) => img.complete), 15000);
  report.images = images.length;
  const fileName = /^[\w./-]+\.(png|jpe?g|svg|gif|webp)$/i;
  images.forEach((img) => {
    const src = (img.getAttribute("src") || img.id || "").slice(0, 100);
    if (!img.complete || img.naturalWidth === 0 || img.naturalHeight === 0)
      report.problems.push(`image did not load: ${src}`);
    if (img.getAttribute("aria-hidden") === "true" || img.getAttribute("role") === "presentation") return;
    const figure = img.closest("figure");
    const caption = figure && figure.querySelector("figcaption");
    const alt = (img.getAttribute("alt") || "").trim();
    if ((caption && caption.textContent.trim()) || (alt && !fileName.test(alt))) return;
    const what = img.closest("div.animation") ? "an animation frame" : `image ${src}`;
    report.problems.push(`${what} has no caption and no alt text`);
  });
  // Widgets: the embed manager puts a rendered div.widget-subarea before each view script.
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  report.widgets = views.length;
  const rendered = (s) => {
    const area = s.previousElementSibling;
    return area && area.classList.contains("widget-subarea") && area.querySelector(".jupyter-widgets, .widget-inline-hbox, .widget-box, .lm-Widget") !== null && area.getBoundingClientRect().height > 0;
  };
  if (views.length) {
    await until(() => views.every(rendered), 20000);
    views.forEach((s, i) => { if (!rendered(s)) report.problems.push(`widget view ${i + 1} of ${views.length} did not render`); });
  }
  // Animations (matplotlib to_jshtml): a first frame, and the next-frame button works.
  const animations = [...document.querySelectorAll("div.animation")];
  report.animations = animations.length;
  for (const [i, anim] of animations.entries()) {
    const img = anim.querySelector("img");
    const name = `animation ${i + 1} of ${animations.length}`;
    await until(() => img && img.src && img.naturalWidth > 0, 10000);
    if (!img || img.naturalWidth === 0) { report.problems.push(`${name}: no frame shown`); continue; }
    const slider = anim.querySelector("input.anim-slider");
    const frames = slider ? parseInt(slider.max) + 1 : 0;
    const next = anim.querySelector('button[title="Next frame"]');
    if (frames > 1 && next) {
      const before = img.src;
      next.click();
      await until(() => img.src !== before, 3000);
      if (img.src === before) report.problems.push(`${name}: the next-frame button does not change the frame`);
      anim.querySelector('button[title="First frame"]')?.click();
    } else if (frames < 2) {
      report.problems.push(`${name}: it has ${frames} frame(s)`);
    }
    const icons = [...anim.querySelectorAll(".anim-buttons button")];
    if (icons.some((b) => !b.querySelector("svg, i") || b.getBoundingClientRect().width === 0))
      report.problems.push(`${name}: its buttons have no icons`);
  }
  // Code cells: no line may be cut off (wider than its box), input or output.
  const blocks = [...document.querySelectorAll("div.cell div.cell_input pre, div.cell div.cell_output pre")];
  report.codeBlocks = blocks.length;
  blocks.forEach((pre) => {
    if (pre.scrollWidth > pre.clientWidth + 1) {
      const longest = pre.textContent.split("\n").reduce((a, b) => (b.length > a.length ? b : a), "");
      const where = pre.closest("div.cell_input") ? "code" : "output";
      report.problems.push(`${where} line cut off (${pre.scrollWidth}px in ${pre.clientWidth}px): ${longest.trim().slice(0, 100)}`);
    }
  });
  // Tables in cell outputs (pandas): whole within the text column, readable font size.
  const tables = [...document.querySelectorAll("div.cell_output table")];
  report.tables = tables.length;
  tables.forEach((table, i) => {
    const box = table.parentElement.getBoundingClientRect();
    const size = table.getBoundingClientRect();
    const name = `table ${i + 1} (${table.querySelector("th, td")?.textContent.trim().slice(0, 30) || ""})`;
    if (size.right > box.right + 1 && getComputedStyle(table.parentElement).overflowX === "visible")
      report.problems.push(`${name}: ${Math.round(size.width)}px wide, cut off at ${Math.round(box.width)}px`);
    const cells = [...table.querySelectorAll("td")];
    const style = cells.length ? getComputedStyle(cells[0]) : null;
    if (style && parseFloat(style.fontSize) < 12)
      report.problems.push(`${name}: text ${style.fontSize}, below 12px`);
    if (style && parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) < 8)
      report.problems.push(`${name}: columns closer than 8px apart`);
    const numeric = /^[-+\u2212]?[\d,.]+(e[-+]?\d+)?\s*%?$/i;
    const leftNumbers = cells.filter((td) => numeric.test(td.textContent.trim())
      && !["right", "end"].includes(getComputedStyle(td).textAlign));
    if (leftNumbers.length)
      report.problems.push(`${name}: ${leftNumbers.length} numbers not right-aligned (e.g. ${leftNumbers[0].textContent.trim()})`);
    const head = table.querySelector("thead th:not(:empty)");
    const headStyle = head && getComputedStyle(head);
    if (headStyle && style && headStyle.fontWeight === style.fontWeight
        && headStyle.borderBottomStyle === "none" && headStyle.backgroundColor === style.backgroundColor)
      report.problems.push(`${name}: the header row looks like a data row`);
  });
  // Cell outputs must not show where the book was built.
  document.querySelectorAll("div.cell_output").forEach((out) => {
    const text = out.textContent;
    for (const path of buildPaths) {
      const at = text.indexOf(path);
      if (at >= 0) { report.problems.push(`cell output shows a build-machine path: ...${text.slice(Math.max(0, at - 30), at + 60).trim()}...`); break; }
    }
  });
  await sleep(200);
  return report;
}
"""

#: axe-core on the whole page; rules and tags are axe's defaults (WCAG 2.x A and AA
#: and best practices), violations only.
AXE_JS = "async () => { const r = await axe.run(document, {resultTypes: ['violations']}); " \
         "return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, " \
         "nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 20), count: v.nodes.length})); }"


@dataclass
class PageResult:
    page: str
    url: str
    problems: list[str] = field(default_factory=list)
    math: int = 0
    images: int = 0
    widgets: int = 0
    animations: int = 0
    codeBlocks: int = 0  # noqa: N815 - the JavaScript report's key
    tables: int = 0
    violations: list[dict] = field(default_factory=list)
    screenshot: str | None = None
    seconds: float = 0.0
    redirect: bool = False


def _browser_own(url: str) -> bool:
    """The browser asks for /favicon.ico by itself when a page names no icon."""
    return urlsplit(url).path == "/favicon.ico"


def _watch(page, problems: list[str], blocked: list[str]) -> None:
    """Record console errors, uncaught exceptions and failed loads of ``page``."""
    def console(message):
        if message.type in ("error", "assert"):
            location = message.location.get("url", "") if message.location else ""
            if not _browser_own(location):
                problems.append(f"console.{message.type}: {message.text[:300]}")

    def response(response):
        if response.status >= 400 and not _browser_own(response.url):
            problems.append(f"HTTP {response.status} for {response.url}")

    def failed(request):
        failure = request.failure or ""
        # Blocked requests are reported on their own; ERR_ABORTED is a load the page
        # itself cancelled (an animation frame replaced before it loaded).
        if request.url in blocked or "ERR_ABORTED" in failure:
            return
        if not _browser_own(request.url):
            problems.append(f"failed to load ({failure}): {request.url[:200]}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {str(error)[:300]}"))
    page.on("response", response)
    page.on("requestfailed", failed)


def visit_pages(browser, html_dir: Path, base: str, *, screenshots: Path | None = None,
                axe: bool = False, only: list[str] | None = None,
                width: int = 1280, height: int = 900) -> list[PageResult]:
    """Open every page of ``html_dir`` at ``base`` (http or file URL); return what each showed."""
    html_dir = html_dir.resolve()
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": height},
                                  service_workers="block")

    def block(route):
        blocked.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(ONLINE, block)
    results = []
    try:
        for rel in pages(html_dir):
            if only and rel not in only:
                continue
            result = PageResult(rel, urljoin(base, rel))
            results.append(result)
            if is_redirect(html_dir / rel):  # checked by the link checker, not opened
                result.redirect = True
                continue
            started = time.monotonic()
            blocked.clear()
            page = context.new_page()
            _watch(page, result.problems, blocked)
            try:
                page.goto(result.url, wait_until="load", timeout=60_000)
                report = page.evaluate(PAGE_CHECK_JS, list(BUILD_PATHS))
                result.problems += report.pop("problems")
                for key, value in report.items():
                    setattr(result, key, value)
                if axe:
                    page.add_script_tag(path=str(AXE))
                    result.violations = page.evaluate(AXE_JS)
                if screenshots is not None:
                    name = rel.removesuffix(".html").replace("/", "__")
                    shot = screenshots / f"{name}.png"
                    shot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shot), full_page=True, timeout=120_000)
                    result.screenshot = str(shot)
            except Exception as error:  # noqa: BLE001 - a timeout or crash is this page's problem
                result.problems.append(f"browser: {type(error).__name__}: {str(error)[:500]}")
            finally:
                page.close()
            result.problems += [f"request to the internet blocked: {u}" for u in dict.fromkeys(blocked)]
            result.problems = list(dict.fromkeys(result.problems))
            result.seconds = time.monotonic() - started
    finally:
        context.close()
    return results
