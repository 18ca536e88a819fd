"""Exercises as sphinx-exercise items: the build-time reader and the convention.

CONTRIBUTING.md ("Exercises") fixes the format: every exercise is an
``{exercise}`` directive labelled ``chN-short-words`` whose body opens with
``*Core · N min*`` or ``*Optional · N min*`` (optionally a kind), followed by a
gated, folded solution (``{solution-start} label`` ... ``{solution-end}``).
``book_ext.generated.read_exercises`` reads that format for the instructors'
page; these tests check the reader on small fixture notebooks built here, the
rendered result in a mini-book, and every real chapter.

Chapters still in the older format (bold or ``###`` exercise paragraphs, no
sphinx-exercise directive at all) are skipped *by name*, with the reason shown
in pytest's summary (``-rs``); any chapter with a single sphinx-exercise
directive is checked in full, and must then have no old-format exercise left.
Once every chapter is converted nothing is skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from book_ext import generated, offline_assets

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = [ROOT / f"{c}.ipynb" for c in generated.toc_chapters(ROOT)
            if (ROOT / f"{c}.ipynb").is_file()]


# ------------------------------------------------------------------ fixtures

def _exercise(title: str, label: str, meta: str, body: str = "The task.") -> str:
    return f":::{{exercise}} {title}\n:label: {label}\n\n{meta}\n\n{body}\n:::\n"


def _start(label: str, dropdown: bool = True) -> str:
    return f":::{{solution-start}} {label}\n" + (":class: dropdown\n" if dropdown else "") + ":::\n"


END = ":::{solution-end}\n:::\n"


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """Write a notebook of ``(kind, source)`` cells, the chapter skeleton around them."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("(ch-fixture)=\n# A fixture chapter\n\n## Overview\n\n"
                                      "In this chapter you will:\n\n- read one exercise;\n"
                                      "- read its solution.\n"),
        nbformat.v4.new_markdown_cell("## Summary\n\n- done.\n"),
        nbformat.v4.new_markdown_cell("## Exercises\n"),
    ]
    for kind, source in cells:
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(source))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


#: A chapter 9 that follows the convention: a prose solution, a code solution
#: spanning three cells, and backtick fences for one exercise (MyST allows both).
GOOD = [
    ("markdown", _exercise("Flip by hand", "ch9-flip-by-hand", "*Core · 10 min · pencil and paper*")),
    ("markdown", _start("ch9-flip-by-hand")),
    ("markdown", "The flipped kernel is $g[2 - m, 2 - n]$.\n"),
    ("markdown", END),
    ("markdown", _exercise("Predict the shape", "ch9-predict-shape", "*Optional · 5 min*",
                           "Predict, then run:\n\n```python\nprint((28 - 3 + 1) ** 2)\n```")),
    ("markdown", _start("ch9-predict-shape")),
    ("code", "shape = (28 - 3 + 1, 28 - 3 + 1)\nshape"),
    ("markdown", "Each `valid` pass removes two pixels."),
    ("markdown", END),
    ("markdown", "```{exercise} A longer one\n:label: ch9-longer-one-2\n\n"
                 "*Core · 25 min · code*\n\nWrite `my_sum`.\n```\n"),
    ("markdown", "```{solution-start} ch9-longer-one-2\n:class: dropdown\n```\n"),
    ("code", "def my_sum(values):\n    return sum(values)\n\nmy_sum([1, 2, 3])"),
    ("markdown", "```{solution-end}\n```\n"),
]


def _problems(tmp_path: Path, cells, name: str = "09_fixture.ipynb") -> list[str]:
    return generated.read_exercises(_notebook(tmp_path / "chapters" / name, cells)).problems


# ------------------------------------------------------------------ the reader

def test_reader_reads_a_chapter_that_follows_the_convention(tmp_path):
    path = _notebook(tmp_path / "chapters" / "09_fixture.ipynb", GOOD)
    items = generated.read_exercises(path)
    assert items.problems == []
    assert items.converted and items.number == 9
    found = [(e.label, e.title, e.level, e.minutes, e.kind) for e in items.exercises]
    assert found == [
        ("ch9-flip-by-hand", "Flip by hand", "core", 10, "pencil and paper"),
        ("ch9-predict-shape", "Predict the shape", "optional", 5, None),
        ("ch9-longer-one-2", "A longer one", "core", 25, "code"),
    ]
    # Solution cells run from solution-start to solution-end, code cells included.
    cells = nbformat.read(path, as_version=4).cells
    first, second, third = items.exercises
    assert [cells[i].cell_type for i in second.solution_cells] == ["markdown", "code", "markdown", "markdown"]
    assert "solution-start" in cells[second.solution_cells[0]].source
    assert "solution-end" in cells[second.solution_cells[-1]].source
    assert "def my_sum" in cells[third.solution_cells[1]].source
    assert len(first.solution_cells) == 3 and first.cell == first.solution_cells[0] - 1


def test_outline_and_instructors_table_come_from_the_items(tmp_path):
    path = _notebook(tmp_path / "chapters" / "09_fixture.ipynb", GOOD)
    assert generated.chapter_outline(path)["exercises"] == [
        "Flip by hand", "Predict the shape", "A longer one"]
    table = generated.exercises_markdown(generated.read_exercises(path))
    assert "| {numref}`ch9-flip-by-hand` | Flip by hand | core | 10 min | pencil and paper |" in table
    assert "| {numref}`ch9-predict-shape` | Predict the shape | optional | 5 min |  |" in table
    assert "2 core (35 min) and 1 optional (5 min)" in table


def test_a_chapter_in_the_old_format_is_not_converted_and_has_no_problems(tmp_path):
    old = [("markdown", "**Exercise 1 (sharpen).** Do it.\n\n:::{admonition} Solution\n"
                        ":class: dropdown\nDone.\n:::\n")]
    items = generated.read_exercises(_notebook(tmp_path / "chapters" / "09_old.ipynb", old))
    assert not items.converted and items.exercises == [] and items.problems == []
    assert generated.chapter_outline(tmp_path / "chapters" / "09_old.ipynb")["exercises"] == [
        "Exercise 1 (sharpen)."]


def _replace(cells, index, source):
    cells = list(cells)
    cells[index] = (cells[index][0], source)
    return cells


@pytest.mark.parametrize("cells, expected", [
    (_replace(GOOD, 0, _exercise("Flip", "ch9-flip-by-hand", "*Core · ten min*")),
     r"first line of its body must be"),
    (_replace(GOOD, 0, _exercise("Flip", "ch9-flip-by-hand", "*core · 10 min*")),
     r"first line of its body must be"),
    (_replace(GOOD, 0, _exercise("Flip", "ch9-flip-by-hand", "*Core · 10 min · homework*")),
     r"first line of its body must be"),
    (_replace(GOOD, 0, _exercise("Flip", "ch9-flip-by-hand", "The task first.")),
     r"first line of its body must be"),
    (_replace(GOOD, 0, _exercise("Flip", "ch3-flip-by-hand", "*Core · 10 min*")),
     r"does not start with ch9-"),
    (_replace(GOOD, 0, _exercise("Flip", "flip_by_hand", "*Core · 10 min*")),
     r"not of the form chN-short-words"),
    (_replace(GOOD, 0, ":::{exercise} Flip\n\n*Core · 10 min*\n\nNo label.\n:::\n"),
     r"has no :label:"),
    (_replace(GOOD, 4, _exercise("Again", "ch9-flip-by-hand", "*Optional · 5 min*")),
     r"used twice"),
    (_replace(GOOD, 1, _start("ch9-flip-by-hand", dropdown=False)), r"lacks ':class: dropdown'"),
    (_replace(GOOD, 1, _start("ch9-no-such-exercise")), r"not the label of an exercise"),
    (_replace(GOOD, 1, "The answer comes first.\n\n" + _start("ch9-flip-by-hand")),
     r"solution-start marker must open its cell"),
    (_replace(GOOD, 3, END + "\nText after the end belongs to no solution.\n"),
     r"solution-end marker must close its cell"),
    (_replace(GOOD, 0, GOOD[0][1] + "\n" + _start("ch9-flip-by-hand")), r"share a cell"),
    (GOOD[:3] + GOOD[4:], r"never closed|starts inside the solution"),
    (GOOD[:1] + GOOD[4:], r"'ch9-flip-by-hand' has no solution"),
    (_replace(GOOD, 1, ":::{solution} ch9-flip-by-hand\n:class: dropdown\nDone.\n:::\n"),
     r"use the gated form"),
    (GOOD + [("markdown", "**Exercise 4 (old).** Left over.\n")], r"old format"),
    (GOOD + [("markdown", ":::{admonition} Solution\n:class: dropdown\nOld.\n:::\n")],
     r"old format"),
    ([GOOD[4], GOOD[0], GOOD[5], GOOD[6], GOOD[8], GOOD[1], GOOD[3]], r"does not follow its exercise"),
])
def test_reader_reports_each_breach_of_the_convention(tmp_path, cells, expected):
    problems = _problems(tmp_path, cells)
    assert any(re.search(expected, p) for p in problems), problems


def test_solution_prose_may_share_the_markers_cells(tmp_path):
    """A solution's first cell may go on after solution-start, its last end with solution-end."""
    cells = [
        GOOD[0],
        ("markdown", _start("ch9-flip-by-hand") + "\nThe flipped kernel, in the opening cell.\n"),
        ("markdown", "More prose, then the end.\n\n" + END),
        GOOD[4],
        ("markdown", _start("ch9-predict-shape") + "\nA one-cell solution.\n\n" + END),
    ]
    path = _notebook(tmp_path / "chapters" / "09_fixture.ipynb", cells)
    items = generated.read_exercises(path)
    assert items.problems == []
    first, second = items.exercises
    assert first.solution_cells == [first.cell + 1, first.cell + 2]
    assert second.solution_cells == [second.cell + 1]


def test_a_heading_before_the_exercises_in_the_same_cell_is_not_an_old_exercise(tmp_path):
    path = _notebook(tmp_path / "chapters" / "09_fixture.ipynb", GOOD)
    nb = nbformat.read(path, as_version=4)
    heading = next(c for c in nb.cells if c.source.startswith("## Exercises"))
    heading.source = "### What it adds up to\n\nProse.\n\n## Exercises\n"
    nbformat.write(nb, path)
    assert generated.read_exercises(path).problems == []


def test_an_exercise_outside_the_exercises_section_is_reported(tmp_path):
    path = _notebook(tmp_path / "chapters" / "09_fixture.ipynb", GOOD)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(
        _exercise("Early", "ch9-early", "*Core · 5 min*")))
    nb.cells.insert(2, nbformat.v4.new_markdown_cell(_start("ch9-early")))
    nb.cells.insert(3, nbformat.v4.new_markdown_cell(END))
    nbformat.write(nb, path)
    problems = generated.read_exercises(path).problems
    assert any("outside the '## Exercises' section" in p for p in problems), problems


def test_directives_in_code_blocks_are_not_read():
    text = "````markdown\n:::{exercise} Shown, not run\n:label: ch1-x\n:::\n````\n"
    assert generated.parse_directives(text) == []
    nested = "::::{note}\n:::{exercise} Inner\n:label: ch1-inner\n\n*Core · 5 min*\n:::\n::::\n"
    found = generated.parse_directives(nested)
    assert [(d.name, d.depth) for d in found] == [("note", 0), ("exercise", 1)]
    assert found[1].options == {"label": "ch1-inner"}


# ------------------------------------------------------------------ rendered

@pytest.mark.slow  # builds a mini book with jupyter-book
def test_the_format_renders_in_a_mini_book(tmp_path):
    """The fixture chapter and an instructors' page, built with the book's config, -W -n.

    Proves what no text check can: sphinx-exercise accepts the items, numbers
    them per chapter, folds the gated solutions (code cells included), and the
    instructors' table's ``{numref}`` links resolve.
    """
    book = tmp_path / "book"
    _notebook(book / "chapters" / "01_fixture.ipynb",
              [(kind, source.replace("ch9-", "ch1-")) for kind, source in GOOD])
    (book / "intro.md").write_text("# Mini book\n\nA book of one chapter.\n")
    (book / "instructors.md").write_text(
        "# Teachers\n\n## Chapters\n\n```{include} _build/site_assets/generated/learning_goals.md\n```\n")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Chapters\n    numbered: true\n"
        "    chapters:\n      - file: chapters/01_fixture\n  - caption: Teachers\n"
        "    chapters:\n      - file: instructors\n")
    for name in ("_config.yml", "references.bib", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "book_ext", book / "book_ext", ignore=shutil.ignore_patterns("__pycache__"))
    offline_assets.npm_ci(ROOT)  # the build stages MathJax from node_modules, as `make book` does
    (book / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
                         capture_output=True, text=True, cwd=book)
    assert run.returncode == 0, f"the mini-book failed:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"
    html = book / "_build" / "html"
    chapter = (html / "chapters" / "01_fixture.html").read_text()
    numbered = re.findall(r'<div class="exercise admonition" id="([\w-]+)">\s*<p class="admonition-title">'
                          r'<span class="caption-number">(Exercise [\d.]+) </span>', chapter)
    assert numbered == [("ch1-flip-by-hand", "Exercise 1.1"), ("ch1-predict-shape", "Exercise 1.2"),
                        ("ch1-longer-one-2", "Exercise 1.3")], numbered
    solutions = re.findall(r'<div class="solution dropdown admonition"', chapter)
    assert len(solutions) == 3, "each exercise needs its folded solution"
    # The gated solutions' code cells ran, and their outputs sit inside the solutions.
    last = chapter[chapter.rindex('<div class="solution dropdown admonition"'):]
    assert '<span class="nf">my_sum</span>' in last and "<pre><span></span>6\n</pre>" in last
    assert "<pre><span></span>(26, 26)\n</pre>" in chapter
    teachers = (html / "instructors.html").read_text()
    links = re.findall(r'<a class="reference internal" href="chapters/01_fixture.html#([\w-]+)"[^>]*>'
                       r'<span class="std std-numref">(Exercise [\d.]+)</span>', teachers)
    assert links == [("ch1-flip-by-hand", "Exercise 1.1"), ("ch1-predict-shape", "Exercise 1.2"),
                     ("ch1-longer-one-2", "Exercise 1.3")], links
    assert "2 core (35 min) and 1 optional (5 min)" in teachers


# ------------------------------------------------------------------ the real chapters

def test_there_are_chapters_to_check():
    assert CHAPTERS, "no chapter notebook found from _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_exercises_follow_the_convention(path):
    items = generated.read_exercises(path)
    if not items.converted:
        pytest.skip(f"{path.name}: not yet converted to sphinx-exercise items (no {{exercise}} "
                    "directive; its exercises are bold paragraphs). Checked once converted.")
    assert not items.problems, f"{path.name}:\n  " + "\n  ".join(items.problems)
    assert items.exercises, f"{path.name}: no exercise"
    assert any(e.core for e in items.exercises), f"{path.name}: no core exercise"


def test_exercise_labels_are_unique_across_the_book():
    seen: dict[str, str] = {}
    for path in CHAPTERS:
        for exercise in generated.read_exercises(path).exercises:
            assert exercise.label not in seen, (
                f"{exercise.label} in {path.name} and {seen[exercise.label]}")
            seen[exercise.label] = path.name
