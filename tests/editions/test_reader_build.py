"""The reader editions that ``make book`` wrote into the website (``_build/html/notebooks``).

Every chapter has one; it holds no MyST role, directive, label or option, its
code cells are the chapter's, unchanged, and every link into the website
leads to a page and an anchor of the build. Set ``SITE_HTML`` to check a site
built elsewhere.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from book_ext import reader_notebooks as rn

pytestmark = pytest.mark.editions

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
#: Plain text that would betray MyST, whatever a parser makes of it.
RAW = re.compile(r"\{(glue|numref|ref|cite|eq|doc|term|exercise|solution)[\w:-]*\}`|"
                 r"^\s*(:{3,}|`{3,})\s*\{|^\([\w-]+\)=\s*$|^:(class|label|name):", re.M)


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


@pytest.fixture(scope="module")
def html() -> Path:
    path = Path(os.environ.get("SITE_HTML", ROOT / "_build" / "html")).resolve()
    if not (path / rn.NOTEBOOKS_DIR).is_dir():
        pytest.fail(f"{path / rn.NOTEBOOKS_DIR} does not exist: run `make book` first")
    return path


def _config_site_url() -> str:
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    given = re.search(r"^\s*reader_notebooks_site_url:\s*\"?([^\"\s]*)\"?", config, re.M).group(1)
    if given:
        return given.rstrip("/") + "/"
    owner, name = re.search(r"url:\s*https://github\.com/([^/\s]+)/([^/\s]+)", config).groups()
    return f"https://{owner}.github.io/{name}/"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_reader_edition_is_plain_markdown_with_the_chapter_code(html, chapter):
    path = html / rn.NOTEBOOKS_DIR / chapter.name
    assert path.is_file(), f"{path} was not written by the build"
    reader = json.loads(path.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.from_dict(reader))
    source = json.loads(chapter.read_text(encoding="utf-8"))
    assert ([_source(c) for c in reader["cells"] if c["cell_type"] == "code"]
            == [_source(c) for c in source["cells"] if c["cell_type"] == "code"])
    problems = []
    for number, cell in enumerate(reader["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = _source(cell)
        problems += [f"cell {number}: {item}" for item in rn.find_myst(text)]
        outside_code = re.sub(r"```.*?```|`[^`\n]*`", "", text, flags=re.S)
        problems += [f"cell {number}: {m.group(0)!r}" for m in RAW.finditer(outside_code)]
    assert not problems, f"{chapter.name}: MyST left in the reader edition:\n  " + "\n  ".join(problems)
    glued = sum(_source(c).count("{glue") for c in source["cells"] if c["cell_type"] == "markdown")
    assert glued == 0 or "{glue" not in json.dumps(reader), "glued values were not filled in"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_reader_edition_links_lead_into_the_website(html, chapter):
    site = _config_site_url()
    reader = json.loads((html / rn.NOTEBOOKS_DIR / chapter.name).read_text(encoding="utf-8"))
    text = "\n".join(_source(c) for c in reader["cells"] if c["cell_type"] == "markdown")
    links = re.findall(r"\]\((" + re.escape(site) + r"[^)\s]*)\)", text)
    assert links, f"{chapter.name}: no link into the website {site}"
    missing = []
    for url in sorted(set(links)):
        page, _, anchor = url.removeprefix(site).partition("#")
        target = html / page
        if not target.is_file():
            missing.append(f"{url}: no page {page}")
        elif anchor and not re.search(rf'id="{re.escape(anchor)}"', target.read_text(encoding="utf-8")):
            missing.append(f"{url}: no anchor #{anchor} in {page}")
    assert not missing, f"{chapter.name}:\n  " + "\n  ".join(missing)


@pytest.fixture(scope="module")
def website_numbers(html) -> dict[str, str]:
    """What the website shows for each numbered reference: "page#anchor" -> "Fig. 2.3"."""
    shown: dict[str, str] = {}
    pattern = re.compile(r'<a class="reference internal" href="([^"]*)#([^"]+)"[^>]*>'
                         r'(?:<span class="std std-numref">)?((?:Fig\.|Table|Exercise|Section|'
                         r'Listing)[^<]*|\([\d.]+\))<')
    for page in (html / "chapters").glob("*.html"):
        for target, anchor, text in pattern.findall(page.read_text(encoding="utf-8")):
            name = (page.parent / target).resolve() if target else page.resolve()
            shown[f"{name.relative_to(html.resolve()).as_posix()}#{anchor}"] = text.strip()
    assert shown, "no numbered reference found in the website"
    return shown


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_reader_edition_numbers_match_the_website(html, website_numbers, chapter):
    site = _config_site_url()
    reader = json.loads((html / rn.NOTEBOOKS_DIR / chapter.name).read_text(encoding="utf-8"))
    text = "\n".join(_source(c) for c in reader["cells"] if c["cell_type"] == "markdown")
    checked, wrong = 0, []
    for shown, url in re.findall(r"\[([^\]]+)\]\((" + re.escape(site) + r"[^)\s]+)\)", text):
        key = url.removeprefix(site)
        if key in website_numbers and re.match(r"(Fig\.|Table|Exercise|Section|Listing) |\(", shown):
            checked += 1
            if shown != website_numbers[key]:
                wrong.append(f"{shown!r} where the website shows {website_numbers[key]!r} ({key})")
    assert not wrong, f"{chapter.name}:\n  " + "\n  ".join(wrong)
    if "{numref}" in chapter.read_text(encoding="utf-8"):
        assert checked, f"{chapter.name}: no numbered reference could be compared"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_offers_the_reader_edition(html, chapter):
    page = (html / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    assert f'href="../{rn.NOTEBOOKS_DIR}/{chapter.name}"' in page, "download button"
    assert re.search(rf'href="https://colab\.research\.google\.com/github/[^"]+/{rn.NOTEBOOKS_DIR}/'
                     rf'{re.escape(chapter.name)}"', page), "Colab button"
