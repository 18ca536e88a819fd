"""Write the hidden set-up cell (the first code cell) of every chapter from one template.

Every chapter starts with the same cell: it finds the book's code (the
``helpers`` package) in a clone or on Binder, fetches it on Colab or beside a
downloaded notebook, then quiets TensorFlow and seeds every generator. The
repository's address comes from one place, ``repository.url`` in
``_config.yml``; the cell names it once. When the code cannot be fetched (no
internet, no git) the cell stops with a message saying what to do, not a
traceback.

The cells of all chapters are identical except for one argument:
``helpers.setup(seed=0, keras=True)`` in chapters that use Keras (it imports
TensorFlow, about 650 MB, which a NumPy-only chapter should not pay for).
``tests/test_setup_cell.py`` checks that every chapter's cell is this
template.

Usage::

    python tools/setup_cell.py            # rewrite cell 0 of every chapter (keeps its keras flag)
    python tools/setup_cell.py --check    # exit 1 if a chapter's cell differs from the template
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))

TEMPLATE = '''\
# Set-up (hidden on the website): find the book's code (a clone, Binder) or fetch it
# (Colab, a downloaded notebook), quiet TensorFlow's start-up logs, seed every generator.
# Written by tools/setup_cell.py from _config.yml (repository.url): edit it there.
import subprocess
import sys
from pathlib import Path

BOOK_REPOSITORY = "@REPOSITORY@"
CLONE = Path.cwd() / BOOK_REPOSITORY.rsplit("/", 1)[-1]
ROOT = next((p for p in [Path.cwd(), *Path.cwd().parents, CLONE] if (p / "helpers").is_dir()), None)
if ROOT is None:  # Colab or a lone notebook: fetch the book's code once
    try:
        subprocess.run(["git", "clone", "--depth=1", "--quiet", BOOK_REPOSITORY, str(CLONE)],
                       check=True, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", None) or str(error)
        detail = detail.decode(errors="replace") if isinstance(detail, bytes) else detail
        reason = (detail.strip().splitlines() or ["no reason given"])[-1]

        class SetupError(Exception):
            def _render_traceback_(self):  # IPython prints this message, not a traceback
                return [str(self)]

        raise SetupError(
            "This notebook needs the book's code (its helpers package), and it could not be\\n"
            f"fetched from {BOOK_REPOSITORY}: {reason}\\n"
            "Connect to the internet and run this cell again, or open the notebook inside a\\n"
            f"copy of the repository: git clone {BOOK_REPOSITORY}"
        ) from None
    ROOT = CLONE
sys.path.insert(0, str(ROOT))
import helpers

rng = helpers.setup(seed=0@KERAS@)'''


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` from ``_config.yml``: the one place the address is written."""
    text = (root / "_config.yml").read_text(encoding="utf-8")
    block = re.search(r"^repository:\s*\n((?:[ \t]+.*\n?)+)", text, re.M)
    url = block and re.search(r"^\s+url:\s*(\S+)", block.group(1), re.M)
    if not url:
        raise ValueError(f"{root / '_config.yml'}: no repository.url found")
    value = url.group(1).strip("'\"").rstrip("/")
    if not re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", value):
        raise ValueError(f"repository.url must look like https://github.com/OWNER/NAME, got {value!r}")
    return value


def render(keras: bool, repository: str | None = None) -> str:
    """The set-up cell's source, for a chapter that uses Keras or not."""
    if not isinstance(keras, bool):
        raise TypeError(f"keras must be a bool, got {type(keras).__name__}")
    return (TEMPLATE.replace("@REPOSITORY@", repository or repository_url())
            .replace("@KERAS@", ", keras=True" if keras else ""))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def first_code_cell(notebook: dict) -> dict:
    """The chapter's first code cell (its hidden set-up cell)."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            return cell
    raise ValueError("the notebook has no code cell")


def uses_keras(source: str) -> bool:
    """Whether a set-up cell's ``helpers.setup(...)`` call passes ``keras=True``."""
    call = re.search(r"helpers\.setup\(([^)]*)\)", source)
    if call is None:
        raise ValueError("the set-up cell does not call helpers.setup(...)")
    return bool(re.search(r"\bkeras\s*=\s*True\b", call.group(1)))


def expected_source(notebook: dict, repository: str | None = None) -> str:
    """What the notebook's set-up cell should read (its keras flag kept)."""
    return render(uses_keras(_source(first_code_cell(notebook))), repository)


def update(path: Path, repository: str | None = None) -> bool:
    """Rewrite ``path``'s set-up cell from the template; return whether it changed."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell = first_code_cell(notebook)
    wanted = expected_source(notebook, repository)
    if _source(cell) == wanted:
        return False
    cell["source"] = wanted.splitlines(keepends=True)
    cell.setdefault("metadata", {}).setdefault("tags", [])
    if "remove-cell" not in cell["metadata"]["tags"]:
        cell["metadata"]["tags"].append("remove-cell")
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    parser.add_argument("notebooks", nargs="*", type=Path, default=CHAPTERS)
    args = parser.parse_args(argv)
    repository = repository_url()
    status = 0
    for path in args.notebooks:
        if args.check:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            if _source(first_code_cell(notebook)) != expected_source(notebook, repository):
                print(f"{path}: the set-up cell differs from tools/setup_cell.py's template")
                status = 1
        elif update(path, repository):
            print(f"{path}: set-up cell rewritten")
    return status


if __name__ == "__main__":
    sys.exit(main())
