"""The built website, as a reader meets it: offline, in a real browser.

Run with ``make test-site`` (``pytest tests/site --site``): it builds the
book, serves ``_build/html`` on 127.0.0.1, opens every page in headless
Chromium with every other host blocked, and saves a screenshot of each page
under ``_build/screenshots/``.
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
from site_paths import ROOT, expected_pages, site_check, toc_files

pytestmark = pytest.mark.site

PAGES = expected_pages()
CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
MATH = re.compile(r"(?<!\\)\$[^$\s][^$]*\$|\$\$|\\begin\{(align|equation|gather)")


def _source_text(name: str) -> str:
    """The prose of a page's source (markdown cells of a notebook, or the .md file)."""
    notebook, markdown = ROOT / f"{name}.ipynb", ROOT / f"{name}.md"
    if notebook.is_file():
        cells = json.loads(notebook.read_text())["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return markdown.read_text() if markdown.is_file() else ""


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


def test_links_anchors_images_and_scripts_resolve(html_dir):
    problems = site_check.check_links(html_dir)
    problems.pop("(external)")
    report = "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in problems.items())
    assert not problems, f"broken links or online resources:\n{report}"


def test_every_image_has_a_caption_or_alt_text(html_dir):
    problems = site_check.check_images_described(html_dir)
    report = "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in problems.items())
    assert not problems, f"images without caption or alt text:\n{report}"


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser_offline(browser_results, page):
    """Math typeset, figures loaded, widgets and animations rendered, clean console."""
    result = browser_results.get(page)
    assert result is not None, f"{page} was not opened"
    assert not result.problems, f"{page} ({result.url}):\n  " + "\n  ".join(result.problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_from_file_url(file_url_results, page):
    """The same, opened from file:// (the site copied to a laptop or a USB stick)."""
    result = file_url_results.get(page)
    assert result is not None, f"{page} was not opened"
    assert not result.problems, f"{page} ({result.url}):\n  " + "\n  ".join(result.problems)


@pytest.mark.parametrize("name", toc_files())
def test_math_in_the_source_is_typeset_on_the_page(browser_results, name):
    source = _source_text(name)
    if not MATH.search(source):
        pytest.skip(f"{name} has no math")
    result = browser_results[f"{name}.html"]
    assert result.math > 0, f"{name} has math in its source but none was found on the page"


def test_screenshots_saved(browser_results, screenshot_dir):
    missing = [p for p, r in browser_results.items() if r.screenshot is None and not r.redirect]
    assert not missing, f"no screenshot of {missing}"
    shots = sorted(screenshot_dir.glob("*.png"))
    assert shots, f"no screenshots in {screenshot_dir}"
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000, shot
    if CHAPTERS:
        first = CHAPTERS[0].replace("/", "__")
        assert (screenshot_dir / f"{first}.png").is_file(), f"no screenshot of {CHAPTERS[0]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_open_the_chapter(html_dir, chapter):
    """Binder opens JupyterLab on the chapter; Colab opens its reader edition on GitHub
    (published with the website: book_ext/reader_notebooks.py)."""
    config = (ROOT / "_config.yml").read_text()
    repo = re.search(r"^\s*url:\s*https://github\.com/(\S+?)/?$", config, re.M).group(1)
    branch = re.search(r"^\s*branch:\s*(\S+)", config, re.M).group(1)
    pages = re.search(r"^\s*reader_notebooks_branch:\s*(\S+)", config, re.M).group(1)
    folder = re.search(r"^\s*reader_notebooks_folder:\s*(\S+)", config, re.M).group(1)
    page = html_dir / f"{chapter}.html"
    assert page.is_file(), f"{chapter}.html was not built"
    text = page.read_text()
    links = set(re.findall(r'href="([^"]+)"', text.replace("&amp;", "&")))
    binder = [u for u in links if u.startswith("https://mybinder.org/v2/gh/")]
    colab = [u for u in links if u.startswith("https://colab.research.google.com/")]
    assert binder, f"{chapter}: no Binder launch button"
    parts = urlsplit(binder[0])
    assert parts.path == f"/v2/gh/{repo}/{branch}", binder[0]
    assert parse_qs(parts.query)["urlpath"][0] == f"lab/tree/{chapter}.ipynb", binder[0]
    name = chapter.rsplit("/", 1)[-1]
    assert colab == [f"https://colab.research.google.com/github/{repo}/blob/{pages}/{folder}/"
                     f"{name}.ipynb"], colab
    assert (html_dir / folder / f"{name}.ipynb").is_file(), f"{chapter}: no reader edition"
    assert (ROOT / f"{chapter}.ipynb").is_file()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, chromium_binary) -> tuple[Path, dict, dict]:
    """The demo book (``tests/site/demo``): a widget, an animation, a figure and math.

    Built with the book's own ``_config.yml`` and offline assets, so the widget
    and animation machinery is proven even while no chapter shows a widget.
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
    over_http = site_check.check_in_browser(html, screenshots=html.parent / "screenshots",
                                            binary=chromium_binary)
    from_file = site_check.check_in_browser(html, screenshots=None, file_url=True,
                                            binary=chromium_binary)
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
    assert not site_check.check_links(html).keys() - {"(external)"}
    assert not site_check.check_images_described(html)


def test_browser_check_catches_online_requests_broken_images_and_untypeset_math(
        tmp_path, chromium_binary):
    """The checker itself: it must fail a page that would not work offline."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.example.org/x.js"></script></head>'
        '<body><p><span class="math">\\(x^2\\)</span></p><img src="missing.png" alt="gone">'
        '<script>console.error("boom")</script></body></html>')
    [result] = site_check.check_in_browser(tmp_path, screenshots=None, binary=chromium_binary)
    found = "\n".join(result.problems)
    assert "request to the internet blocked: https://cdn.example.org/x.js" in found
    assert "image did not load: missing.png" in found
    assert "MathJax did not load" in found
    assert "console.error: boom" in found
