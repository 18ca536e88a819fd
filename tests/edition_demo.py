"""A small book with every MyST construct the chapters use, for the edition tests.

``write_demo_book(folder)`` writes a one-chapter Jupyter Book (the book's own
Sphinx extension, sphinx-exercise, a bibliography) whose notebook has glued
numbers, text, math and a table, a captioned figure, labels, references,
citations, admonitions, a dropdown, code exercises with gated solutions and a
pencil-and-paper exercise with a ``{solution}`` block. The values it glues
are known here, so the tests can check what the editions show.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Lines that occur only in the demo's solutions: none may reach a student edition.
SOLUTION_MARKS = [
    "answer = RATIO_SOLVED * 2",
    "The distinctive prose of the first solution.",
    "Because of the distinctive paper solution sentence.",
    "A prediction solution, distinctive too.",
    "print(\"second solution cell\")",
]


def _md(text: str, **metadata) -> dict:
    return {"cell_type": "markdown", "metadata": metadata, "source": text}


def _code(text: str, **metadata) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": metadata,
            "outputs": [], "source": text}


def demo_cells() -> list[dict]:
    setup = (f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport helpers\n\n"
             "rng = helpers.setup(seed=0)")
    return [
        _code(setup, tags=["remove-cell"]),
        _md("(ch-demo)=\n# A demo chapter\n\n## Overview\n\n"
            "The ratio is {glue:text}`demo_ratio:.2f` and the count {glue:text}`demo_count`, "
            "shown in {numref}`fig-demo-line`; {ref}`demo-section` says more, as "
            "{cite:t}`lecun1998gradient` did {cite:p}`lecun1998gradient,goodfellow2016deep`. "
            "Code such as `` {glue:text}`kept` `` stays as written."),
        _code("import matplotlib.pyplot as plt\nimport pandas as pd\nfrom IPython.display import "
              "Markdown, Math\nfrom helpers import glue\n\nratio = glue(\"demo_ratio\", 2.5)\n"
              "glue(\"demo_count\", 7)\nglue(\"demo_md\", Markdown(\"**seven** digits\"))\n"
              "glue(\"demo_math\", Math(r\"a^2 + b^2 = c^2\"))\n"
              "glue(\"demo_table\", pd.DataFrame({\"step\": [1, 2], \"loss\": [0.5, 0.25]}))"),
        _code("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [0, ratio])\nplt.show()",
              mystnb={"figure": {"caption": "A line of slope {glue:text}`demo_ratio:.1f`.",
                                 "name": "fig-demo-line"}}),
        _md("(demo-section)=\n## A section\n\nIn words: {glue:md}`demo_md`.\n\n"
            ":::{note}\nA note with $x^2$ and {numref}`Figure %s <fig-demo-line>`.\n:::\n\n"
            ":::{admonition} More detail\n:class: dropdown\nFolded text.\n:::\n\n"
            "```{glue:math} demo_math\n```\n\n"
            "$$\nf \\conv g = g \\corr f\n$$ (eq-demo)\n\n"
            "\\begin{align}\nc &= d\n\\end{align}\n\n"
            "```{glue:figure} demo_table\n:name: tbl-demo\n\nA glued table.\n```\n\n"
            "{numref}`tbl-demo` is a table; {eq}`eq-demo` an equation.\n\n"
            "```python\n# a code block keeps {glue:text}`this` and :::{note}\n```"),
        _md("## Summary\n\n- You saw every construct.\n\n## Exercises\n\n"
            ":::{exercise} Double the ratio\n:label: demo-ex-code\n\n*Core · 5 min · code*\n\n"
            "Store twice the ratio in `answer`.\n:::"),
        _md(":::{solution-start} demo-ex-code\n:class: dropdown\n:::"),
        _code("RATIO_SOLVED = ratio\nanswer = RATIO_SOLVED * 2\nanswer"),
        _md("The distinctive prose of the first solution."),
        _code("print(\"second solution cell\")"),
        _md(":::{solution-end}\n:::"),
        _md(":::{exercise} Why\n:label: demo-ex-paper\n\n*Optional · 10 min · pencil and paper*\n\n"
            "Why is it twice? Compare with {ref}`demo-ex-code`.\n:::\n\n"
            ":::{solution} demo-ex-paper\n:class: dropdown\n\n"
            "Because of the distinctive paper solution sentence.\n:::"),
        _md(":::{exercise} Predict\n:label: demo-ex-predict\n\n*Core · 5 min · code*\n\n"
            "Predict, then print, `ratio ** 2`.\n:::"),
        _md(":::{solution-start} demo-ex-predict\n:class: dropdown\n:::"),
        _md("A prediction solution, distinctive too."),
        _md(":::{solution-end}\n:::"),
        _code("assert ratio == 2.5, ratio", tags=["remove-cell"]),
    ]


def demo_notebook() -> dict:
    cells = [{**cell, "id": f"demo-{number}"} for number, cell in enumerate(demo_cells())]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"display_name": "Python 3 (book)", "language": "python",
                                        "name": "python3"},
                         "language_info": {"name": "python"}}}


def demo_config() -> str:
    """The book's own _config.yml, pointed at the demo (its site, repository, extension)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = "Demo"
    config["exclude_patterns"] = ["_build/**"]
    config["repository"] = {"url": "https://github.com/example/demo-book", "branch": "main"}
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {"book_ext": str(ROOT)}
    sphinx["config"]["reader_notebooks_site_url"] = "https://example.org/book/"
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


TOC = """\
format: jb-book
root: intro
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: chapters/01_demo
      - file: bibliography
"""


def write_demo_book(folder: Path, notebook: dict | None = None) -> Path:
    """Write the demo book into ``folder``; return the folder."""
    (folder / "chapters").mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(demo_config())
    (folder / "_toc.yml").write_text(TOC)
    (folder / "intro.md").write_text("# Demo book\n\nA book for the tests.\n")
    (folder / "bibliography.md").write_text("# Bibliography\n\n```{bibliography}\n```\n")
    shutil.copyfile(ROOT / "references.bib", folder / "references.bib")
    (folder / "chapters" / "01_demo.ipynb").write_text(
        json.dumps(notebook or demo_notebook(), indent=1))
    return folder


def build_demo_book(folder: Path) -> subprocess.CompletedProcess:
    """``jupyter-book build`` the demo book (-W -n), as ``make book`` builds the book."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
               JUPYTER_PATH=str(ROOT / ".venv" / "share" / "jupyter"))
    return subprocess.run([str(jupyter_book), "build", str(folder), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, env=env, cwd=folder)


def source(cell: dict) -> str:
    """A cell's source as one string."""
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
        text = source(cell)
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
