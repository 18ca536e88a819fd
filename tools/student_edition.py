"""The student edition: every chapter without its solutions, as a website and a zip archive.

``make student`` runs this script. It

1. strips the solutions from every chapter (:func:`strip_solutions`): gated
   sphinx-exercise solutions (the cells from ``:::{solution-start} LABEL``
   to ``:::{solution-end}``), ``:::{solution} LABEL`` blocks, and the
   older layout (folded ``Solution`` admonitions and ``hide-cell`` code in
   the Exercises section); where a solution had code, or the exercise is
   marked ``code``, a code cell ``# Your code here`` takes its place;
2. stages a book of these notebooks in ``_build/student/book/`` and builds
   it with the book's own settings (``-W -n``, every notebook executed on a
   fresh kernel, a failing cell fails the build): the student website,
   ``_build/student/_build/html/``;
3. that build writes the plain-Markdown edition of each student notebook
   (the same conversion as the website's reader notebooks,
   :mod:`book_ext.reader_notebooks`) into ``_build/student/_build/html/notebooks/``;
4. zips those notebooks with the ``helpers`` package (so they run offline on a
   course platform), a README and the licences into
   ``_build/student/conv-to-cnn-book-student.zip`` (:data:`ARCHIVE`), and
   puts a copy beside the student website's pages.

The default website stays the instructors' edition, with folded solutions.

Usage::

    python tools/student_edition.py            # everything above
    python tools/student_edition.py --stage    # steps 1-2 without building (no execution)
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from book_ext import reader_notebooks  # noqa: E402
from book_ext.reader_notebooks import _DIRECTIVE_INFO, _FENCE_OPEN, gate  # noqa: E402

OUT = ROOT / "_build" / "student"
BOOK = OUT / "book"
SITE = OUT / "_build" / "html"
PLAIN = SITE / reader_notebooks.NOTEBOOKS_DIR
ARCHIVE_NAME = "conv-to-cnn-book-student.zip"
#: The student archive, for a course platform: the website links to it from here.
ARCHIVE = OUT / ARCHIVE_NAME
#: Where the archive is published, relative to the instructors' website root.
ARCHIVE_URL_PATH = f"student/{ARCHIVE_NAME}"
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
YOUR_CODE = "# Your code here\n"

_KIND = re.compile(r"^\*(Core|Optional)\s*·\s*\d+\s*min(?:\s*·\s*(?P<kind>[\w ]+?))?\*\s*$", re.M)


class StudentEditionError(RuntimeError):
    """The student edition could not be made: the message says why."""


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def exercises_start(cells: list[dict]) -> int:
    """Index of the markdown cell holding the ``## Exercises`` heading (len(cells) if none)."""
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and re.search(r"^## Exercises\s*$", _source(cell), re.M):
            return i
    return len(cells)


def _blocks(text: str):
    """Top-level fenced blocks of a markdown text: (first line, last line, name, arg, options)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        fence = _FENCE_OPEN.match(lines[i])
        if not fence:
            i += 1
            continue
        char, count = fence.group("fence")[0], len(fence.group("fence"))
        closer = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{count},}}\s*$")
        end = i + 1
        while end < len(lines) and not closer.match(lines[end]):
            end += 1
        directive = _DIRECTIVE_INFO.match(fence.group("info"))
        options = {}
        for line in lines[i + 1:end]:
            option = re.match(r"^:([\w\-]+):\s*(.*)$", line)
            if not option:
                break
            options[option.group(1)] = option.group(2).strip()
        if directive:
            yield i, min(end, len(lines) - 1), directive.group("name"), directive.group("arg"), options
        i = end + 1


def is_solution_block(name: str, argument: str, options: dict, in_exercises: bool) -> bool:
    """Whether a directive holds a solution (new layout anywhere; old layout in Exercises)."""
    if name in ("solution", "solution-start", "solution-end"):
        return True
    if name in reader_notebooks.ADMONITIONS or name == "dropdown":
        title = argument.strip().lower()
        if title.startswith(("solution", "answer")):
            return True
        # Old layout: every folded block of the Exercises section is a solution or its notes.
        return in_exercises and "dropdown" in options.get("class", "").split()
    return False


def _strip_markdown(text: str, in_exercises: bool) -> tuple[str, list[str]]:
    """``text`` without its solution blocks, and the blocks removed."""
    lines = text.split("\n")
    removed, keep = [], [True] * len(lines)
    for first, last, name, argument, options in _blocks(text):
        if is_solution_block(name, argument, options, in_exercises):
            removed.append("\n".join(lines[first:last + 1]))
            for k in range(first, last + 1):
                keep[k] = False
    kept = "\n".join(line for line, k in zip(lines, keep, strict=True) if k)
    return re.sub(r"\n{3,}", "\n\n", kept).strip("\n"), removed


def _your_code_cell() -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": [YOUR_CODE]}


def exercise_kind(text: str) -> str | None:
    """The kind written on an exercise's first line (``code``, ``prediction``...), if any."""
    match = _KIND.search(text)
    return match.group("kind").strip() if match and match.group("kind") else None


def exercises_in(text: str) -> list[tuple[str, str | None]]:
    """``(label, kind)`` of every ``{exercise}`` directive in a markdown text."""
    lines = text.split("\n")
    return [(options.get("label", ""), exercise_kind("\n".join(lines[first + 1:last])))
            for first, last, name, _, options in _blocks(text) if name == "exercise"]


def _is_answer_cell(cell: dict | None) -> bool:
    return bool(cell) and cell["cell_type"] == "code" and _source(cell) == YOUR_CODE


def strip_solutions(notebook: dict) -> tuple[dict, list[dict]]:
    """The student edition of a chapter, and the solution content it dropped.

    Returns ``(student, removed)``; ``removed`` holds dicts with ``kind``
    (``"code"`` or ``"markdown"``) and ``text``, for the checks. A code
    exercise (marked ``code`` on its first line, or whose solution has a code
    cell) gets a ``# Your code here`` cell right after it.
    """
    student = copy.deepcopy(notebook)
    cells = student["cells"]
    start = exercises_start(cells)
    kept: list[dict] = []
    removed: list[dict] = []
    code_exercises: set[str] = set()
    gate_label: str | None = None
    gate_has_code = False
    for i, cell in enumerate(cells):
        marker = gate(cell)
        if marker:
            removed.append({"kind": "markdown", "text": _source(cell)})
            if marker[0] == "solution-start":
                if gate_label is not None:
                    raise StudentEditionError("a solution opens inside another solution")
                gate_label, gate_has_code = marker[1], False
            else:
                if gate_label is None:
                    raise StudentEditionError("solution-end without solution-start")
                if gate_has_code:
                    code_exercises.add(gate_label)
                gate_label = None
            continue
        if gate_label is not None:
            removed.append({"kind": cell["cell_type"], "text": _source(cell)})
            gate_has_code |= cell["cell_type"] == "code"
            continue
        if cell["cell_type"] == "code" and i >= start and _tags(cell) & {"hide-cell", "hide-input"}:
            # Older layout: folded code in the Exercises section is a solution.
            removed.append({"kind": "code", "text": _source(cell)})
            if not _is_answer_cell(kept[-1] if kept else None):
                kept.append(_your_code_cell())
            continue
        if cell["cell_type"] == "markdown":
            text, blocks = _strip_markdown(_source(cell), i >= start)
            removed.extend({"kind": "markdown", "text": block} for block in blocks)
            code_exercises.update(label for label, kind in exercises_in(text) if kind == "code")
            if text.strip():
                new = copy.deepcopy(cell)
                _set_source(new, text)
                kept.append(new)
            continue
        kept.append(cell)
    if gate_label is not None:
        raise StudentEditionError(f"solution {gate_label!r} is never closed (no solution-end)")
    out: list[dict] = []
    for j, cell in enumerate(kept):
        out.append(cell)
        labels = {label for label, _ in exercises_in(_source(cell))} if cell["cell_type"] == "markdown" else set()
        if labels & code_exercises and not _is_answer_cell(kept[j + 1] if j + 1 < len(kept) else None):
            out.append(_your_code_cell())
    if student.get("nbformat_minor", 0) >= 5:  # cell ids are required from nbformat 4.5
        out = reader_notebooks.with_cell_ids(out, "answer")
    student["cells"] = out
    return student, removed


def solution_leaks(instructor: dict, student: dict) -> list[str]:
    """Lines found only in the instructor edition's solutions that reach the student edition.

    A line counts when it appears in a solution and nowhere else in the chapter
    (so common lines such as ``plt.show()`` do not), and is long enough to mean
    something. Empty when nothing leaks.
    """
    _, removed = strip_solutions(instructor)
    solution_lines = {_normal(line) for part in removed for line in part["text"].split("\n")}
    kept, _ = strip_solutions(instructor)
    outside = {_normal(line) for cell in kept["cells"] for line in _source(cell).split("\n")}
    distinctive = {line for line in solution_lines - outside if len(line) >= 12}
    found = []
    for cell in student["cells"]:
        for line in _source(cell).split("\n"):
            if _normal(line) in distinctive:
                found.append(line.strip())
    return found


def _normal(line: str) -> str:
    return " ".join(line.split()).strip(">").strip()


# ------------------------------------------------------------------------------ staging


def _config_yaml(site_url: str) -> str:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config.get('title', 'From Convolution to CNNs')} (student edition)"
    config["exclude_patterns"] = ["_build/**", "**.ipynb_checkpoints"]
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {"book_ext": str(ROOT)}
    sphinx["config"]["reader_notebooks_site_url"] = site_url
    sphinx["config"]["reader_notebooks_folder"] = "student/" + reader_notebooks.NOTEBOOKS_DIR
    # The Binder button would open the instructors' chapters: only Colab (the student edition).
    config.setdefault("launch_buttons", {})["binderhub_url"] = ""
    config.setdefault("html", {})["use_edit_page_button"] = False
    return "# Generated by tools/student_edition.py from the book's _config.yml.\n" + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True)


def _toc_yaml() -> str:
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    parts = re.findall(r"^  - caption: (.+)\n((?:    .*\n)+)", text, re.M)
    out = ["# Generated by tools/student_edition.py from the book's _toc.yml.",
           "format: jb-book", "root: intro", "parts:"]
    for caption, body in parts:
        files = re.findall(r"file:\s*(chapters/\S+)", body)
        if files:
            out += [f"  - caption: {caption.strip()}", "    numbered: true", "    chapters:"]
            out += [f"      - file: {f}" for f in files]
    out += ["  - caption: Back matter", "    chapters:", "      - file: bibliography"]
    return "\n".join(out) + "\n"


def _intro_md(chapter_titles: list[tuple[str, str]]) -> str:
    rows = "\n".join(f"- {{doc}}`{title} <{doc}>`" for doc, title in chapter_titles)
    return f"""(intro)=
# From Convolution to CNNs: student edition

This edition holds every chapter of the book with its exercises and without
their solutions. Where an exercise asks for code, a cell marked
`# Your code here` waits for yours.

{rows}

## Working on the exercises

- **Here**: each chapter has a Colab button at the top of its page.
- **On a course platform or a laptop**: download
  <a href="{ARCHIVE_NAME}">{ARCHIVE_NAME}</a>, the chapters as plain
  notebooks together with the book's `helpers` package, and open them in
  Jupyter. Run each notebook from the top: its first cell finds the helpers.

Teachers: the instructors' edition, with folded solutions, is the book's
main website.
"""


def _chapter_title(notebook: dict) -> str:
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            match = re.search(r"^# (.+)$", _source(cell), re.M)
            if match:
                return match.group(1).strip()
    raise StudentEditionError("a chapter has no '# Title'")


def site_url() -> str:
    """The instructors' website's address (as the reader notebooks use), plus ``student/``."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config.get("sphinx", {}).get("config", {}).get("reader_notebooks_site_url", "")
    if not url:
        repo = config.get("repository", {}).get("url", "")
        match = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", repo)
        if not match:
            raise StudentEditionError(f"cannot derive the website's address from {repo!r}")
        url = f"https://{match.group(1)}.github.io/{match.group(2)}/"
    return url.rstrip("/") + "/student/"


def stage(chapters: list[Path] = CHAPTERS, book: Path = BOOK) -> list[Path]:
    """Write the student book (notebooks without solutions, config, toc, intro) into ``book``."""
    if book.exists():
        for path in (book / "chapters").glob("*.ipynb"):
            path.unlink()
    (book / "chapters").mkdir(parents=True, exist_ok=True)
    written, titles = [], []
    for path in chapters:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        try:
            student, _ = strip_solutions(notebook)
        except StudentEditionError as error:
            raise StudentEditionError(f"{path.name}: {error}") from None
        leaks = solution_leaks(notebook, student)
        if leaks:
            raise StudentEditionError(f"{path.name}: solution text survives: {leaks[:3]}")
        target = book / "chapters" / path.name
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
        titles.append((f"chapters/{path.stem}", _chapter_title(notebook)))
    (book / "_config.yml").write_text(_config_yaml(site_url()), encoding="utf-8")
    (book / "_toc.yml").write_text(_toc_yaml(), encoding="utf-8")
    (book / "intro.md").write_text(_intro_md(titles), encoding="utf-8")
    for name in ("bibliography.md", "references.bib"):
        shutil.copyfile(ROOT / name, book / name)
    return written


def build(book: Path = BOOK, out: Path = OUT) -> Path:
    """Build the staged student book (executing every notebook); return the html folder."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(book), "--path-output", str(out),
           "-W", "-n", "--keep-going"]
    print(" ".join(cmd), flush=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"))
    if subprocess.call(cmd, cwd=ROOT, env=env) != 0:
        raise StudentEditionError(f"the student website failed to build: {' '.join(cmd)}")
    return out / "_build" / "html"


def archive(plain: Path = PLAIN, target: Path = ARCHIVE) -> Path:
    """Zip the plain student notebooks with helpers/, a README and the licences."""
    notebooks = sorted(plain.glob("[0-9][0-9]_*.ipynb"))
    if len(notebooks) != len(CHAPTERS):
        raise StudentEditionError(f"{plain} holds {len(notebooks)} chapter notebooks, "
                                  f"expected {len(CHAPTERS)}: build the student website first")
    top = ARCHIVE_NAME.removesuffix(".zip")
    readme = """# From Convolution to CNNs: student edition

The chapters of the book as notebooks, with the exercises and without their
solutions; a cell `# Your code here` follows each exercise that asks for code.

- `chapters/`: one notebook per chapter, in plain Markdown (Jupyter, JupyterLab,
  Colab, VS Code and course platforms render it as is).
- `helpers/`: the book's Python package, which the notebooks import.
- `requirements.txt`: what the notebooks need (`pip install -r requirements.txt`).

Open a chapter and run it from the top: its first cell finds `helpers/` one
folder up. Chapters 6 and 7 download MNIST (11 MB) on first use, or read it
from the folder named by the environment variable `MNIST_DIR`.

Code: MIT licence (LICENSE). Text and figures: CC BY 4.0 (LICENSE-TEXT.md).
"""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in notebooks:
            zf.write(path, f"{top}/chapters/{path.name}")
        for path in sorted((ROOT / "helpers").glob("*.py")):
            zf.write(path, f"{top}/helpers/{path.name}")
        zf.write(ROOT / "binder" / "requirements.txt", f"{top}/requirements.txt")
        for name in ("LICENSE", "LICENSE-TEXT.md"):
            zf.write(ROOT / name, f"{top}/{name}")
        zf.writestr(f"{top}/README.md", readme)
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", action="store_true", help="only write the student book")
    args = parser.parse_args(argv)
    try:
        written = stage()
        print(f"student book staged in {BOOK} ({len(written)} chapters)")
        if args.stage:
            return 0
        html = build()
        zipped = archive(html / reader_notebooks.NOTEBOOKS_DIR)
        shutil.copyfile(zipped, html / ARCHIVE_NAME)
    except StudentEditionError as error:
        print(f"student edition: {error}", file=sys.stderr)
        return 1
    print(f"Student website: {html / 'index.html'}")
    print(f"Student archive: {zipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
