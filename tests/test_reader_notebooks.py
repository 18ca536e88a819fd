"""The reader editions (book_ext/reader_notebooks.py): plain Markdown, values filled in.

A demo book with every MyST construct the chapters use (tests/edition_demo.py)
is built as ``make book`` builds the book; its reader edition must show the
glued values, numbered and linked references and citations, admonitions as
quotes, folded solutions as ``<details>``, the code cells unchanged, and no
MyST at all. The checks of the real book's reader editions, after
``make book``, are in ``tests/editions/test_reader_build.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from book_ext import reader_notebooks as rn
from tests.edition_demo import build_demo_book, demo_notebook, write_demo_book

ROOT = Path(__file__).resolve().parents[1]

SITE = "https://example.org/book/"
CHAPTER = SITE + "chapters/01_demo.html"


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


# ---------------------------------------------------------------------------- the detector


@pytest.mark.parametrize("text, found", [
    ("a {glue:text}`x:.2f` b", "role {glue:text}"),
    ("see {numref}`fig-a`", "role {numref}"),
    (":::{note}\nhi\n:::", "directive {note}"),
    ("```{glue:figure} t\n```", "directive {glue:figure}"),
    ("(my-label)=\n# Title", "label (my-label)="),
    ("::::\ntext\n::::", "colon fence"),
    ("% a MyST comment\ntext", "myst_line_comment"),
])
def test_find_myst_sees_roles_directives_labels(text, found):
    assert any(item.startswith(found) for item in rn.find_myst(text)), rn.find_myst(text)


@pytest.mark.parametrize("text", [
    "plain *markdown* with $x^2$ and [a link](https://example.org)",
    "inline code `` {glue:text}`x` `` is literal",
    "```python\n# {glue:text}`x` in a code block\n:::{note}\n```",
    "> **Note**\n>\n> quoted",
    "<details>\n<summary>Solution</summary>\n\nbody\n\n</details>",
])
def test_find_myst_ignores_plain_markdown_and_code(text):
    assert rn.find_myst(text) == []


# --------------------------------------------------------------------------- the converter


def _index(**kwargs) -> rn.BookIndex:
    return rn.BookIndex(site_url=SITE, **kwargs)


def test_roles_inside_inline_code_are_kept_verbatim():
    index = _index(glue={"ch": {"x": {"data": {"text/plain": "0.123456"}}}})
    converter = rn._Converter(index, "ch")
    text = "value {glue:text}`x:.2f`, code ``{glue:text}`x` `` and `a`"
    assert converter.markdown(text) == "value 0.12, code ``{glue:text}`x` `` and `a`"


def test_unknown_role_or_directive_fails_rather_than_leaking():
    converter = rn._Converter(_index(), "ch")
    with pytest.raises(rn.ReaderConversionError, match=r"role \{kbd\}"):
        converter.markdown("press {kbd}`Ctrl`")
    with pytest.raises(rn.ReaderConversionError, match=r"directive \{mermaid\}"):
        converter.markdown(":::{mermaid}\ngraph\n:::")
    with pytest.raises(rn.ReaderConversionError, match="no glued value 'missing'"):
        converter.markdown("{glue:text}`missing`")
    with pytest.raises(rn.ReaderConversionError, match="unknown label 'nowhere'"):
        converter.markdown("{numref}`nowhere`")


def test_a_gated_solution_must_be_closed():
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ":::{solution-start} ex\n:::"},
             {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
              "execution_count": None}]
    with pytest.raises(rn.ReaderConversionError, match="never closed"):
        rn.convert_notebook({"cells": cells, "metadata": {}}, "ch", _index())
    with pytest.raises(rn.ReaderConversionError, match="without solution-start"):
        rn.convert_notebook({"cells": cells[1:] + [{"cell_type": "markdown", "metadata": {},
                                                   "source": ":::{solution-end}\n:::"}],
                             "metadata": {}}, "ch", _index())


# ---------------------------------------------------------------------------- the demo book


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    """The demo book built with the book's settings; its html folder and reader edition."""
    folder = write_demo_book(tmp_path_factory.mktemp("demo-book"))
    run = build_demo_book(folder)
    assert run.returncode == 0, f"the demo book failed to build:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"
    html = folder / "_build" / "html"
    reader = json.loads((html / "notebooks" / "01_demo.ipynb").read_text(encoding="utf-8"))
    return html, reader


def _markdown(reader: dict) -> str:
    return "\n\n".join(_source(c) for c in reader["cells"] if c["cell_type"] == "markdown")


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_reader_edition_has_no_myst(demo):
    _, reader = demo
    for number, cell in enumerate(reader["cells"]):
        if cell["cell_type"] == "markdown":
            assert rn.find_myst(_source(cell)) == [], f"cell {number}: {_source(cell)[:300]}"


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_code_cells_are_unchanged(demo):
    _, reader = demo
    source = [_source(c) for c in demo_notebook()["cells"] if c["cell_type"] == "code"]
    assert [_source(c) for c in reader["cells"] if c["cell_type"] == "code"] == source
    assert all(not c["outputs"] and c["execution_count"] is None
               for c in reader["cells"] if c["cell_type"] == "code")


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_values_references_and_citations(demo):
    _, reader = demo
    text = _markdown(reader)
    assert f"The ratio is 2.50 and the count 7, shown in [Fig. 1.1]({CHAPTER}#fig-demo-line)" in text
    assert f"[A section]({CHAPTER}#demo-section) says more" in text
    cite = re.search(r"\[LeCun et al\. \(1998\)\]\(https://example\.org/book/bibliography\.html#(\w+)\)",
                     text)
    assert cite, "cite:t should read 'LeCun et al. (1998)', linked to the bibliography"
    assert re.search(r"\(\[LeCun et al\., 1998\]\([^)]+\); \[Goodfellow et al\., 2016\]\([^)]+\)\)", text)
    assert "Code such as `` {glue:text}`kept` `` stays as written." in text
    assert "In words: **seven** digits." in text
    assert f"[Figure 1.1]({CHAPTER}#fig-demo-line)" in text  # {numref}`Figure %s <...>`
    assert f"[(1.1)]({CHAPTER}#equation-eq-demo) an equation" in text  # as the website numbers it
    assert f"**[Fig. 1.1]({CHAPTER}#fig-demo-line).** A line of slope 2.5." in text  # the caption
    assert "<table" in text and "<style" not in text
    assert f"**[Fig. 1.2]({CHAPTER}#tbl-demo).** A glued table." in text


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_links_resolve_in_the_built_site(demo):
    html, reader = demo
    for url in re.findall(r"\]\((https://example\.org/book/[^)]+)\)", _markdown(reader)):
        page, _, anchor = url.removeprefix(SITE).partition("#")
        target = html / page
        assert target.is_file(), f"{url}: no page {page} in the build"
        if anchor:
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), f"{url}: no anchor"


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_math_is_plain_mathjax(demo):
    _, reader = demo
    text = _markdown(reader)
    assert "$$\n\\displaystyle a^2 + b^2 = c^2\n$$" in text  # {glue:math}
    assert "$$\nf \\ast g = g \\star f\n$$" in text  # the site's macros expanded, label dropped
    assert "$$\n\\begin{align}\nc &= d\n\\end{align}\n$$" in text  # amsmath inside $$


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_admonitions_and_solutions(demo):
    _, reader = demo
    text = _markdown(reader)
    assert "> **Note**\n>\n> A note with $x^2$" in text
    assert "<details>\n<summary>More detail</summary>\n\nFolded text.\n\n</details>" in text
    assert f"> **[Exercise 1.1]({CHAPTER}#demo-ex-code) (Double the ratio)**" in text
    assert "**Solution to Exercise 1.1**: the code below" in text
    assert ("<details>\n<summary>Solution to Exercise 1.1, continued</summary>\n\n"
            "The distinctive prose of the first solution.") in text
    assert ("<details>\n<summary>Solution to Exercise 1.2</summary>\n\n"
            "Because of the distinctive paper solution sentence.") in text
    assert f"Compare with [Exercise 1.1]({CHAPTER}#demo-ex-code)" in text
    solution_code = [c for c in reader["cells"] if "RATIO_SOLVED" in _source(c)]
    assert solution_code and solution_code[0]["metadata"]["jupyter"]["source_hidden"] is True
    hidden = [c for c in reader["cells"] if c["cell_type"] == "code"
              and "remove-cell" in c["metadata"].get("tags", [])]
    assert hidden and all(c["metadata"]["jupyter"]["source_hidden"] for c in hidden)


@pytest.mark.slow  # builds a demo book with jupyter-book
def test_demo_page_buttons_open_the_reader_edition(demo):
    html, _ = demo
    page = (html / "chapters" / "01_demo.html").read_text(encoding="utf-8")
    assert 'href="../notebooks/01_demo.ipynb"' in page, "the download button"
    assert ("https://colab.research.google.com/github/example/demo-book/blob/gh-pages/"
            "notebooks/01_demo.ipynb") in page, "the Colab button"
