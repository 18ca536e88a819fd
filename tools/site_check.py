"""Check the built website: links, accessibility, and every page in a real browser, offline.

Three checks of ``_build/html`` (``make test-site`` runs them through
``tests/site/``; this file also runs alone):

``links``
    Every internal link, anchor, image, script and stylesheet of every page
    (and every ``url()`` of the stylesheets they load) resolves to a file of
    the build, and no page loads anything from another host: external links
    to click are fine, external scripts, styles, fonts or images are not.
``a11y``
    Every image of a page has a caption or alt text, and every colour map the
    chapters and helpers name is perceptually uniform and safe for
    colour-blind readers.
``browser``
    Debian's Chromium, headless, opens every page from a web server on
    127.0.0.1 with every request to any other host blocked (and counted as a
    failure: that proves the site works offline). On each page it checks that
    MathJax typeset every piece of math without error, every image loaded
    (non-zero natural size), every widget view and every animation rendered
    and an animation steps to its next frame, and that the console shows no
    error. It saves a screenshot of each page under ``_build/screenshots/``.
    ``--file-url`` repeats it from ``file://``, as a reader who opens
    ``index.html`` from a USB stick would.

Usage::

    python tools/site_check.py                  # all checks of _build/html
    python tools/site_check.py --only links a11y
    python tools/site_check.py --html /tmp/site/_build/html --file-url

Chromium comes from Debian (``apt-get install -y chromium``); ``--install``
installs it when missing (as root). The browser is driven over the DevTools
protocol with ``websocket-client`` (a JupyterLab dependency, already in
``.venv``), so no test framework downloads a browser of its own.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
#: Folders of the build that hold assets, not pages.
NOT_PAGES = ("_static", "_sources", "_images", "_downloads", "_sphinx_design_static")

# ---------------------------------------------------------------------------------- pages


def pages(html_dir: Path = HTML) -> list[str]:
    """Every page of the build, as paths relative to ``html_dir`` (``chapters/x.html``)."""
    found = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if rel.parts[0] in NOT_PAGES or rel.parts[0].startswith("."):
            continue
        found.append(rel.as_posix())
    return found


def is_redirect(path: Path) -> bool:
    """Jupyter Book writes ``index.html`` as a meta-refresh stub to the root page."""
    head = path.read_text(errors="replace")[:2000].lower()
    return 'http-equiv="refresh"' in head


# ------------------------------------------------------------------------ HTML parsing


@dataclass
class Ref:
    tag: str
    attr: str
    url: str
    line: int
    rel: str = ""


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)


#: Attributes that name something a page links to or loads.
_URL_ATTRS = {
    "a": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset"),
    "source": ("src", "srcset"), "iframe": ("src",), "video": ("src", "poster"),
    "audio": ("src",), "embed": ("src",), "object": ("data",), "track": ("src",),
    "input": ("src",), "area": ("href",),
}
#: Tags whose URL the browser loads by itself (not a link a reader clicks).
_LOADED = {"script", "img", "source", "iframe", "video", "audio", "embed", "object",
           "track", "input"}


class _PageParser(HTMLParser):
    """Collect ids, URLs and images (with their captions) of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._figures: list[dict] = []  # open <figure> elements
        self._in_caption = 0
        self._in_animation = 0
        self._div_depth = 0
        self._animation_depths: list[int] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.page.ids.add(a[key])
        line = self.getpos()[0]
        for attr in _URL_ATTRS.get(tag, ()):
            value = a.get(attr)
            if not value:
                continue
            urls = [part.strip().split()[0] for part in value.split(",") if part.strip()] \
                if attr == "srcset" else [value.strip()]
            for url in urls:
                self.page.refs.append(Ref(tag, attr, url, line, (a.get("rel") or "").lower()))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url=(.+)$", a.get("content") or "", re.I)
            if match:
                self.page.refs.append(Ref("meta", "content", match.group(1).strip(), line))
        if tag == "div":
            self._div_depth += 1
            if "animation" in (a.get("class") or "").split():
                self._animation_depths.append(self._div_depth)
        if tag == "figure":
            self._figures.append({"caption": "", "images": []})
        if tag == "figcaption":
            self._in_caption += 1
        if tag == "img":
            image = {
                "src": a.get("src") or "", "alt": (a.get("alt") or "").strip(), "line": line,
                "id": a.get("id") or "", "role": a.get("role") or "",
                "aria_hidden": a.get("aria-hidden") == "true",
                "animation": bool(self._animation_depths), "figure": None,
            }
            if self._figures:
                image["figure"] = self._figures[-1]
                self._figures[-1]["images"].append(image)
            self.page.images.append(image)

    def handle_endtag(self, tag):
        if tag == "div":
            if self._animation_depths and self._animation_depths[-1] == self._div_depth:
                self._animation_depths.pop()
            self._div_depth -= 1
        if tag == "figcaption" and self._in_caption:
            self._in_caption -= 1
        if tag == "figure" and self._figures:
            self._figures.pop()

    def handle_data(self, data):
        if self._in_caption and self._figures:
            self._figures[-1]["caption"] += data


def parse_page(path: Path) -> ParsedPage:
    """Ids, URLs and images of one page (cached while the file is unchanged)."""
    return _parse_page(path, path.stat().st_mtime_ns)


@functools.cache
def _parse_page(path: Path, mtime_ns: int) -> ParsedPage:
    parser = _PageParser()
    parser.feed(path.read_text(errors="replace"))
    parser.close()
    return parser.page


# -------------------------------------------------------------------------- link check


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _resolve(html_dir: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """File and fragment an internal URL of ``page`` points at (None: outside the build)."""
    parts = urlsplit(url)
    if parts.path:
        if parts.path.startswith("/"):
            target = html_dir / unquote(parts.path).lstrip("/")
        else:
            target = page.parent / unquote(parts.path)
    else:
        target = page
    target = Path(os.path.normpath(target))
    if target.is_dir():
        target = target / "index.html"
    try:
        target.relative_to(html_dir)
    except ValueError:
        return None, parts.fragment
    return target, unquote(parts.fragment)


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def check_links(html_dir: Path = HTML) -> dict[str, list[str]]:
    """Problems of every page's internal links, anchors and loaded files, by page.

    Also returns the key ``"(external)"``: external links, for information.
    """
    html_dir = html_dir.resolve()
    problems: dict[str, list[str]] = {}
    external: set[str] = set()
    stylesheets: dict[Path, str] = {}
    for rel in pages(html_dir):
        page = html_dir / rel
        found = problems.setdefault(rel, [])
        for ref in parse_page(page).refs:
            url = ref.url
            scheme = urlsplit(url).scheme.lower()
            if scheme in ("mailto", "tel", "data", "javascript", "blob"):
                continue
            if scheme or url.startswith("//"):
                host = urlsplit(url if scheme else "http:" + url).hostname
                loads = ref.tag in _LOADED or (ref.tag == "link" and ref.rel not in (
                    "canonical", "alternate", "author", "license", "help", "search", "next",
                    "prev", "index", "copyright", "home", "top", "up", "first", "last"))
                if loads and not _is_loopback(host):
                    found.append(f"line {ref.line}: <{ref.tag} {ref.attr}> loads {url} "
                                 "from the internet (the site must work offline)")
                elif ref.tag == "a":
                    external.add(url)
                continue
            target, fragment = _resolve(html_dir, page, url)
            if target is None:
                found.append(f"line {ref.line}: <{ref.tag} {ref.attr}={url!r}> leaves the build")
                continue
            if not target.is_file():
                found.append(f"line {ref.line}: <{ref.tag} {ref.attr}={url!r}> not found "
                             f"({target.relative_to(html_dir)})")
                continue
            if fragment and target.suffix == ".html" and fragment not in parse_page(target).ids:
                found.append(f"line {ref.line}: <{ref.tag} {ref.attr}={url!r}>: no anchor "
                             f"#{fragment} in {target.relative_to(html_dir)}")
            if ref.tag == "link" and "stylesheet" in ref.rel.split() and target.suffix == ".css":
                stylesheets.setdefault(target, rel)
    for css, rel in stylesheets.items():
        for match in _CSS_URL.finditer(css.read_text(errors="replace")):
            url = (match.group(2) or match.group(4) or "").strip()
            if not url or url.startswith(("data:", "#")):
                continue
            where = f"{css.relative_to(html_dir)} (loaded by {rel})"
            if urlsplit(url).scheme or url.startswith("//"):
                problems.setdefault(where, []).append(f"url({url}) loads from the internet")
                continue
            target, _ = _resolve(html_dir, css, url.split("?")[0].split("#")[0])
            if target is None or not target.is_file():
                problems.setdefault(where, []).append(f"url({url}) not found")
    problems = {k: v for k, v in problems.items() if v}
    problems["(external)"] = sorted(external)
    return problems


# ------------------------------------------------------------------------ accessibility

#: Perceptually uniform and colour-blind safe: matplotlib's sequential maps
#: designed for it, the grey maps, and ColorBrewer's colour-blind-safe diverging
#: maps (for signed values centred on 0). ``_r`` reverses any of them.
SAFE_COLORMAPS = {
    "viridis", "cividis", "magma", "inferno", "plasma", "gray", "grey", "Greys", "binary",
    "gist_gray", "gist_yarg", "bone", "RdBu", "PuOr", "BrBG", "PRGn", "PiYG", "RdYlBu",
    "Blues", "Greens", "Oranges", "Purples", "Reds", "YlGnBu", "YlOrRd", "YlOrBr", "GnBu",
    "BuGn", "BuPu", "OrRd", "PuBu", "PuBuGn", "RdPu", "YlGn", "twilight", "twilight_shifted",
    "berlin", "managua", "vanimo",
}
_CMAP_USES = re.compile(
    r"""(?:cmap\s*=\s*|get_cmap\(\s*|colormaps\[\s*|\.cmap"?\s*:\s*|image\.cmap['"]\s*:\s*)
        (['"])([A-Za-z_][\w.]*)\1""",
    re.X,
)


def _filename_alt(alt: str, src: str) -> bool:
    """An alt text that is only the image's file name says nothing to a reader."""
    name = Path(urlsplit(src).path).name
    return bool(alt) and (alt == src or alt == name or
                          re.fullmatch(r"[\w./-]+\.(png|jpe?g|svg|gif|webp)", alt) is not None)


def check_images_described(html_dir: Path = HTML) -> dict[str, list[str]]:
    """Images with neither a caption nor a meaningful alt text, by page."""
    problems: dict[str, list[str]] = {}
    for rel in pages(html_dir):
        for image in parse_page(html_dir / rel).images:
            if image["aria_hidden"] or image["role"] == "presentation":
                continue
            caption = (image["figure"] or {}).get("caption", "").strip()
            alt = image["alt"]
            if caption or (alt and not _filename_alt(alt, image["src"])):
                continue
            what = "animation" if image["animation"] else (image["src"][:80] or image["id"])
            problems.setdefault(rel, []).append(
                f"line {image['line']}: image {what} has no caption and no alt text")
    return problems


def colormaps_used(root: Path = ROOT) -> list[tuple[str, str]]:
    """``(where, name)`` for every colour map named in the chapters and helpers."""
    sources: list[tuple[str, str]] = []
    for nb in sorted((root / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text()).get("cells", [])
        for i, cell in enumerate(cells):
            if cell.get("cell_type") == "code":
                text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                sources.append((f"{nb.relative_to(root)} cell {i}", text))
    for py in sorted((root / "helpers").glob("*.py")):
        sources.append((str(py.relative_to(root)), py.read_text()))
    return [(where, m.group(2)) for where, text in sources for m in _CMAP_USES.finditer(text)]


def check_colormaps(root: Path = ROOT) -> list[str]:
    """Colour maps that are not perceptually uniform and colour-blind safe."""
    bad = []
    for where, name in colormaps_used(root):
        base = name.removesuffix("_r")
        if base not in SAFE_COLORMAPS:
            bad.append(f"{where}: colour map {name!r} is not perceptually uniform and "
                       f"colour-blind safe; use viridis/cividis (magnitudes), gray (images), "
                       f"RdBu_r centred on 0 (signed values), or for categories the colours "
                       f"of matplotlib's 'petroff10' style (its axes.prop_cycle)")
    return bad


# ----------------------------------------------------------------------------- browser

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--no-default-browser-check", "--force-color-profile=srgb",
]


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def ensure_chromium(install: bool = True) -> str:
    """Path of Debian's Chromium, installing it with apt-get (as root) when missing."""
    found = find_chromium()
    if found:
        return found
    if install and shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"],
                       check=True, env=env)
        found = find_chromium()
        if found:
            return found
    raise RuntimeError("Chromium is not installed: `apt-get install -y chromium` (Debian), "
                       "or set CHROMIUM to a Chromium or Chrome binary.")


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


class CDP:
    """A minimal DevTools-protocol client for one page, over websocket-client.

    Requests to any host but loopback are failed as they are made, and recorded.
    """

    def __init__(self, ws_url: str, timeout: float = 30.0):
        import websocket  # websocket-client

        self._ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True,
                                               enable_multithread=True)
        self._next = 0
        self.events: list[dict] = []
        self.blocked: list[str] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ws.close()

    def _send(self, method: str, params: dict | None = None) -> int:
        self._next += 1
        self._ws.send(json.dumps({"id": self._next, "method": method, "params": params or {}}))
        return self._next

    def _receive(self, deadline: float) -> dict | None:
        import websocket

        self._ws.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
        try:
            message = json.loads(self._ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        if message.get("method") == "Fetch.requestPaused":
            self._gate(message["params"])
        elif "method" in message:
            self.events.append(message)
        return message

    def _gate(self, params: dict) -> None:
        url = params["request"]["url"]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and not _is_loopback(parts.hostname):
            self.blocked.append(url)
            self._send("Fetch.failRequest",
                       {"requestId": params["requestId"], "errorReason": "BlockedByClient"})
        else:
            self._send("Fetch.continueRequest", {"requestId": params["requestId"]})

    def call(self, method: str, params: dict | None = None, timeout: float = 30.0) -> dict:
        ident = self._send(method, params)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message and message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise TimeoutError(f"{method}: no answer in {timeout} s")

    def wait_for(self, method: str, timeout: float, since: int = 0) -> dict | None:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events[since:]:
                if event.get("method") == method:
                    return event
            since = len(self.events)
            if time.monotonic() >= deadline:
                return None
            self._receive(deadline)

    def pump(self, seconds: float) -> None:
        """Handle events (and blocked requests) for a while."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(deadline)


@contextlib.contextmanager
def chromium(binary: str, width: int = 1280, height: int = 900):
    """Start headless Chromium; yield a :class:`CDP` client on its first tab."""
    with tempfile.TemporaryDirectory(prefix="site-check-chromium-") as profile:
        log = open(Path(profile).parent / f"{Path(profile).name}.log", "w")
        process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
             "--remote-debugging-address=127.0.0.1", f"--window-size={width},{height}",
             "about:blank"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        client = None
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 60
            while not (port_file.is_file() and port_file.read_text().strip()):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("Chromium did not start: " +
                                       Path(log.name).read_text(errors="replace")[-2000:])
                time.sleep(0.1)
            port = int(port_file.read_text().split()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            client = CDP(targets[0]["webSocketDebuggerUrl"])
            for domain in ("Page", "Runtime", "Log", "Network"):
                client.call(f"{domain}.enable")
            client.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
            client.call("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            yield client
        finally:
            if client is not None:
                client.close()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
            with contextlib.suppress(OSError):
                os.unlink(log.name)


#: Runs in each page once it has loaded; resolves to a report of what it found.
PAGE_CHECK_JS = r"""
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const report = {problems: [], math: 0, images: 0, widgets: 0, animations: 0};
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
  // Images (figures, animation frames): each must load with a non-zero natural size.
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  await until(() => images.every((img) => img.complete), 15000);
  report.images = images.length;
  images.forEach((img) => {
    if (!img.complete || img.naturalWidth === 0 || img.naturalHeight === 0)
      report.problems.push(`image did not load: ${(img.getAttribute("src") || img.id || "").slice(0, 100)}`);
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
  await sleep(200);
  return report;
})()
"""


@dataclass
class PageResult:
    page: str
    url: str
    problems: list[str] = field(default_factory=list)
    math: int = 0
    images: int = 0
    widgets: int = 0
    animations: int = 0
    screenshot: str | None = None
    seconds: float = 0.0
    redirect: bool = False
    phases: dict[str, float] = field(default_factory=dict)


def _browser_own(url: str) -> bool:
    """The browser asks for /favicon.ico by itself when a page names no icon."""
    return urlsplit(url).path == "/favicon.ico"


def _console_problems(events: list[dict], base: str) -> list[str]:
    urls = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in events
            if e.get("method") == "Network.requestWillBeSent"}
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            found.append(f"console.{params['type']}: {text[:300]}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            found.append(f"uncaught exception: {text[:300]}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            if _browser_own(entry.get("url", "")) or "ERR_BLOCKED_BY_CLIENT" in entry.get("text", ""):
                continue
            found.append(f"console error ({entry.get('source')}): {entry.get('text', '')[:200]} "
                         f"{entry.get('url', '')}".rstrip())
        elif method == "Network.responseReceived":
            response = params.get("response", {})
            if response.get("status", 200) >= 400 and not _browser_own(response.get("url", "")):
                found.append(f"HTTP {response['status']} for {response.get('url', '')}")
        elif method == "Network.loadingFailed" and not params.get("errorText", "").startswith(
                "net::ERR_BLOCKED_BY_CLIENT"):  # blocked requests are reported on their own
            if not params.get("canceled"):
                url = urls.get(params.get("requestId"), f"request {params.get('requestId')}")
                if not _browser_own(url):
                    found.append(f"failed to load ({params.get('errorText')}): {url[:200]}")
    return list(dict.fromkeys(found))


def _screenshots(client: CDP, stem: Path, max_height: int, tile: int = 8000,
                 width: int = 1280, height: int = 900) -> list[Path]:
    """Save the whole page (up to ``max_height`` CSS pixels) as PNG tiles.

    The first tile is ``stem.png``, the next ``stem-2.png`` and so on. The
    window is made as tall as a tile and scrolled, rather than using
    ``captureBeyondViewport``, which shifts this theme's layout sideways.
    """
    metrics = client.call("Page.getLayoutMetrics")
    total = int(min(max((metrics.get("cssContentSize") or metrics["contentSize"])["height"], 1),
                    max_height))
    view = min(total, tile)
    client.call("Emulation.setDeviceMetricsOverride",
                {"width": width, "height": view, "deviceScaleFactor": 1, "mobile": False})
    saved = []
    try:
        for number, top in enumerate(range(0, total, view), start=1):
            client.call("Runtime.evaluate", {"expression": f"window.scrollTo(0, {top})"})
            client.pump(0.3 if number == 1 else 0.1)
            shot = client.call("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True},
                               timeout=60)
            path = stem.with_name(stem.name + (".png" if number == 1 else f"-{number}.png"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(shot["data"]))
            saved.append(path)
    finally:
        client.call("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return saved


def check_in_browser(
    html_dir: Path = HTML,
    *,
    screenshots: Path | None = SCREENSHOTS,
    file_url: bool = False,
    only: list[str] | None = None,
    max_height: int = 40000,
    binary: str | None = None,
) -> list[PageResult]:
    """Open every page in headless Chromium, offline; return what each showed."""
    html_dir = html_dir.resolve()
    binary = binary or ensure_chromium(install=False)
    selected = [p for p in pages(html_dir) if not only or p in only]
    results = []
    server = contextlib.nullcontext(html_dir.as_uri() + "/") if file_url else serve(html_dir)
    with server as base, chromium(binary) as client:
        for rel in selected:
            started = time.monotonic()
            url = urljoin(base, rel)
            result = PageResult(rel, url)
            if is_redirect(html_dir / rel):  # checked by check_links, not opened
                result.redirect = True
                results.append(result)
                continue
            client.events.clear()
            client.blocked.clear()
            try:
                client.call("Page.navigate", {"url": url})
                if client.wait_for("Page.loadEventFired", 30) is None:
                    result.problems.append("the page did not finish loading in 30 s")
                result.phases["load"] = time.monotonic() - started
                answer = client.call("Runtime.evaluate", {
                    "expression": PAGE_CHECK_JS, "awaitPromise": True, "returnByValue": True,
                }, timeout=90)
                if "exceptionDetails" in answer:
                    result.problems.append(f"page check failed: {answer['exceptionDetails']}")
                report = answer.get("result", {}).get("value") or {}
                result.problems += report.get("problems", [])
                for key in ("math", "images", "widgets", "animations"):
                    setattr(result, key, report.get(key, 0))
                client.pump(0.3)
                result.phases["check"] = time.monotonic() - started - result.phases["load"]
                if screenshots is not None:
                    name = rel.removesuffix(".html").replace("/", "__") + ("-file" if file_url else "")
                    for old in screenshots.glob(f"{name}*.png"):
                        if re.fullmatch(re.escape(name) + r"(-\d+)?\.png", old.name):
                            old.unlink()
                    shots = _screenshots(client, screenshots / name, max_height)
                    result.screenshot = str(shots[0])
                    result.phases["screenshot"] = (time.monotonic() - started
                                                   - result.phases["load"] - result.phases["check"])
            except (RuntimeError, TimeoutError) as error:
                result.problems.append(f"browser: {error}")
            result.problems += _console_problems(client.events, base)
            result.problems += [f"request to the internet blocked: {u}" for u in
                                dict.fromkeys(client.blocked)]
            result.seconds = time.monotonic() - started
            results.append(result)
    return results


# ---------------------------------------------------------------------------- command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HTML, help="the built site (_build/html)")
    parser.add_argument("--only", nargs="+", choices=("links", "a11y", "browser"),
                        default=["links", "a11y", "browser"])
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="where to save screenshots (default: _screenshots beside --html)")
    parser.add_argument("--file-url", action="store_true", help="also open the pages from file://")
    parser.add_argument("--install", action="store_true", help="apt-get install chromium if missing")
    args = parser.parse_args(argv)
    html_dir = args.html.resolve()
    if not (html_dir / "index.html").is_file():
        print(f"site_check: no built site in {html_dir}: run `make book` first", file=sys.stderr)
        return 2
    shots = args.screenshots or html_dir.parent / "screenshots"
    failed = 0
    if "links" in args.only:
        problems = check_links(html_dir)
        external = problems.pop("(external)")
        for where, items in problems.items():
            failed += len(items)
            print(f"LINKS {where}:\n  " + "\n  ".join(items))
        print(f"links: {len(pages(html_dir))} pages, {sum(map(len, problems.values()))} problems, "
              f"{len(external)} distinct external links (not fetched)")
    if "a11y" in args.only:
        problems = check_images_described(html_dir)
        colours = check_colormaps(ROOT)
        for where, items in problems.items():
            print(f"A11Y {where}:\n  " + "\n  ".join(items))
        for item in colours:
            print(f"A11Y {item}")
        failed += sum(map(len, problems.values())) + len(colours)
        print(f"a11y: {sum(map(len, problems.values()))} undescribed images, "
              f"{len(colours)} unsafe colour maps")
    if "browser" in args.only:
        binary = ensure_chromium(install=args.install)
        for use_file in ([False, True] if args.file_url else [False]):
            results = check_in_browser(html_dir, screenshots=shots, file_url=use_file, binary=binary)
            for r in results:
                status = "ok" if not r.problems else "FAIL"
                print(f"{status:4} {r.page:45} math={r.math:<4} images={r.images:<3} "
                      f"widgets={r.widgets:<2} animations={r.animations:<2} {r.seconds:5.1f}s "
                      + " ".join(f"{k}={v:.1f}" for k, v in r.phases.items()))
                for problem in r.problems:
                    print(f"       {problem}")
            failed += sum(len(r.problems) for r in results)
        print(f"screenshots: {shots}")
    print("site_check: " + ("all checks passed" if not failed else f"{failed} problems"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
