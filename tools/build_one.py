"""Build a mini-book holding one or more chapters, with the real book's settings.

Authors use it to check a chapter alone (``-W -n --keep-going``, executed)
without building every chapter::

    python tools/build_one.py chapters/02_image_filtering.ipynb

The output goes to ``_build/one/<stem>/`` (its own jupyter-cache), so it never
disturbs the full book in ``_build/html``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="chapters/NN_name.ipynb files")
    args = parser.parse_args(argv)
    files = []
    for nb in args.notebooks:
        nb = nb.resolve()
        if not nb.is_file() or nb.suffix != ".ipynb":
            parser.error(f"not a notebook: {nb}")
        files.append(nb.relative_to(ROOT).with_suffix("").as_posix())
    stem = Path(files[0]).name if len(files) == 1 else "several"
    # The first chapter is the root: intro.md links to every chapter and would warn.
    toc = f"format: jb-book\nroot: {files[0]}\nchapters:\n"
    toc += "".join(f"  - file: {f}\n" for f in files[1:]) + "  - file: bibliography\n"
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(toc)
    out = ROOT / "_build" / "one" / stem
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--toc", handle.name,
        "--path-output", str(out), "-W", "-n", "--keep-going",
    ]
    print(" ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
