"""The build never publishes stale numbers (book_ext.freshness, book_ext.nbval_cache).

The last test is the proof end to end: a small book built with the book's own
extension, its chapters first executed by nbval (as ``make test`` does), then
a helper edited: the next build executes again the chapter that imports it,
and only that one.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

from book_ext import freshness

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _chapter_param(chapter: Path):
    """Slow where the chapter's helpers import Keras when imported (TensorFlow's start-up)."""
    heavy = any(re.search(r"^(import|from) (keras|tensorflow)\b", p.read_text(), re.M)
                for p in freshness.dependencies(chapter, ROOT) if p.suffix == ".py")
    return pytest.param(chapter, id=chapter.stem, marks=[pytest.mark.slow] if heavy else [])


def _notebook(path: Path, *cells: str, title: str | None = None) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c).strip()) for c in cells]
    if title:
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {title}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def package(tmp_path) -> Path:
    """helpers/ with a -> b (inside a function), c alone; and a requirements.txt."""
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    (helpers / "__init__.py").write_text("")
    (helpers / "a.py").write_text("def f():\n    from helpers.b import VALUE\n    return VALUE\n")
    (helpers / "b.py").write_text("VALUE = 1\n")
    (helpers / "c.py").write_text("VALUE = 3\n")
    (tmp_path / "requirements.txt").write_text("numpy==2.4.6\n")
    return tmp_path


@pytest.mark.parametrize("code, expected", [
    ("import helpers", {"__init__"}),
    ("import helpers.a", {"__init__", "a"}),
    ("from helpers import a, glue", {"__init__", "a"}),
    ("from helpers.b import VALUE", {"__init__", "b"}),
    ("import helpers\nhelpers.c.VALUE", {"__init__", "c"}),
    ("%matplotlib inline\n!ls\nfrom helpers import b", {"__init__", "b"}),
    ("from . import a\nfrom .b import VALUE", {"__init__", "a", "b"}),
    ("import numpy as np\nfrom other.helpers import a", set()),
    ("def broken(:", None),
])
def test_imported_helpers(code, expected):
    assert freshness.imported_helpers(code, {"a", "b", "c"}) == expected


def test_fingerprint_follows_imported_helpers_and_requirements(package):
    notebook = _notebook(package / "ch.ipynb", "from helpers import a\nprint(a.f())")
    names = {p.relative_to(package).as_posix() for p in freshness.dependencies(notebook, package)}
    assert names == {"helpers/__init__.py", "helpers/a.py", "helpers/b.py", "requirements.txt"}
    before = freshness.fingerprint(notebook, package)
    (package / "helpers" / "c.py").write_text("VALUE = 4\n")  # not imported
    assert freshness.fingerprint(notebook, package) == before
    (package / "helpers" / "b.py").write_text("VALUE = 2\n")  # imported through a
    after_helper = freshness.fingerprint(notebook, package)
    assert after_helper != before
    (package / "requirements.txt").write_text("numpy==2.4.7\n")
    assert freshness.fingerprint(notebook, package) != after_helper


def test_an_unparsable_cell_depends_on_every_helper(package):
    notebook = _notebook(package / "ch.ipynb", "x = (")
    names = {p.name for p in freshness.dependencies(notebook, package)}
    assert {"a.py", "b.py", "c.py"} <= names


@pytest.mark.parametrize("chapter", [_chapter_param(c) for c in CHAPTERS])
def test_static_dependencies_cover_what_the_imports_load(chapter):
    """Run the chapter's helpers imports for real: every module loaded is a dependency."""
    deps = {p.stem for p in freshness.dependencies(chapter, ROOT) if p.parent.name == "helpers"}
    imports = []
    for cell in nbformat.read(chapter, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(
                "\n".join("" if re.match(r"\s*[%!]", ln) else ln for ln in cell.source.splitlines()))
        except SyntaxError:
            continue
        for node in tree.body:
            text = ast.unparse(node)
            if re.match(r"(import helpers|from helpers)\b", text):
                imports.append(text)
    assert imports, f"{chapter.name} imports nothing from helpers"
    probe = "\n".join([*imports, "import sys, json",
                       "print(json.dumps(sorted(m.split('.')[1] if '.' in m else '__init__' "
                       "for m in sys.modules if m == 'helpers' or m.startswith('helpers.'))))"])
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), check=True)
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert loaded <= deps, f"{chapter.name} loads {sorted(loaded - deps)} that its fingerprint ignores"


def test_stale_and_unstamped_cache_records_are_dropped(package, tmp_path):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(tmp_path / "cache"))
    one = _notebook(package / "one.ipynb", "from helpers import a")
    two = _notebook(package / "two.ipynb", "from helpers import c")
    three = _notebook(package / "three.ipynb", "import helpers")
    for path in (one, two, three):
        cache.cache_notebook_bundle(CacheBundleIn(nbformat.read(path, as_version=4), str(path)),
                                    check_validity=False, overwrite=True)
    books = {p.stem: (p, freshness.fingerprint(p, package)) for p in (one, two, three)}
    assert freshness.stamp_new(cache, {k: books[k] for k in ("one", "two")}) == ["one", "two"]
    assert freshness.drop_stale(cache, books) == ["three"]  # never stamped: dropped
    (package / "helpers" / "b.py").write_text("VALUE = 2\n")
    books = {p.stem: (p, freshness.fingerprint(p, package)) for p in (one, two, three)}
    assert freshness.drop_stale(cache, books) == ["one", "three"]
    assert len(cache.list_cache_records()) == 1
    assert list(freshness.load_stamps(cache.path).values()) == [books["two"][1]]


# --------------------------------------------------------------------------- the proof


def _env(**extra: str) -> dict[str, str]:
    """This venv's kernel, whatever else is installed (as the Makefile sets it)."""
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
                JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"), **extra)


def _build(book: Path) -> dict[str, str]:
    """``jupyter-book build`` as ``make book`` runs it; which notebooks were executed."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
                         cwd=book, capture_output=True, text=True, env=_env())
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    found = {}
    for name in ("uses_a", "uses_c"):
        if re.search(rf"{name}\.ipynb: Executing notebook", run.stdout):
            found[name] = "executed"
        elif re.search(rf"{name}\.ipynb: Using cached notebook", run.stdout):
            found[name] = "cached"
        else:
            found[name] = "not read"
    return found


def _shown(book: Path, name: str) -> str:
    html = (book / "_build" / "html" / f"{name}.html").read_text()
    return re.search(r"helper value (\d+)", html).group(1)


@pytest.mark.slow
def test_editing_a_helper_re_executes_the_chapters_that_import_it(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["sphinx"]["extra_extensions"].remove("sphinx.ext.autodoc")
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n"
                                   "  - file: uses_a\n  - file: uses_c\n")
    (book / "intro.md").write_text("# A small book\n\nTwo chapters.\n")
    for name in ("references.bib", "package.json", "package-lock.json", "requirements.txt"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "book_ext", book / "book_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (book / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    helpers = book / "helpers"
    helpers.mkdir()
    (helpers / "__init__.py").write_text("")
    (helpers / "a.py").write_text("VALUE = 1\n")
    (helpers / "c.py").write_text("VALUE = 7\n")
    setup = "import os, sys\nsys.path.insert(0, os.getcwd())"  # this book's helpers, not ours
    for name, module in (("uses_a", "a"), ("uses_c", "c")):
        _notebook(book / f"{name}.ipynb", setup,
                  f"from helpers import {module}\nprint('helper value', {module}.VALUE)",
                  title=f"Chapter {name}")

    # make test: nbval executes both chapters and fills the book's cache.
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "book_ext.nbval_cache", "--nbval",
         "--nbval-current-env", "-p", "no:cacheprovider", "uses_a.ipynb", "uses_c.ipynb"],
        cwd=book, capture_output=True, text=True, env=_env(PYTHONPATH=str(book)))
    assert nbval.returncode == 0, nbval.stdout[-3000:] + nbval.stderr[-2000:]
    assert nbval.stdout.count("cached for the book build") == 2, nbval.stdout[-2000:]

    # make book: nothing executed twice.
    assert _build(book) == {"uses_a": "cached", "uses_c": "cached"}
    assert _shown(book, "uses_a") == "1"

    # A helper changes; only the chapter that imports it executes again.
    (helpers / "a.py").write_text("VALUE = 2\n")
    assert _build(book) == {"uses_a": "executed", "uses_c": "not read"}
    assert (_shown(book, "uses_a"), _shown(book, "uses_c")) == ("2", "7")

    # Its new outputs are stamped: the next build reads nothing again.
    assert _build(book) == {"uses_a": "not read", "uses_c": "not read"}

    # requirements.txt changes: every chapter executes again.
    with (book / "requirements.txt").open("a") as handle:
        handle.write("# a new pin\n")
    assert _build(book) == {"uses_a": "executed", "uses_c": "executed"}
