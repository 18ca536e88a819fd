"""The student edition (tools/student_edition.py): no solution text or code survives.

Checked on the demo chapter (new exercise layout, every kind of solution) and
on every real chapter, with a detector of solution content that does not rely
on the code that removes it. That the student notebooks run top to bottom,
and that their website and archive hold no solution, is checked by building
them: ``tests/editions/test_student_build.py`` (``make test-editions``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import student_edition as se  # noqa: E402
from edition_demo import SOLUTION_MARKS, demo_notebook  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def solution_traces(notebook: dict) -> list[str]:
    """Solution content a reader could see, found without the stripping code.

    Gated solution markers, ``{solution}`` blocks, admonitions or dropdowns titled
    Solution/Answer, folded (dropdown) blocks or folded code cells in the
    Exercises section (the older layout of solutions).
    """
    traces = []
    in_exercises = False
    for number, cell in enumerate(notebook["cells"]):
        text = _source(cell)
        if cell["cell_type"] == "markdown" and re.search(r"^## Exercises\s*$", text, re.M):
            in_exercises = True
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] == "code":
            if in_exercises and tags & {"hide-cell", "hide-input"}:
                traces.append(f"cell {number}: folded code in the Exercises section")
            continue
        for pattern, what in [
            (r"\{solution(-start|-end)?\}", "solution directive"),
            (r"^\s*(:{3,}|`{3,})\s*\{(admonition|dropdown)\}\s*(Solution|Answer)", "solution block"),
            (r"^\s*(:{3,}|`{3,})\s*\{\w+\}[^\n]*\n(:\w+:[^\n]*\n)*:class:[^\n]*dropdown",
             "folded block" if in_exercises else None),
        ]:
            if what and re.search(pattern, text, re.M | re.I):
                traces.append(f"cell {number}: {what}")
    return traces


def _answer_cells(notebook: dict) -> list[int]:
    return [i for i, c in enumerate(notebook["cells"])
            if c["cell_type"] == "code" and _source(c) == se.YOUR_CODE]


# -------------------------------------------------------------------------- the detector


def test_the_detector_finds_every_kind_of_solution():
    """The detector is not blind: it sees the solutions of the demo and of every chapter."""
    assert len(solution_traces(demo_notebook())) >= 5
    for path in CHAPTERS:
        assert solution_traces(json.loads(path.read_text())), f"{path.name}: no solution found"


# ------------------------------------------------------------------------------ the demo


@pytest.fixture(scope="module")
def demo_student():
    return se.strip_solutions(demo_notebook())


def test_demo_student_edition_has_no_solution(demo_student):
    student, removed = demo_student
    text = "\n".join(_source(c) for c in student["cells"])
    for mark in SOLUTION_MARKS:
        assert mark not in text, f"solution text survives: {mark!r}"
        assert any(mark in part["text"] for part in removed), f"{mark!r} was not reported removed"
    assert solution_traces(student) == []


def test_demo_student_edition_keeps_everything_else(demo_student):
    student, _ = demo_student
    kept = [_source(c) for c in student["cells"] if _source(c) != se.YOUR_CODE]
    instructor = [_source(c) for c in demo_notebook()["cells"]]
    assert all(cell in instructor for cell in kept[:-1] if ":::{exercise} Why" not in cell)
    for label in ("demo-ex-code", "demo-ex-paper", "demo-ex-predict"):
        assert f":label: {label}" in "\n".join(kept), f"exercise {label} is missing"
    assert "assert ratio == 2.5" in kept[-1], "the cells after the exercises stay"
    paper = next(c for c in kept if ":::{exercise} Why" in c)
    assert paper.rstrip().endswith(":::") and "{solution}" not in paper


def test_demo_code_exercises_get_an_answer_cell(demo_student):
    student, _ = demo_student
    cells = student["cells"]
    for label, wanted in [("demo-ex-code", True), ("demo-ex-predict", True),
                          ("demo-ex-paper", False)]:
        position = next(i for i, c in enumerate(cells) if f":label: {label}" in _source(c))
        follows = position + 1 < len(cells) and position + 1 in _answer_cells(student)
        assert follows == wanted, f"{label}: answer cell {'missing' if wanted else 'unexpected'}"


def test_broken_gates_are_reported():
    notebook = demo_notebook()
    notebook["cells"] = [c for c in notebook["cells"] if "solution-end" not in _source(c)]
    with pytest.raises(se.StudentEditionError, match="opens inside another|never closed"):
        se.strip_solutions(notebook)


# ------------------------------------------------------------------------- every chapter


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_student_edition_has_no_solution(path):
    instructor = json.loads(path.read_text(encoding="utf-8"))
    student, removed = se.strip_solutions(instructor)
    assert removed, f"{path.name}: no solution was removed"
    assert solution_traces(student) == [], f"{path.name}: solution content survives"
    assert se.solution_leaks(instructor, student) == []
    # Every code cell outside the solutions is kept, in order (the notebook must still run).
    solution_code = [p["text"] for p in removed if p["kind"] == "code"]
    outside = [_source(c) for c in instructor["cells"]
               if c["cell_type"] == "code" and _source(c) not in solution_code]
    assert [_source(c) for c in student["cells"]
            if c["cell_type"] == "code" and _source(c) != se.YOUR_CODE] == outside
    assert _answer_cells(student), f"{path.name}: no '# Your code here' cell"
    for heading in ("## Overview", "## Summary", "## Exercises"):
        assert any(heading in _source(c) for c in student["cells"]), f"{path.name}: {heading} lost"


def test_archive_path_is_exposed():
    assert se.ARCHIVE == ROOT / "_build" / "student" / se.ARCHIVE_NAME
    assert se.ARCHIVE_URL_PATH.endswith(se.ARCHIVE_NAME)
