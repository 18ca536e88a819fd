"""The built website, as a reader meets it: offline, in a real browser.

Run with ``make test-site`` (``pytest tests/site --site``): it builds the
book, checks every internal link and anchor with linkinator, serves
``_build/html`` on 127.0.0.1, opens every page in headless Chromium with
every other host blocked, runs axe-core on it, and saves a screenshot of each
page under ``_build/screenshots/``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from book_ext.generated import toc_files
from tests.site import pages

pytestmark = pytest.mark.site

ROOT = pages.ROOT
PAGES = [f"{f}.html" for f in toc_files()] + ["genindex.html", "search.html"]
CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
MATH = re.compile(r"(?<!\\)\$[^$\s][^$]*\$|\$\$|\\begin\{(align|equation|gather)")
LINKINATOR = ROOT / "node_modules" / ".bin" / "linkinator"

#: axe-core violations of impact "serious" or "critical" that stay, each with the
#: reason (rule id -> why). Empty: every page passes. Minor and moderate ones are
#: listed in _build/axe-report.json.
EXPLAINED_VIOLATIONS: dict[str, str] = {}


def _source_text(name: str) -> str:
    """The prose of a page's source (markdown cells of a notebook, or the .md file)."""
    notebook, markdown = ROOT / f"{name}.ipynb", ROOT / f"{name}.md"
    if notebook.is_file():
        cells = json.loads(notebook.read_text())["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return markdown.read_text() if markdown.is_file() else ""


def linkinator(site: Path) -> dict:
    """linkinator's JSON report of ``site``: every internal link, anchor, image, script
    and stylesheet (and their ``url()``s), crawled from the site's index; offline
    (every URL outside its own local server is skipped)."""
    run = subprocess.run(
        [str(LINKINATOR), str(site), "--recurse", "--check-fragments", "--check-css",
         "--skip", r"^(?!http://localhost[:/])", "--format", "json"],
        capture_output=True, text=True, timeout=600)
    try:
        return json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"linkinator failed ({run.returncode}): {run.stderr[-2000:]}", pytrace=False)


def _broken(report: dict) -> list[str]:
    return sorted({f"{link['url']} (status {link.get('status')}, on {link.get('parent')})"
                   for link in report["links"] if link["state"] == "BROKEN"})


# ------------------------------------------------------------------------ the build


@pytest.mark.parametrize("page", PAGES)
def test_page_was_built(html_dir, page):
    assert (html_dir / page).is_file(), f"{page} is missing from {html_dir}"


def test_offline_assets_are_in_the_build(html_dir):
    offline = html_dir / "_static" / "offline"
    for rel in ("mathjax/tex-mml-svg.js", "widgets/require.js", "widgets/embed-amd.js",
                "NOTICE.txt"):
        assert (offline / rel).is_file(), f"_static/offline/{rel} is missing"
    math_pages = [p for p in PAGES
                  if (html_dir / p).is_file() and 'class="math' in (html_dir / p).read_text()]
    assert math_pages, "no page has math: the MathJax checks would prove nothing"
    for page in math_pages:
        text = (html_dir / page).read_text()
        assert re.search(r'<script[^>]+src="(\.\./)*_static/offline/mathjax/tex-mml-svg\.js', text), (
            f"{page} has math but does not load MathJax from _static/offline")


def test_links_and_anchors_resolve(html_dir):
    report = linkinator(html_dir)
    assert not _broken(report), "broken links or anchors:\n  " + "\n  ".join(_broken(report))
    crawled = {urlsplit(link["url"]).path.removeprefix(str(html_dir)).lstrip("/")
               for link in report["links"]}
    assert not set(PAGES) - crawled, f"pages no link leads to: {sorted(set(PAGES) - crawled)}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_open_the_chapter(html_dir, chapter):
    """Binder opens JupyterLab on the chapter; Colab opens its reader edition on GitHub
    (published with the website: book_ext/reader_notebooks.py)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repository, sphinx = config["repository"], config["sphinx"]["config"]
    repo = urlsplit(repository["url"]).path.strip("/")
    pages_branch = sphinx["reader_notebooks_branch"]
    folder = sphinx["reader_notebooks_folder"]
    page = html_dir / f"{chapter}.html"
    assert page.is_file(), f"{chapter}.html was not built"
    links = set(re.findall(r'href="([^"]+)"', page.read_text().replace("&amp;", "&")))
    binder = [u for u in links if u.startswith("https://mybinder.org/v2/gh/")]
    colab = [u for u in links if u.startswith("https://colab.research.google.com/")]
    assert binder, f"{chapter}: no Binder launch button"
    parts = urlsplit(binder[0])
    assert parts.path == f"/v2/gh/{repo}/{repository['branch']}", binder[0]
    assert parse_qs(parts.query)["urlpath"][0] == f"lab/tree/{chapter}.ipynb", binder[0]
    name = chapter.rsplit("/", 1)[-1]
    assert colab == [f"https://colab.research.google.com/github/{repo}/blob/{pages_branch}/"
                     f"{folder}/{name}.ipynb"], colab
    assert (html_dir / folder / f"{name}.ipynb").is_file(), f"{chapter}: no reader edition"
    assert (ROOT / f"{chapter}.ipynb").is_file()


# ---------------------------------------------------------------------- in the browser


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser_offline(browser_results, page):
    """Math typeset, figures loaded and described, widgets and animations rendered, no
    code line cut off, readable tables, no build-machine path, clean console."""
    result = browser_results.get(page)
    assert result is not None, f"{page} was not opened"
    assert not result.problems, f"{page} ({result.url}):\n  " + "\n  ".join(result.problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_from_file_url(file_url_results, page):
    """The same, opened from file:// (the site copied to a laptop or a USB stick)."""
    result = file_url_results.get(page)
    assert result is not None, f"{page} was not opened"
    assert not result.problems, f"{page} ({result.url}):\n  " + "\n  ".join(result.problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(browser_results, page):
    """axe-core: no serious or critical violation that is not explained above."""
    result = browser_results[page]
    if result.redirect:
        return
    found = [f"{v['impact']} {v['id']} ({v['count']}x): {v['help']}; e.g. {v['nodes'][:3]}"
             for v in result.violations
             if v["impact"] in ("serious", "critical") and v["id"] not in EXPLAINED_VIOLATIONS]
    assert not found, f"{page}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("name", toc_files())
def test_math_in_the_source_is_typeset_on_the_page(browser_results, name):
    if not MATH.search(_source_text(name)):
        pytest.skip(f"{name} has no math")
    assert browser_results[f"{name}.html"].math > 0, (
        f"{name} has math in its source but none was found on the page")


def test_screenshots_saved(browser_results, screenshot_dir):
    missing = [p for p, r in browser_results.items() if r.screenshot is None and not r.redirect]
    assert not missing, f"no screenshot of {missing}"
    for result in browser_results.values():
        if result.screenshot:
            shot = Path(result.screenshot)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000, shot


# ------------------------------------------------------------------ the demo book


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, browser) -> tuple[Path, dict, dict]:
    """The demo book (``tests/site/demo``): a widget, an animation, a figure, math, glue.

    Built with the book's own ``_config.yml`` and extension, so the widget and
    animation machinery is proven even while no chapter shows a widget.
    """
    book = tmp_path_factory.mktemp("demo-book")
    for path in (ROOT / "tests" / "site" / "demo").iterdir():
        shutil.copy(path, book / path.name)
    for name in ("_config.yml", "references.bib", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "book_ext", book / "book_ext",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (book / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
                         capture_output=True, text=True, cwd=book)
    assert run.returncode == 0, f"the demo book failed to build:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"
    html = book / "_build" / "html"
    with pages.serve(html) as base:
        over_http = pages.visit_pages(browser, html, base, axe=True,
                                      screenshots=html.parent / "screenshots")
    from_file = pages.visit_pages(browser, html, html.as_uri() + "/")
    return html, {r.page: r for r in over_http}, {r.page: r for r in from_file}


def test_demo_widget_animation_and_math_render_offline(demo_site):
    html, over_http, from_file = demo_site
    for where, results in (("http", over_http), ("file://", from_file)):
        demo = results["demo.html"]
        assert not demo.problems, f"demo.html over {where}:\n  " + "\n  ".join(demo.problems)
        assert (demo.widgets, demo.animations) == (1, 1), (where, demo)
        assert demo.math >= 1 and demo.images >= 2, (where, demo)
        assert not any(r.problems for r in results.values()), {
            p: r.problems for p, r in results.items() if r.problems}
    serious = [v["id"] for v in over_http["demo.html"].violations
               if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    assert not _broken(linkinator(html))


def test_helpers_glue_renders_as_myst_nb_glue(demo_site):
    """The same values glued by helpers.glue and by myst_nb.glue read the same on the page."""
    html = (demo_site[0] / "demo.html").read_text()
    shown = dict(re.findall(r'<span class="glue-probe" id="(\w+)">\s*(.*?)\s*</span>', html, re.S))
    shown = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in shown.items()}
    pairs = [(k, k.replace("ours_", "theirs_")) for k in shown if k.startswith("ours_")]
    assert len(pairs) >= 3, f"the demo's glue probes are missing: {shown}"
    for ours, theirs in pairs:
        assert shown[ours] == shown[theirs] != "", (ours, shown[ours], shown[theirs])


# ------------------------------------------------------------- the checkers themselves


def test_browser_check_catches_what_it_should(tmp_path, browser):
    """The page check must fail a page that would not work offline or read badly."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        '<script src="https://cdn.example.org/x.js"></script></head>'
        '<body><main><p><span class="math">\\(x^2\\)</span></p>'
        '<img src="missing.png" alt="gone"><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE'
        'AAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" alt="x.png">'
        '<div class="cell"><div class="cell_input"><pre style="width:200px;overflow:auto;'
        'white-space:pre">' + "long_name = 1; " * 20 + '</pre></div>'
        f'<div class="cell_output"><pre>saved to {pages.ROOT}/model.keras</pre>'
        '<table><thead><tr><th></th><th>a</th></tr></thead>'
        '<tbody><tr><th>x</th><td style="text-align:left;padding:0">0.5</td></tr></tbody></table>'
        '</div></div><script>console.error("boom")</script></main></body></html>')
    with pages.serve(tmp_path) as base:
        [result] = pages.visit_pages(browser, tmp_path, base, axe=True)
    found = "\n".join(result.problems)
    for expected in ("request to the internet blocked: https://cdn.example.org/x.js",
                     "image did not load: missing.png", "MathJax did not load",
                     "console.error: boom", "code line cut off", "has no caption and no alt text",
                     "build-machine path", "numbers not right-aligned", "columns closer"):
        assert expected in found, f"{expected!r} not reported:\n{found}"
    assert "image-alt" not in {v["id"] for v in result.violations}  # both images have alt
    (tmp_path / "index.html").write_text('<!DOCTYPE html><html lang="en"><head><title>t</title>'
                                         '</head><body><main><img src="a.png"></main></body></html>')
    with pages.serve(tmp_path) as base:
        [result] = pages.visit_pages(browser, tmp_path, base, axe=True)
    assert "image-alt" in {v["id"] for v in result.violations}, result.violations


def test_link_checker_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="_static/s.css"></head><body>'
        '<a href="sub/a.html#there">ok</a><a href="sub/a.html#missing">bad anchor</a>'
        '<a href="b.html">missing page</a><img src="_images/x.png" alt="x">'
        '<a href="https://example.org/">external: not fetched</a></body></html>')
    (tmp_path / "sub" / "a.html").write_text(
        '<!DOCTYPE html><html><body><h2 id="there">x</h2><a href="../index.html#nowhere">up</a>'
        "</body></html>")
    (tmp_path / "_static" / "s.css").write_text("a { background: url(missing.woff2) }")
    broken = "\n".join(_broken(linkinator(tmp_path)))
    for expected in ("a.html#missing", "index.html#nowhere", "b.html", "_images/x.png",
                     "missing.woff2"):
        assert expected in broken, f"{expected} not reported:\n{broken}"
    assert "#there" not in broken and "example.org" not in broken
