"""The student edition, built here as ``make student`` builds it.

The build executes every student notebook on a fresh kernel and fails on any
failing cell, so a chapter that needs one of its solutions to run fails here.
Then: no solution text or code in the executed notebooks, the website, the
plain notebooks or the archive; the archive runs a chapter offline, finding
the ``helpers`` package it ships.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from book_ext import reader_notebooks as rn
from tests.edition_demo import solution_traces
from tools import student_edition as se

pytestmark = pytest.mark.editions

ROOT = Path(__file__).resolve().parents[2]

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _distinctive_solution_lines(chapter: Path) -> set[str]:
    """Lines of the chapter's solutions that occur nowhere else in it."""
    instructor = json.loads(chapter.read_text(encoding="utf-8"))
    kept, removed = se.strip_solutions(instructor)
    outside = {se._normal(line) for c in kept["cells"] for line in _source(c).split("\n")}
    lines = {se._normal(line) for part in removed for line in part["text"].split("\n")}
    return {line for line in lines - outside
            if len(line) >= 16 and not re.fullmatch(r"[:`]+(\{[\w-]+\}.*)?|:\w+:.*", line)}


def _leaks(notebook: dict, chapter: Path) -> list[str]:
    wanted = _distinctive_solution_lines(chapter)
    return [line for cell in notebook["cells"] for line in _source(cell).split("\n")
            if se._normal(line) in wanted]


@pytest.fixture(scope="module")
def student() -> Path:
    """Run ``tools/student_edition.py`` (stage, build, archive); its html folder."""
    log = se.OUT / "student-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        code = subprocess.call([sys.executable, str(ROOT / "tools" / "student_edition.py")],
                               cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
        pytest.fail(f"make student failed ({code}); log {log}:\n{tail}", pytrace=False)
    return se.SITE


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_ran_top_to_bottom(student, chapter):
    """The build's jupyter-cache holds a run of exactly this notebook's code, without error."""
    import nbformat
    from jupyter_cache import get_cache

    staged = nbformat.read(se.BOOK / "chapters" / chapter.name, as_version=4)
    cache = get_cache(str(se.OUT / "_build" / ".jupyter_cache"))
    try:
        record = cache.match_cache_notebook(staged)
    except KeyError:
        pytest.fail(f"{chapter.name}: the student build has no execution of this notebook")
    executed = cache.get_cache_bundle(record.pk).nb
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [c.source for c in staged.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "a code cell was not executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{chapter.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert any(c.source == se.YOUR_CODE for c in code), f"{chapter.name}: no '# Your code here' cell"
    assert not solution_traces(executed) and not _leaks(executed, chapter)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_student_website_shows_no_solution(student, chapter):
    page = (student / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    assert 'class="exercise' in page or "Exercise" in page, "the exercises are gone too"
    for marker in ('class="solution', "solution-start", "Solution to Exercise", "Show solution",
                   ">Solution<"):
        assert marker not in page, f"{chapter.stem}.html shows {marker!r}"
    instructors = ROOT / "_build" / "html" / "chapters" / f"{chapter.stem}.html"
    if instructors.is_file():  # the default website keeps its (folded) solutions
        text = instructors.read_text(encoding="utf-8")
        assert "Solution" in text or 'class="solution' in text, f"{instructors} lost its solutions"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_plain_student_notebook_has_no_myst_and_no_solution(student, chapter):
    plain = json.loads((se.PLAIN / chapter.name).read_text(encoding="utf-8"))
    staged = json.loads((se.BOOK / "chapters" / chapter.name).read_text(encoding="utf-8"))
    assert ([_source(c) for c in plain["cells"] if c["cell_type"] == "code"]
            == [_source(c) for c in staged["cells"] if c["cell_type"] == "code"])
    for number, cell in enumerate(plain["cells"]):
        if cell["cell_type"] == "markdown":
            assert rn.find_myst(_source(cell)) == [], f"cell {number}: {_source(cell)[:200]}"
    text = json.dumps(plain)
    assert "<summary>Solution" not in text and not _leaks(plain, chapter)
    assert se.site_url() in text, "links should lead to the student website"


def test_archive_holds_the_chapters_and_helpers(student, tmp_path):
    assert se.ARCHIVE.is_file() and (student / se.ARCHIVE_NAME).is_file()
    top = se.ARCHIVE_NAME.removesuffix(".zip")
    with zipfile.ZipFile(se.ARCHIVE) as archive:
        names = set(archive.namelist())
        for chapter in CHAPTERS:
            inside = archive.read(f"{top}/chapters/{chapter.name}")
            assert inside == (se.PLAIN / chapter.name).read_bytes()
        for module in (ROOT / "helpers").glob("*.py"):
            assert f"{top}/helpers/{module.name}" in names
        for name in ("README.md", "requirements.txt", "LICENSE", "LICENSE-TEXT.md"):
            assert f"{top}/{name}" in names
        archive.extractall(tmp_path)
    # A course platform: the archive alone (outside any clone), no network needed.
    import nbclient
    import nbformat

    folder = tmp_path / top / "chapters"
    notebook = nbformat.read(folder / "02_image_filtering.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    first = next(c for c in notebook.cells if c.cell_type == "code")
    assert not [o for o in first.outputs if o.output_type == "error"]
    assert not (folder / "conv-to-cnn-book").exists(), "it cloned instead of using the archive"
