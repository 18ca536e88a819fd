"""The student edition (tools/student_edition.py): no solution text or code survives.

Checked on the demo chapter (new exercise layout, every kind of solution) and
on every real chapter, with a detector of solution content that does not rely
on the code that removes it. That the student notebooks run top to bottom,
and that their website and archive hold no solution, is checked by building
them: ``tests/editions/test_student_build.py`` (``make test-editions``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.edition_demo import SOLUTION_MARKS, demo_notebook, solution_traces, source
from tools import student_edition as se

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _answer_cells(notebook: dict) -> list[int]:
    return [i for i, c in enumerate(notebook["cells"])
            if c["cell_type"] == "code" and source(c) == se.YOUR_CODE]


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
    text = "\n".join(source(c) for c in student["cells"])
    for mark in SOLUTION_MARKS:
        assert mark not in text, f"solution text survives: {mark!r}"
        assert any(mark in part["text"] for part in removed), f"{mark!r} was not reported removed"
    assert solution_traces(student) == []


def test_demo_student_edition_keeps_everything_else(demo_student):
    student, _ = demo_student
    kept = [source(c) for c in student["cells"] if source(c) != se.YOUR_CODE]
    instructor = [source(c) for c in demo_notebook()["cells"]]
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
        position = next(i for i, c in enumerate(cells) if f":label: {label}" in source(c))
        follows = position + 1 < len(cells) and position + 1 in _answer_cells(student)
        assert follows == wanted, f"{label}: answer cell {'missing' if wanted else 'unexpected'}"


def test_broken_gates_are_reported():
    notebook = demo_notebook()
    notebook["cells"] = [c for c in notebook["cells"] if "solution-end" not in source(c)]
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
    outside = [source(c) for c in instructor["cells"]
               if c["cell_type"] == "code" and source(c) not in solution_code]
    assert [source(c) for c in student["cells"]
            if c["cell_type"] == "code" and source(c) != se.YOUR_CODE and not se.is_check_cell(c)] == outside
    assert _answer_cells(student), f"{path.name}: no '# Your code here' cell"
    for heading in ("## Overview", "## Summary", "## Exercises"):
        assert any(heading in source(c) for c in student["cells"]), f"{path.name}: {heading} lost"


def test_archive_path_is_exposed():
    assert se.ARCHIVE == ROOT / "_build" / "student" / se.ARCHIVE_NAME
    assert se.ARCHIVE_URL_PATH.endswith(se.ARCHIVE_NAME)


# ------------------------------------------------------------------------- self-checks


def _code_exercise_labels(notebook: dict) -> list[str]:
    return [label for cell in notebook["cells"] if cell["cell_type"] == "markdown"
            for label, kind in se.exercises_in(source(cell)) if kind == "code"]


def test_the_staged_student_book_ends_every_code_exercise_with_its_check(tmp_path):
    """What ``make student`` stages: after each code exercise, the answer cell, a sentence
    saying what to store, and the cell running ``check_exercise`` with the exercise's label."""
    from helpers import exercises

    written = se.stage(CHAPTERS, tmp_path / "book")
    assert len(written) == len(CHAPTERS)
    checked = 0
    for path in written:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        labels = _code_exercise_labels({"cells": cells})
        calls = [se._CHECK_CALL.search(source(c)).group("label") for c in cells if se.is_check_cell(c)]
        assert calls == [label for label in labels if label in exercises.CHECKS], path.name
        for label in calls:
            at = next(i for i, c in enumerate(cells)
                      if c["cell_type"] == "markdown" and f":label: {label}" in source(c))
            answer, note, check = cells[at + 1:at + 4]
            assert source(answer) == se.YOUR_CODE, f"{label}: no answer cell before the check"
            assert note["cell_type"] == "markdown" and "**Check your answer.**" in source(note)
            for name in exercises.CHECKS[label].names:
                assert f"`{name}`" in source(note), f"{label}: the instruction does not name {name}"
            assert source(check) == se.CHECK_CODE.format(label=label)
            assert check["id"] and note["id"], "nbformat 4.5 cells need ids"
        checked += len(calls)
    assert checked >= 10, f"only {checked} check cells in the student edition"


def test_a_check_cell_runs_before_the_reader_answers(capsys):
    """In a fresh notebook the check cell only says what to store (the notebook runs on)."""
    namespace: dict = {}
    exec(se.CHECK_CODE.format(label="ch2-laplacian"), namespace)
    out = capsys.readouterr().out
    assert "No answer yet" in out and "`laplacian_step`" in out


def test_the_instructors_chapters_have_no_check_cells():
    for path in CHAPTERS:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert not any(se.is_check_cell(c) for c in notebook["cells"]), path.name


def test_prose_may_share_the_closing_markers_cell():
    """CONTRIBUTING.md lets a solution's last cell end with its marker, and a one-cell
    solution open and close in one cell: both are dropped whole, and the gate closes."""
    def cell(kind, text):
        return {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True),
                **({"outputs": [], "execution_count": None} if kind == "code" else {})}

    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        cell("markdown", "## Exercises\n"),
        cell("markdown", ":::{exercise} Code\n:label: ch9-code\n\n*Core · 5 min · code*\n\nDo it.\n:::\n"),
        cell("markdown", ":::{solution-start} ch9-code\n:class: dropdown\n:::\n"),
        cell("code", "secret_answer = 42\n"),
        cell("markdown", "The answer's explanation.\n\n:::{solution-end}\n:::\n"),
        cell("markdown", ":::{exercise} Paper\n:label: ch9-paper\n\n*Core · 5 min*\n\nThink.\n:::\n"),
        cell("markdown", ":::{solution-start} ch9-paper\n:class: dropdown\n:::\nOne-cell reasoning.\n\n"
                         ":::{solution-end}\n:::\n"),
        cell("code", "after_the_exercises = True\n"),
    ]}
    student, removed = se.strip_solutions(notebook)
    text = "\n".join(source(c) for c in student["cells"])
    for mark in ("secret_answer", "explanation", "One-cell reasoning"):
        assert mark not in text and any(mark in part["text"] for part in removed), mark
    assert solution_traces(student) == []
    assert source(student["cells"][-1]) == "after_the_exercises = True\n"
    assert len(_answer_cells(student)) == 1
