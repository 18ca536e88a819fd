"""Standing rules of the repository: clean notebooks, chapter skeleton, pins, lint, docs."""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest

from book_ext.generated import toc_chapters

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
BIN = Path(sys.executable).parent


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def test_there_are_chapters():
    assert CHAPTERS, "no chapters/NN_name.ipynb found"


def _nbstripout_verify(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "nbstripout"), "--keep-id", "--verify", *map(str, paths)],
                          capture_output=True, text=True)


def test_notebooks_are_stored_without_outputs():
    run = _nbstripout_verify(*CHAPTERS, ROOT / "tests" / "site" / "demo" / "demo.ipynb")
    assert run.returncode == 0, f"run `make strip` before committing:\n{run.stdout}{run.stderr}"


def test_nbstripout_verify_finds_outputs(tmp_path):
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cell.execution_count = 1
    notebook.cells = [cell]
    nbformat.write(notebook, tmp_path / "dirty.ipynb")
    assert _nbstripout_verify(tmp_path / "dirty.ipynb").returncode == 1


def test_pre_commit_hooks_strip_notebooks_and_run_ruff(tmp_path):
    """The hooks of .pre-commit-config.yaml, run by pre-commit in a fresh repository."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit")
    for name in (".pre-commit-config.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1\nx")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"},
                                           execution_count=1)]
    cell.execution_count = 1
    notebook.cells = [cell]
    nbformat.write(notebook, tmp_path / "chapter.ipynb")
    (tmp_path / "unused.py").write_text("import os\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    run = subprocess.run([str(BIN / "pre-commit"), "run", "--all-files"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "F401" in run.stdout, run.stdout  # ruff found the unused import
    stripped = nbformat.read(tmp_path / "chapter.ipynb", as_version=4)
    assert stripped.cells[0].outputs == [] and stripped.cells[0].execution_count is None
    assert stripped.cells[0].id == cell.id  # --keep-id: no churn in the cell ids


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
    listed = [Path(f).name for f in toc_chapters(ROOT)]
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
        # data/ holds its README and chapter 7's committed experiment results, nothing else
        if re.search(r"idx[13]-ubyte|mnist\.npz|^_build/|^\.venv/|^data/(?!README\.md$|ch7_experiments\.json$)", f)
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


# ------------------------------------------------------------- docs that stay true

#: Paths the text may name that exist only once a tool has run (outputs, caches, the
#: experiment grid's results from ``make experiments``), and placeholders (``NN_name``).
MAY_NOT_EXIST = re.compile(r"data/mnist\.npz|data/ch7_experiments\.json|bench/gpu-\*\.json"
                           r"|bench/train_\w+\.json"
                           r"|chapters/outputs/|NN_")
_PATH = re.compile(r"(?<![\w./-])((?:\.ci|chapters|helpers|tests|tools|book_ext|binder|bench|data)"
                   r"/[\w.*/-]*[\w*/])")


def _prose(path: Path) -> str:
    """What a reader of ``path`` reads as text: comments and docstrings of Python, all of
    any other text file, and the markdown cells and comments of a notebook."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        return "\n".join("".join(c["source"]) if c["cell_type"] == "markdown" else
                         "\n".join(line for line in "".join(c["source"]).splitlines()
                                   if line.lstrip().startswith("#"))
                         for c in cells)
    if path.suffix != ".py":
        return text
    parts = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline)
             if t.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            parts.append(ast.get_docstring(node) or "")
    return "\n".join(parts)


def _exists(ref: str) -> bool:
    if "*" in ref:
        return any(ROOT.glob(ref))
    return any((ROOT / f"{ref}{suffix}").exists() for suffix in ("", ".ipynb", ".md"))


def test_docs_and_comments_name_files_that_exist():
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    missing = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in (".png", ".jpg", ".json", ".lock") or not path.is_file():
            continue
        for match in _PATH.finditer(_prose(path)):
            ref = match.group(1).rstrip(".")
            if not MAY_NOT_EXIST.search(ref) and not _exists(ref):
                missing.append(f"{name}: {ref}")
    assert not missing, "names of files that do not exist:\n  " + "\n  ".join(sorted(set(missing)))


def _taught_in(docstring: str, chapters: list[int]) -> list[int] | None:
    """The chapters a ``Taught in: chapter N`` line names (None: no such line)."""
    match = re.search(r"Taught in:\s*([^.(\n]*)", docstring)
    if match is None:
        return None
    text = match.group(1)
    if text.strip().startswith("no chapter"):
        return []
    if "every chapter" in text:
        return chapters
    if span := re.search(r"(\d+)\s*[-\u2013]\s*(\d+)", text):
        return list(range(int(span.group(1)), int(span.group(2)) + 1))
    return [int(n) for n in re.findall(r"\d+", text)]


def _helpers_definitions() -> list[tuple[str, str, str]]:
    found = []
    for py in sorted((ROOT / "helpers").glob("*.py")):
        if py.stem.startswith("_") and py.stem != "__init__":
            continue  # private modules (_validate, _core) serve the helpers, not the chapters
        for node in ast.parse(py.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                found.append((py.stem, node.name, ast.get_docstring(node) or ""))
    return found


def _chapter_texts() -> dict[int, str]:
    texts = {}
    for path in CHAPTERS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[int(path.name[:2])] = "\n".join("".join(c["source"]) for c in cells)
    return texts


@pytest.mark.parametrize("module, name, docstring", _helpers_definitions(),
                         ids=[f"{m}.{n}" for m, n, _ in _helpers_definitions()])
def test_taught_in_names_the_chapters_that_use_it(module, name, docstring):
    """Every public helper says where it is taught, and that chapter names it."""
    texts = _chapter_texts()
    chapters = _taught_in(docstring, sorted(texts))
    assert chapters is not None, f"helpers.{module}.{name}: no 'Taught in: chapter N' in its docstring"
    if not chapters:  # "Taught in: no chapter (used by ...)": machinery the chapters never call
        assert re.search(r"Taught in:\s*no chapter \(used by [^)]+\)", docstring), (
            f"helpers.{module}.{name}: 'Taught in: no chapter' must say what uses it, "
            "as in '(used by ...)'")
        return
    using = [n for n, text in texts.items() if re.search(rf"\b{re.escape(name)}\b", text)]
    absent = [n for n in chapters if n not in using]
    assert not absent, (f"helpers.{module}.{name} says 'Taught in: chapter "
                        f"{', '.join(map(str, chapters))}', but chapter(s) {absent} never name it "
                        f"(named in: {using or 'no chapter'})")


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([\w-]+):", text, re.M))


@pytest.mark.parametrize("doc", ["README.md", "CONTRIBUTING.md", "Makefile"])
def test_make_commands_in_the_docs_exist(doc):
    named = set(re.findall(r"\bmake ([a-z][\w-]*)", (ROOT / doc).read_text(encoding="utf-8")))
    assert named, f"{doc} names no make command"
    assert not named - _make_targets(), f"{doc} names make targets that do not exist: {named - _make_targets()}"


def test_readme_says_what_ci_runs():
    ci = set(re.findall(r"^\s*(?:make|run) ([\w-]+)\s*$", (ROOT / ".ci" / "run").read_text(), re.M))
    assert ci and ci <= _make_targets(), ci
    row = next(line for line in (ROOT / "README.md").read_text().splitlines()
               if line.startswith("| `.ci/run`"))
    assert set(re.findall(r"`make ([\w-]+)`", row)) == ci, (row, ci)
