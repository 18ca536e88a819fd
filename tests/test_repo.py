"""Standing rules of the repository: clean notebooks, chapter skeleton, pins, lint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
from clean_notebooks import dirty_cells  # noqa: E402


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def test_there_are_chapters():
    assert CHAPTERS, "no chapters/NN_name.ipynb found"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert dirty_cells(notebook) == [], f"{path.name}: run `make strip` before committing"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_follows_the_skeleton(path):
    cells = _cells(path)
    code = [c for c in cells if c["cell_type"] == "code"]
    first = code[0]
    assert "remove-cell" in _tags(first) and "helpers.setup(" in _source(first), (
        f"{path.name}: the first code cell must be the hidden set-up cell calling helpers.setup"
    )
    markdown = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    assert re.search(r"^# ", markdown, re.M), f"{path.name}: no title"
    for heading in ("## Overview", "## Summary", "## Exercises"):
        assert heading in markdown, f"{path.name}: no '{heading}' section"
    checks = [c for c in code[1:] if "remove-cell" in _tags(c) and "assert" in _source(c)]
    assert checks, f"{path.name}: no hidden check cell asserting its results"
    solutions = [c for c in code if "hide-cell" in _tags(c)] or re.findall(
        r":class: dropdown", markdown
    )
    assert solutions, f"{path.name}: exercises need solutions in collapsed cells or dropdowns"
    assert "glue(" in "\n".join(_source(c) for c in code), f"{path.name}: nothing is glued"


def test_toc_lists_every_chapter_once():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"file:\s*chapters/(\S+)", toc)
    on_disk = [p.stem for p in CHAPTERS]
    assert sorted(set(listed)) == sorted(listed), "a chapter is listed twice in _toc.yml"
    assert sorted(listed) == sorted(on_disk), (
        f"_toc.yml lists {sorted(listed)} but chapters/ holds {sorted(on_disk)}"
    )


def test_requirements_are_pinned_exactly():
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    ]
    lines = [line.split(";")[0].strip() for line in lines if line]  # drop environment markers
    unpinned = [line for line in lines if not re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=<>~ ]+$", line)]
    assert not unpinned, f"requirements.txt lines without an exact pin: {unpinned}"
    book = [line for line in lines if line.lower().startswith("jupyter-book==")]
    assert book and book[0].split("==")[1].startswith("1."), "jupyter-book must be pinned below 2"


def test_no_data_or_build_outputs_tracked():
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    forbidden = [
        f for f in tracked
        if re.search(r"idx[13]-ubyte|mnist\.npz|^_build/|^\.venv/|^data/(?!README\.md$)", f)
    ]
    assert not forbidden, f"data or build outputs are tracked: {forbidden}"
    big = [f for f in tracked if (ROOT / f).is_file() and (ROOT / f).stat().st_size > 2_000_000]
    assert not big, f"files over 2 MB are tracked: {big}"


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make book" in readme and "make test" in readme


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        ruff = shutil.which("ruff")
    assert ruff, "ruff is not installed (it is pinned in requirements.txt)"
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
