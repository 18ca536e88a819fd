"""Store notebooks clean: no outputs, no execution counts, no kernel noise.

Usage::

    python tools/clean_notebooks.py chapters/*.ipynb          # clean in place
    python tools/clean_notebooks.py --check chapters/*.ipynb  # exit 1 if any is dirty

The book executes the notebooks itself (jupyter-cache), so outputs in git
would only be stale copies; ``tests/test_repo.py`` keeps it so.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

#: Notebook-level metadata keys worth keeping; the rest is editor state.
KEEP_METADATA = ("kernelspec", "language_info", "jupytext", "mystnb")


def dirty_cells(notebook: dict) -> list[int]:
    """Indices of code cells that carry outputs or an execution count."""
    return [
        index
        for index, cell in enumerate(notebook.get("cells", []))
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def clean(notebook: dict) -> dict:
    """Return ``notebook`` without outputs, execution counts or editor metadata."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.get("metadata", {}).pop(key, None)
    meta = notebook.get("metadata", {})
    notebook["metadata"] = {k: meta[k] for k in KEEP_METADATA if k in meta}
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if args.check:
            cells = dirty_cells(notebook)
            if cells:
                print(f"{path}: outputs or execution counts in cells {cells}")
                status = 1
            continue
        text = json.dumps(clean(notebook), indent=1, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
