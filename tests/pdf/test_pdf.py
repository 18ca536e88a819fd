"""The book as one PDF (``make pdf``, ``tools/pdf.py``).

Tests marked ``pdf`` run with ``--pdf`` (``make pdf`` passes it, after
installing Chromium and printing the book): they test the checks themselves on
small PDFs printed here, so that a check that could never fail is caught, then
read the book's PDF. The others run in ``make test`` too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import pdf

ROOT = Path(__file__).resolve().parents[2]

pdf_only = pytest.mark.pdf


# ------------------------------------------------------------------ the checks themselves

def _page_pdf(tmp_path: Path, html: str) -> Path:
    """A PDF printed by Chromium from one small page (no book machinery)."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text(html)
    out = tmp_path / "page.pdf"
    with pdf.chromium_page(folder, 800, 1000) as (base, page, _blocked):
        page.goto(base + "index.html", wait_until="load", timeout=60_000)
        pdf._print(page, out)
    return out


@pdf_only  # Chromium prints the pages: `make pdf` installs it
def test_raw_math_and_unrendered_myst_are_found_in_prose_not_in_code(tmp_path):
    page = _page_pdf(tmp_path, """<html><head><title>t</title></head><body>
        <h1>A chapter</h1>
        <p>Typeset fine: f * g. Raw: $\\sum_m f[i-m]$ and \\(x\\).</p>
        <p>Unrendered {numref}`fig-x` and {glue:text}`ch1_ratio:.2f`.</p>
        <pre style="font-family: 'DejaVu Sans Mono', monospace">label = r"$\\sigma$"  # code may hold dollars</pre>
        <p>:::{exercise} Left raw</p>
        </body></html>""")
    pages, prose = pdf.pdf_text(page)
    assert "$\\sigma$" in "".join(pages) and "$\\sigma$" not in "".join(prose)
    problems = pdf.find_raw(pages, prose)
    text = "\n".join(problems)
    assert "raw math '$'" in text and "raw math '\\\\('" in text, problems
    assert "'{numref}'" in text and "'{glue:text}'" in text and "'{exercise}'" in text, problems
    assert not any("sigma" in p and "raw math" in p for p in problems), problems


@pdf_only  # Chromium prints the pages: `make pdf` installs it
def test_a_clean_page_has_no_raw_problems_and_its_images_are_counted(tmp_path):
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlE"
             "QVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    page = _page_pdf(tmp_path, f"""<html><body><h1>Clean</h1><p>Convolution f * g, costs
        nothing.</p><img src="{pixel}" width="40" height="40"><p>Figure 1.1 A pixel.</p>
        </body></html>""")
    pages, prose = pdf.pdf_text(page)
    assert pdf.find_raw(pages, prose) == []
    assert pdf.count_images(page) == 1


@pdf_only  # Chromium prints the pages: `make pdf` installs it
def test_check_pdf_reports_missing_titles_captions_and_too_few_pages(tmp_path):
    page = _page_pdf(tmp_path, "<html><body><h1>Only this</h1><p>Figure 1.1 here.</p></body></html>")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({
        "images": 3, "figures": ["Figure 1.1 here.", "Figure 2.4 A missing one."],
        "bibliography": ["Sobel, I. (1968). Missing entry"], "problems": ["widget view 1 did not render"],
        "blocked": ["https://cdn.example/x.js"]}))
    facts, problems = pdf.check_pdf(page, manifest, titles={"chapters/01_x": "A missing chapter"},
                                    min_pages=2)
    text = "\n".join(problems)
    assert facts["pages"] == 1
    for expected in ("only 1 pages", "'A missing chapter'", "Figure 2.4", "0 images embedded",
                     "bibliography entry missing", "widget view 1", "cdn.example"):
        assert expected in text, (expected, problems)
    assert "Figure 1.1" not in text


def test_contents_use_the_chapter_titles_of_the_toc():
    titles = pdf.chapter_titles()
    files = [f for part in pdf.toc_structure() for f in part["files"] if f.startswith("chapters/")]
    assert files and set(titles) == {f for f in files if (ROOT / f"{f}.ipynb").is_file()}
    assert all(titles.values())


def test_widget_states_of_the_executed_notebooks_merge(tmp_path):
    for name, model in (("a", "m1"), ("b", "m2")):
        nb = {"cells": [], "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {
            "version_major": 2, "version_minor": 0, "state": {model: {"model_name": "X"}}}}},
              "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(nb))
    merged = pdf.widget_state(tmp_path)
    assert merged["version_major"] == 2 and set(merged["state"]) == {"m1", "m2"}
    assert pdf.widget_state(tmp_path / "nothing") is None


# ------------------------------------------------------------------ the built PDF

@pytest.fixture(scope="module")
def built():
    if not pdf.PDF.is_file():
        pytest.fail(f"{pdf.PDF} does not exist: `make pdf` builds it")
    facts, problems = pdf.check_pdf(pdf.PDF)
    manifest = json.loads((pdf.PDF.parent / "manifest.json").read_text())
    return facts, problems, manifest


@pdf_only
def test_pdf_passes_every_check(built):
    facts, problems, _ = built
    assert not problems, f"{facts}\n  " + "\n  ".join(problems)


@pdf_only
def test_pdf_has_a_page_count_fit_for_the_book(built):
    facts, _, _ = built
    assert pdf.MIN_PAGES <= facts["pages"] <= 1500, facts


@pdf_only
def test_pdf_holds_every_chapter_in_order_with_bookmarks(built):
    _, _, manifest = built
    titles = pdf.chapter_titles()
    printed = [c["file"] for c in manifest["chapters"]]
    files = [f for part in pdf.toc_structure() for f in part["files"]]
    assert printed == files, "the PDF's chapters are not the table of contents"
    anchors = pdf.anchor_pages(pdf.PDF)
    pages = [anchors[c["target"]] for c in manifest["chapters"] if c["file"] in titles]
    assert pages == sorted(pages) and len(set(pages)) == len(pages), pages
    for entry in manifest["contents"]:
        assert entry["target"] in anchors, f"contents entry {entry['text']!r} has no page"
    outline = pdf.outline_pages(pdf.PDF)
    assert len(outline) >= 3 * len(titles), "the PDF's bookmarks lack the chapters' sections"


@pdf_only
def test_pdf_math_figures_widgets_and_animations_came_through(built):
    facts, _, manifest = built
    assert manifest["math"] > 100 and not [p for p in manifest["problems"] if "math" in p.lower()]
    assert facts["figures"] >= 30 and facts["images"] >= facts["figures"], facts
    # Every animation became a strip of frames; widgets (none on today's pages) rendered.
    assert manifest["animations"] >= 1 and not [p for p in manifest["problems"]
                                                if "animation" in p or "widget" in p], manifest
    assert manifest["tables"] >= 5 and facts["bibliography"] >= 10, facts
    assert not manifest["blocked"], manifest["blocked"]


@pdf_only
def test_pdf_shows_solutions_and_the_contents_page_numbers(built):
    _, _, manifest = built
    pages, _ = pdf.pdf_text(pdf.PDF)
    contents = next(i for i, t in enumerate(pages) if re.search(r"^Contents", t, re.M))
    listing = pdf._normal(pages[contents])
    anchors = pdf.anchor_pages(pdf.PDF)
    for entry in manifest["contents"]:
        page = anchors[entry["target"]]
        assert re.search(re.escape(pdf._normal(entry["text"])) + rf"\s*{page}\b", listing), (
            f"contents: {entry['text']!r} should show page {page}:\n{listing}")
    assert " 000" not in listing, "a contents entry kept its placeholder page number"
    text = pdf._normal("\n".join(pages))
    assert text.count("Solution") >= 10, "solutions are missing from the PDF"
