"""The whole book, executed, as one PDF (``make pdf``).

1. jupyter-book builds the single-page website (``--builder singlehtml``, ``-W -n``)
   into ``_build/singlehtml`` from the jupyter-cache that ``make book`` and
   ``make test`` fill, so a chapter already executed is not executed again.
2. Debian's headless Chromium (installed with apt-get when missing, as for
   ``make test-site``) opens that page from a local server, with every request to
   the internet blocked. ``PRINT_JS`` waits for MathJax, the images and the
   widgets, then turns the web page into a book: a title page and a contents
   page, each part and chapter on a new page, folded solutions and hidden cells
   opened, each animation replaced by a strip of its frames (its static
   version), widgets shown in their embedded state, the navigation removed.
3. Chromium prints it: A4, page numbers in the footer, PDF bookmarks from the
   headings. A second print writes the contents' page numbers, read from the
   first print's bookmarks.
4. :func:`check_pdf` reads the PDF back (pypdf) and reports what is wrong: too
   few pages, a chapter title missing, raw ``$`` math or an unrendered directive
   or role in the text, fewer embedded images than figures, figures without
   their numbered captions, bibliography entries missing. ``tests/pdf`` runs it.

Why Chromium and not LaTeX: the book's outputs are web outputs. Styled pandas
tables (``Styler``) and glued Markdown have only an HTML form, animations are
JavaScript players and widgets are embedded HTML: Jupyter Book's LaTeX builder
drops all of them (a table becomes ``<pandas.io.formats.style.Styler at 0x...>``).
Its preamble also needs ``bbm.sty`` from texlive-fonts-extra (TeX Live adds
about 2 GB and 4 minutes to CI), and an ``IPython.display.Code`` output breaks
the LaTeX run (see /work/shared/PITFALLS.md). The printed page shows what the
website shows, with the same MathJax macros, and Chromium is installed anyway
for the website's browser tests.

Usage::

    python tools/pdf.py            # build, print, check: _build/pdf/conv-to-cnn-book.pdf
    python tools/pdf.py --no-build # print the existing _build/singlehtml again
    python tools/pdf.py --check    # only check an existing PDF
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browser and tests.site.pages start and serve Chromium

from tests.site.pages import is_redirect  # noqa: E402

SINGLEHTML = ROOT / "_build" / "singlehtml"
OUT = ROOT / "_build" / "pdf"
#: The PDF's name, here and on the website (``_static/downloads/``); see book_ext/generated.py.
PDF_NAME = "conv-to-cnn-book.pdf"
PDF = OUT / PDF_NAME
#: What the printed page held, for the checks: chapter titles, figures, math, ...
MANIFEST = OUT / "manifest.json"
#: The fewest pages a whole book of seven chapters can have; the real count is reported.
MIN_PAGES = 60
#: Frames of an animation shown in print, evenly spread from the first to the last.
ANIMATION_FRAMES = 6


# ----------------------------------------------------------------------------- book structure

def toc_structure(root: Path = ROOT) -> list[dict]:
    """The parts of ``_toc.yml``: ``[{"caption": ..., "numbered": bool, "files": [...]}, ...]``."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    parts = []
    for part in toc.get("parts", []):
        files = [c["file"] for c in part.get("chapters", []) if "file" in c]
        parts.append({"caption": part.get("caption", ""), "numbered": bool(part.get("numbered")),
                      "files": files})
    if not parts and toc.get("chapters"):
        parts.append({"caption": "", "numbered": False,
                      "files": [c["file"] for c in toc["chapters"] if "file" in c]})
    return parts


def chapter_titles(root: Path = ROOT) -> dict[str, str]:
    """``chapters/NN_x`` -> the chapter's ``# Title``, for every chapter of ``_toc.yml``."""
    titles = {}
    for part in toc_structure(root):
        for file in part["files"]:
            path = root / f"{file}.ipynb"
            if not path.is_file():
                continue
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for cell in cells:
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                match = cell["cell_type"] == "markdown" and re.search(r"^# (.+)$", source, re.M)
                if match:
                    titles[file] = match.group(1).strip()
                    break
    return titles


def _git_commit(root: Path = ROOT) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# ----------------------------------------------------------------------------- the printed page

#: Added to the page before printing. Screen styles stay; this hides the website's
#: navigation and makes folded or interactive things static.
PRINT_CSS = r"""
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html, body { background: white !important; }
body { font-size: 10.5pt; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-footer,
.bd-footer-article, .prev-next-area, .bd-footer-content, .headerlink, .copybtn,
.toggle-button, .cell_input .copybtn, #pst-back-to-top, .pst-scrollable-table-container + .headerlink,
.header-article-items, .bd-search, .search-button-field, .skip-link, .sbt-scroll-pixel-helper,
.anim-controls, .theme-switch-button, .onlyprint, #jb-print-docs-body { display: none !important; }
/* The theme hides a page's first h1 in print (it prints its own title block instead). */
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
.bd-main, .bd-content, .bd-article-container, .bd-page-width, .bd-container, .bd-container__inner,
.bd-article { max-width: none !important; width: auto !important; margin: 0 !important;
  padding: 0 !important; display: block !important; }
.toggle-hidden, .cell.tag_hide-cell > .cell_input, details > * { display: revert !important;
  visibility: visible !important; opacity: 1 !important; height: auto !important; }
pre, .highlight pre { white-space: pre-wrap !important; word-break: break-word; font-size: 8.5pt; }
div.cell_output pre { max-height: none !important; overflow: visible !important; }
img { max-width: 100% !important; height: auto !important; }
figure, .figure, div.cell_output img, .book-animation-strip, .admonition .math,
div.math, tr { break-inside: avoid; }
/* Long tables break between rows (the theme keeps them whole, leaving half pages empty),
   repeating their header. */
.bd-main .bd-content table { break-inside: auto !important; }
thead { display: table-header-group; }
h1, h2, h3, h4 { break-after: avoid; }
.book-break { break-before: page; }
.book-title-page { height: 225mm; break-after: page; display: flex; flex-direction: column; justify-content: center;
  text-align: center; }
.book-title-page h1.book-title { font-size: 30pt; margin-bottom: 8mm; border: 0; }
.book-title-page p { font-size: 12pt; margin: 2mm 0; }
.book-contents h1 { font-size: 20pt; }
section.book-break > h1:first-child, section.book-break > h2:first-child { font-size: 22pt;
  margin-top: 0; }
.book-contents ol { list-style: none; padding-left: 0; }
.book-contents li { display: flex; align-items: baseline; margin: 1.2mm 0; }
.book-contents li.book-part { font-weight: bold; margin-top: 5mm; }
.book-contents li .book-dots { flex: 1; border-bottom: 1px dotted #888; margin: 0 2mm; }
.book-contents li .book-page { min-width: 9mm; text-align: right; font-variant-numeric: tabular-nums; }
.book-part-title { font-size: 22pt; margin: 0 0 8mm; padding-bottom: 3mm;
  border-bottom: 2px solid #444; }
.book-animation-strip { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; }
.book-animation-strip figure { margin: 0; text-align: center; }
.book-animation-strip figcaption { font-size: 8pt; color: #444; }
.book-static-note { font-size: 8.5pt; color: #444; font-style: italic; margin: 1mm 0 3mm; }
"""

#: Runs in the loaded single page. Waits for MathJax, images and widgets, rewrites
#: the page for print, and resolves to a report of what it found and changed.
PRINT_JS = r"""
(async (book) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const until = async (test, ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) { if (test()) return true; await sleep(100); }
    return test();
  };
  const t0 = Date.now();
  const timings = {};
  const report = {timings, problems: [], math: 0, images: 0, widgets: 0, animations: 0, figures: [],
                  chapters: [], tables: 0, bibliography: [], solutions_opened: 0, contents: []};
  document.documentElement.dataset.theme = "light";
  document.documentElement.dataset.mode = "light";
  const style = document.createElement("style");
  style.textContent = book.css;
  document.head.appendChild(style);

  // Math: every formula typeset by MathJax, and no MathJax error.
  const maths = [...document.querySelectorAll("span.math, div.math")];
  report.math = maths.length;
  if (maths.length) {
    const loaded = await until(() => window.MathJax && MathJax.startup && MathJax.startup.promise, 30000);
    if (!loaded) report.problems.push(`MathJax did not load, ${maths.length} formulas untypeset`);
    else {
      try { await MathJax.startup.promise; } catch (e) { report.problems.push(`MathJax failed: ${e}`); }
      await until(() => maths.every((m) => m.querySelector("mjx-container")), 120000);
      maths.forEach((m) => {
        if (!m.querySelector("mjx-container"))
          report.problems.push(`math not typeset: ${m.textContent.trim().slice(0, 80)}`);
      });
      document.querySelectorAll("mjx-merror, [data-mjx-error]").forEach((e) => {
        report.problems.push(`MathJax error: ${(e.getAttribute("data-mjx-error") || e.textContent).slice(0, 120)}`);
      });
    }
  }

  timings.math = Date.now() - t0;
  // Widgets: the embed manager renders each view from the state saved at build time.
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  report.widgets = views.length;
  const rendered = (s) => {
    const area = s.previousElementSibling;
    return area && area.classList.contains("widget-subarea") && area.getBoundingClientRect().height > 0;
  };
  if (views.length) {
    await until(() => views.every(rendered), 60000);
    views.forEach((s, i) => {
      if (!rendered(s)) report.problems.push(`widget view ${i + 1} of ${views.length} did not render`);
      const note = document.createElement("p");
      note.className = "book-static-note";
      note.textContent = "An interactive widget, printed in the state the book was built with: " +
        "run the notebook to move its controls.";
      s.parentElement.insertBefore(note, s.parentElement.firstChild);
    });
  }

  timings.widgets = Date.now() - t0;
  // Animations (matplotlib to_jshtml): a strip of evenly spread frames, their static version.
  const animations = [...document.querySelectorAll("div.animation")];
  report.animations = animations.length;
  for (const [i, anim] of animations.entries()) {
    const img = anim.querySelector("img");
    const id = img ? img.id.replace(/^_anim_img/, "") : "";
    await until(() => window["anim" + id] && window["anim" + id].frames, 10000);
    const player = window["anim" + id];
    if (!player || !player.frames || !player.frames.length) {
      report.problems.push(`animation ${i + 1}: no frames found`);
      continue;
    }
    const n = player.frames.length;
    const count = Math.min(book.frames, n);
    const picks = [...new Set([...Array(count).keys()].map((k) =>
      count === 1 ? 0 : Math.round(k * (n - 1) / (count - 1))))];
    const strip = document.createElement("div");
    strip.className = "book-animation-strip";
    for (const k of picks) {
      const fig = document.createElement("figure");
      const frame = document.createElement("img");
      frame.src = player.frames[k].src;
      frame.alt = `frame ${k + 1} of ${n}`;
      const cap = document.createElement("figcaption");
      cap.textContent = `frame ${k + 1} of ${n}`;
      fig.append(frame, cap);
      strip.appendChild(fig);
    }
    const note = document.createElement("p");
    note.className = "book-static-note";
    note.textContent = `An animation of ${n} frames; ${picks.length} of them, evenly spaced, are shown here.`;
    anim.replaceWith(note, strip);
  }

  timings.animations = Date.now() - t0;
  // Folded things open: solutions (sphinx-exercise dropdowns), hidden cells, <details>.
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach((e) => { e.classList.remove("toggle-hidden"); });
  document.querySelectorAll(".dropdown.toggle-hidden, .admonition.dropdown").forEach((e) => {
    e.classList.remove("toggle-hidden");
    report.solutions_opened += e.classList.contains("solution") ? 1 : 0;
  });
  document.querySelectorAll("button.toggle-button").forEach((b) => {
    if (b.classList.contains("toggle-button-hidden")) b.click();
  });

  // Images: all loaded (figures, animation frames, widget outputs).
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  await until(() => images.every((img) => img.complete), 60000);
  report.images = images.filter((img) => img.getBoundingClientRect().width > 0).length;
  images.forEach((img) => {
    if (img.getBoundingClientRect().width > 0 && (!img.complete || img.naturalWidth === 0))
      report.problems.push(`image did not load: ${(img.getAttribute("src") || img.id || "").slice(0, 100)}`);
  });

  timings.images = Date.now() - t0;
  // Figures and their captions, as the reader sees them ("Figure 2.3 ...").
  document.querySelectorAll("figure figcaption, div.figure p.caption, table caption").forEach((c) => {
    if (c.closest(".book-animation-strip")) return;
    const text = c.textContent.replace(/\s+/g, " ").trim();
    if (text) report.figures.push(text.slice(0, 120));
  });
  report.tables = document.querySelectorAll("article table").length;
  document.querySelectorAll("div.citation, dl.citation > dt, .bibliography dt, div.docutils.container[id^='id'] > div.citation").forEach((c) => {
    report.bibliography.push(c.textContent.replace(/\s+/g, " ").trim().slice(0, 80));
  });
  if (!report.bibliography.length)
    document.querySelectorAll("div[role='list'].citation-list > div.citation, .citation-list .citation").forEach((c) =>
      report.bibliography.push(c.textContent.replace(/\s+/g, " ").trim().slice(0, 80)));

  // The book's structure: parts, then chapters, each starting a page.
  const article = document.querySelector("article.bd-article") || document.body;
  const headingOf = (file) => {
    const anchor = document.getElementById("document-" + file);
    if (!anchor) return null;
    let node = anchor.nextElementSibling;
    while (node && !/^SECTION$/.test(node.tagName)) node = node.nextElementSibling;
    return node;
  };
  const first = article.querySelector("section");
  // Title page.
  const title = document.createElement("section");
  title.className = "book-title-page";
  title.innerHTML = `<h1 class="book-title"></h1><p class="book-author"></p><p class="book-built"></p>`;
  title.querySelector(".book-title").textContent = book.title;
  title.querySelector(".book-author").textContent = book.author;
  title.querySelector(".book-built").textContent = book.built;
  // Contents.
  const contents = document.createElement("section");
  contents.className = "book-contents";
  contents.innerHTML = "<h1>Contents</h1><ol></ol>";
  const list = contents.querySelector("ol");
  const entry = (text, target, cls) => {
    const li = document.createElement("li");
    if (cls) li.className = cls;
    const a = document.createElement("a");
    a.href = "#" + target;
    a.textContent = text;
    const dots = document.createElement("span");
    dots.className = "book-dots";
    const page = document.createElement("span");
    page.className = "book-page";
    page.dataset.target = target;
    page.textContent = book.pages[target] || "000";
    li.append(a, dots, page);
    list.appendChild(li);
    report.contents.push({text, target});
  };
  if (first) {
    const intro = first.querySelector("h1");
    const introTitle = intro ? intro.textContent.replace(/#$/, "").trim() : book.title;
    first.id = first.id || "book-intro";
    entry(introTitle, first.id, "");
    first.classList.add("book-break");
  }
  for (const [p, part] of book.parts.entries()) {
    let partHeading = null;
    for (const [c, file] of part.files.entries()) {
      const section = headingOf(file);
      if (!section) { report.problems.push(`${file}: not found in the single page`); continue; }
      const h = section.querySelector("h1, h2");
      const text = h ? h.textContent.replace(/#$/, "").replace(/\s+/g, " ").trim() : file;
      if (c === 0 && part.caption) {
        partHeading = document.createElement("h1");
        partHeading.className = "book-part-title book-break";
        partHeading.id = `book-part-${p + 1}`;
        partHeading.textContent = part.caption;
        section.parentElement.insertBefore(partHeading, section);
        entry(part.caption, partHeading.id, "book-part");
      } else {
        section.classList.add("book-break");
      }
      if (!section.id) section.id = `book-chapter-${p + 1}-${c + 1}`;
      entry(text, section.id, "book-chapter");
      report.chapters.push({file, title: text, target: section.id});
    }
  }
  if (first) first.parentElement.insertBefore(contents, first);
  if (first) first.parentElement.insertBefore(title, contents);
  // Headings' own permalinks and buttons would print as text.
  document.querySelectorAll("a.headerlink").forEach((a) => a.remove());
  await sleep(300);
  return report;
})
"""

#: Fills in the contents' page numbers after the first print.
PAGES_JS = r"""
((pages) => {
  let missing = [];
  document.querySelectorAll(".book-contents .book-page").forEach((span) => {
    const page = pages[span.dataset.target];
    if (page) span.textContent = page; else missing.push(span.dataset.target);
  });
  return missing;
})
"""

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;'
          'font-family:DejaVu Sans,sans-serif"><span class="pageNumber"></span></div>')
HEADER = ('<div style="font-size:7px;width:100%;padding:0 15mm;color:#777;'
          'font-family:DejaVu Sans,sans-serif;text-align:right"><span class="title"></span></div>')


def _print(page, path: Path) -> None:
    """Print ``page`` (Playwright's) to ``path``: tagged, with an outline, header and footer."""
    page.pdf(path=str(path), print_background=True, prefer_css_page_size=True,
             display_header_footer=True, header_template=HEADER, footer_template=FOOTER,
             tagged=True, outline=True)


def outline_pages(path: Path) -> dict[str, int]:
    """Bookmark title -> page number (from 1), from the PDF's outline."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages: dict[str, int] = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            title = re.sub(r"\s+", " ", str(item.title)).strip()
            try:
                number = reader.get_destination_page_number(item) + 1
            except Exception:  # noqa: BLE001 - a bookmark without a page is skipped
                continue
            pages.setdefault(title, number)

    walk(reader.outline)
    return pages


def anchor_pages(path: Path) -> dict[str, int]:
    """Element id -> page number (from 1): Chromium writes every linked-to id of the
    page as a named destination, so the contents' links tell where each entry starts."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = {}
    for name, destination in reader.named_destinations.items():
        try:
            pages[str(name).lstrip("/")] = reader.get_destination_page_number(destination) + 1
        except Exception:  # noqa: BLE001 - a destination without a page is skipped
            continue
    return pages


def widget_state(executed: Path) -> dict | None:
    """The ipywidgets state of every executed notebook under ``executed``, merged.

    The HTML builder puts each page's widget state into that page; the single-page
    builder puts none, so the views could not render. Model ids are unique, so the
    notebooks' states merge without clashes.
    """
    merged: dict | None = None
    for path in sorted(executed.rglob("*.ipynb")):
        widgets = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("widgets", {})
        state = widgets.get("application/vnd.jupyter.widget-state+json")
        if not state:
            continue
        if merged is None:
            merged = {k: v for k, v in state.items() if k != "state"} | {"state": {}}
        merged["state"].update(state.get("state", {}))
    return merged


def print_page(html_dir: Path = SINGLEHTML, executed: Path | None = None) -> Path:
    """``book-print.html`` beside the single page: the page plus its widgets' state and scripts."""
    root = re.search(r"^root:\s*(\S+)", (ROOT / "_toc.yml").read_text(), re.M).group(1)
    page = html_dir / f"{root}.html"
    if not page.is_file() or is_redirect(page):
        raise SystemExit(f"pdf: no single-page site in {html_dir} ({page.name}): build it first")
    html = page.read_text(encoding="utf-8")
    state = widget_state(executed or html_dir.parent / "jupyter_execute")
    if state and "widget-view+json" in html:
        config = _book_config().get("sphinx", {}).get("config", {})
        scripts = "".join(f'<script src="_static/{src}"></script>'
                          for src in config.get("nb_ipywidgets_js", {}))
        data = json.dumps(state).replace("</", "<\\/")
        html = html.replace("</head>", '<script type="application/vnd.jupyter.widget-state+json">'
                            f"{data}</script>{scripts}</head>", 1)
    out = html_dir / "book-print.html"
    out.write_text(html, encoding="utf-8")
    return out


@contextlib.contextmanager
def chromium_page(html_dir: Path, width: int, height: int):
    """Serve ``html_dir`` on 127.0.0.1 and open a page of headless Chromium (the one
    ``tests/browser.py`` starts for every browser check); yield ``(base_url, page, blocked)``.

    Requests to any host but loopback are refused as they are made and recorded in
    ``blocked``: the PDF must be printed from the book's own files.
    """
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium
    from tests.site.pages import serve

    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    with serve(html_dir) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(900_000)
            page.route("**/*", route)
            yield base, page, blocked
        finally:
            browser.close()


def print_book(html_dir: Path = SINGLEHTML, pdf: Path = PDF) -> dict:
    """Print the single-page site to ``pdf``; return the page report (also in MANIFEST)."""
    from playwright.sync_api import Error as PlaywrightError

    page_file = print_page(html_dir)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    config = _book_config()
    commit = _git_commit()
    built = f"Built {dt.date.today().isoformat()}" + (f" from commit {commit}" if commit else "")
    book = {"css": PRINT_CSS, "frames": ANIMATION_FRAMES, "parts": toc_structure(),
            "title": config.get("title", ""), "author": config.get("author", ""),
            "built": built, "pages": {}}
    started = time.monotonic()
    with chromium_page(html_dir, 1100, 1400) as (base, page, blocked):
        page.goto(urljoin(base, page_file.name), wait_until="load", timeout=300_000)
        try:
            report = page.evaluate(PRINT_JS, book)
        except PlaywrightError as error:
            raise RuntimeError(f"preparing the page failed: {error}") from None
        report["blocked"] = sorted(set(blocked))
        page.emulate_media(media="print")
        first = pdf.with_suffix(".first.pdf")
        _print(page, first)
        missing = page.evaluate(PAGES_JS, anchor_pages(first))
        if missing:
            report["problems"].append(f"contents: no page found for the anchors {missing}")
        _print(page, pdf)
        first.unlink()
    report["seconds_print"] = round(time.monotonic() - started, 1)
    report["pdf"] = pdf.name
    (pdf.parent / MANIFEST.name).write_text(json.dumps(report, indent=1))
    return report


def _book_config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text())


def build_singlehtml(root: Path = ROOT) -> None:
    """``jupyter-book build --builder singlehtml -W -n`` (the same cache as ``make book``)."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(root), "--builder", "singlehtml", "-W", "-n", "--keep-going"]
    print(" ".join(cmd), flush=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
               BOOK_BUILD_FOR_PDF="1")  # book_ext/generated.py: the downloads paragraph
    code = subprocess.call(cmd, cwd=root, env=env)
    if code:
        raise SystemExit(f"pdf: the single-page build failed ({code})")


# ----------------------------------------------------------------------------- checks

#: In prose (text not set in a monospace font, so code and literals that *show* the
#: syntax are not flagged): math MathJax never typeset, or a MyST role or directive
#: that was never parsed.
RAW_MATH = re.compile(r"\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\(?:frac|sum|mathrm|sigma|star|ast|times)\b")
RAW_MYST = re.compile(
    r"\{(?:glue(?::\w+)?|numref|ref|doc|cite(?::[pt])?|eq|math|download|term|exercise|solution"
    r"|solution-start|solution-end|admonition|figure|include|bibliography)\}"
    r"|^\s*:(?:label|class|name|caption):\s", re.M)


def _normal(text: str) -> str:
    for ligature, letters in (("ﬀ", "ff"), ("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬃ", "ffi"), ("ﬄ", "ffl")):
        text = text.replace(ligature, letters)
    text = text.replace("\u00ad", "").replace("’", "'")
    text = text.replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text)


def pdf_text(path: Path) -> tuple[list[str], list[str]]:
    """Per page: all the text, and the prose only (text not set in a monospace font)."""
    stat = Path(path).stat()
    return _pdf_text(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _pdf_text(path: str, mtime_ns: int, size: int) -> tuple[list[str], list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages, prose = [], []
    for page in reader.pages:
        parts: list[str] = []

        def visit(text, cm, tm, font_dict, font_size, parts=parts):
            name = str((font_dict or {}).get("/BaseFont", ""))
            if not re.search(r"Mono|Courier|Code", name, re.I):
                parts.append(text)

        pages.append(page.extract_text(visitor_text=visit) or "")
        prose.append("".join(parts))
    return pages, prose


def count_images(path: Path) -> int:
    """Image XObjects drawn on the pages, each counted once per page that draws it."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    total = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        total += _images_in(resources, set())
    return total


def _images_in(resources, seen: set) -> int:
    count = 0
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if not xobjects:
        return 0
    for ref in xobjects.get_object().values():
        obj = ref.get_object()
        key = id(obj)
        if key in seen:
            continue
        seen.add(key)
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            count += 1
        elif subtype == "/Form" and "/Resources" in obj:
            count += _images_in(obj["/Resources"].get_object(), seen)
    return count


def find_raw(pages: list[str], prose: list[str]) -> list[str]:
    """Raw math and unrendered MyST roles or directives in the prose, with their pages."""
    problems = []
    for number, words in enumerate(prose, start=1):
        for pattern, what in ((RAW_MATH, "raw math"), (RAW_MYST, "unrendered MyST")):
            for match in pattern.finditer(words):
                around = words[max(0, match.start() - 40):match.end() + 40].replace("\n", " ")
                problems.append(f"page {number}: {what} {match.group(0).strip()!r} in '...{around}...'")
    return problems


def check_pdf(pdf: Path = PDF, manifest: Path | None = None, titles: dict[str, str] | None = None,
              min_pages: int = MIN_PAGES) -> tuple[dict, list[str]]:
    """Facts about the PDF and the problems found in it."""
    from pypdf import PdfReader

    manifest = manifest or pdf.parent / "manifest.json"
    report = json.loads(manifest.read_text()) if manifest.is_file() else {}
    titles = chapter_titles() if titles is None else titles
    problems: list[str] = []
    reader = PdfReader(str(pdf))
    pages, prose = pdf_text(pdf)
    text = _normal("\n".join(pages))
    facts = {"pages": len(reader.pages), "bytes": pdf.stat().st_size, "images": count_images(pdf),
             "outline": len(outline_pages(pdf))}
    if facts["pages"] < min_pages:
        problems.append(f"only {facts['pages']} pages (a book of {len(titles)} chapters has at "
                        f"least {min_pages})")
    for file, title in titles.items():
        if _normal(title) not in text:
            problems.append(f"chapter title missing from the text: {title!r} ({file})")
    problems += find_raw(pages, prose)
    figures = [f for f in report.get("figures", []) if re.match(r"(Fig\.|Figure|Table) ", f)]
    if report and facts["images"] < report.get("images", 0) * 0.9:
        problems.append(f"{facts['images']} images embedded, but the page showed {report['images']}")
    if report and not figures:
        problems.append("the printed page had no numbered figure captions")
    for caption in figures:
        label = re.match(r"((?:Fig\.|Figure|Table) [\d.]+)", caption)
        if label and _normal(label.group(1)) not in text:
            problems.append(f"caption missing from the PDF: {caption[:60]!r}")
    squeezed = re.sub(r"\s+", "", text)
    for entry in report.get("bibliography", []):
        head = re.sub(r"^\[\w+\]\s*", "", _normal(entry))[:25]  # the "[3]" label prints apart
        if head and re.sub(r"\s+", "", head) not in squeezed:
            problems.append(f"bibliography entry missing from the PDF: {head!r}")
    if report and not report.get("bibliography"):
        problems.append("the printed page had no bibliography entries")
    problems += [f"page: {p}" for p in report.get("problems", [])]
    problems += [f"request to the internet blocked: {u}" for u in report.get("blocked", [])]
    facts.update({k: report.get(k) for k in ("math", "widgets", "animations", "tables",
                                             "solutions_opened", "seconds_print")})
    facts["figures"] = len(figures)
    facts["bibliography"] = len(report.get("bibliography", []))
    return facts, problems


# ----------------------------------------------------------------------------- command

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="print the existing _build/singlehtml")
    parser.add_argument("--check", action="store_true",
                        help="check the PDF (tests/pdf does the same: `make pdf` runs it)")
    parser.add_argument("--html", type=Path, default=SINGLEHTML)
    parser.add_argument("--output", type=Path, default=PDF)
    args = parser.parse_args(argv)
    started = time.monotonic()
    if not (args.check and args.output.is_file()):
        if not args.no_build:
            build_singlehtml()
        built = time.monotonic()
        print(f"pdf: single page built in {built - started:.0f} s; printing with Chromium", flush=True)
        report = print_book(args.html, args.output)
        from pypdf import PdfReader

        pages = len(PdfReader(str(args.output)).pages)
        print(f"pdf: {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
              f": {pages} pages, {args.output.stat().st_size / 2**20:.1f} MiB, printed in "
              f"{time.monotonic() - built:.0f} s, {time.monotonic() - started:.0f} s in all "
              f"(math {report['math']}, images {report['images']}, widgets {report['widgets']}, "
              f"animations {report['animations']})", flush=True)
        for problem in report["problems"]:
            print(f"  PROBLEM page: {problem}")
    if args.check:
        facts, problems = check_pdf(args.output)
        print("pdf: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
        for problem in problems:
            print(f"  PROBLEM {problem}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
