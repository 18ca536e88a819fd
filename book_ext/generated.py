"""Parts of the book's pages generated from the sources at every build.

Written under ``_build/site_assets/generated/`` and included by the pages:

* ``api_modules.md``: an ``automodule`` block for every module of ``helpers/``
  (``api.md``), so a new module is documented without editing a page;
* ``learning_goals.md``: each chapter's "In this chapter you will" bullets and
  exercises, read from the notebooks in ``_toc.yml`` order (``instructors.md``),
  so the instructors' page never drifts from the chapters;
* ``bench_report.md``: the benchmark report ``bench/report.md`` written by
  ``make bench`` (``tools/bench.py``), or a note when there is none yet
  (``execution.md``).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from book_ext.offline_assets import ROOT, STAGE, write_if_changed

GENERATED = STAGE / "generated"

#: The chapters' modules in teaching order; any other helpers module follows, sorted.
API_ORDER = [
    "book", "convolution", "kernels", "images", "filters", "data",
    "plotting", "nn", "conv_layer", "models",
]


def helper_modules(root: Path = ROOT) -> list[str]:
    """Modules of the helpers package, the chapters' order first."""
    names = sorted(p.stem for p in (root / "helpers").glob("*.py") if not p.stem.startswith("_"))
    ordered = [n for n in API_ORDER if n in names]
    return ordered + [n for n in names if n not in ordered]


def _package_exports(root: Path) -> list[tuple[str, str, str, str]]:
    """``(name, kind, signature, module)`` of what ``helpers/__init__.py`` re-exports."""
    tree = ast.parse((root / "helpers" / "__init__.py").read_text())
    exported: list[str] | None = None
    origin: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers."):
            for alias in node.names:
                origin[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            exported = [e.value for e in getattr(node.value, "elts", []) if isinstance(e, ast.Constant)]
    result = []
    for name in exported or []:
        module = origin.get(name)
        if module is None:
            continue
        source = root / (module.replace(".", "/") + ".py")
        kind, signature = "data", ""
        for node in ast.parse(source.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                kind = "function" if isinstance(node, ast.FunctionDef) else "class"
                if isinstance(node, ast.FunctionDef):
                    args = node.args
                    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                                args.vararg, args.kwarg]:
                        if arg is not None:
                            arg.annotation = None
                    signature = f"({ast.unparse(args)})"
        result.append((name, kind, signature, module))
    return result


def api_markdown(root: Path = ROOT) -> str:
    """MyST for ``api.md``: the package, then one ``automodule`` per helpers module."""
    if not (root / "helpers" / "__init__.py").is_file():
        return "The helpers package has no modules yet.\n"
    aliases = "".join(
        f"\n.. py:{kind}:: {name}{signature}\n\n   The same as :py:{'func' if kind == 'function' else kind}:"
        f"`{module}.{name}`, importable as ``helpers.{name}``.\n"
        for name, kind, signature, module in _package_exports(root)
    )
    parts = [
        "(api-package)=\n## The package `helpers`\n\n"
        f"```{{eval-rst}}\n.. automodule:: helpers\n{aliases}```\n"
    ]
    for name in helper_modules(root):
        parts.append(
            f"(api-{name.replace('_', '-')})=\n## `helpers.{name}`\n\n"
            f"```{{eval-rst}}\n.. automodule:: helpers.{name}\n   :members:\n```\n"
        )
    return "\n".join(parts)


def toc_files(root: Path = ROOT) -> list[str]:
    """Every file of ``_toc.yml``, root first, in reading order, without suffix."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([{key: toc[key]} for key in ("parts", "chapters") if key in toc])
    return [str(Path(f).with_suffix("")) if Path(f).suffix in (".md", ".ipynb") else f
            for f in files]


def toc_chapters(root: Path = ROOT) -> list[str]:
    """The chapter files of ``_toc.yml`` (``chapters/...``), in order, without suffix."""
    return [f for f in toc_files(root) if f.startswith("chapters/")]


def _markdown_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb.get("cells", []) if c.get("cell_type") == "markdown"]


def chapter_outline(path: Path) -> dict:
    """Title, label, learning goals and exercise titles of one chapter notebook."""
    text = "\n\n".join(_markdown_cells(path))
    title = re.search(r"^# (.+)$", text, re.M)
    label = re.search(r"^\(([\w-]+)\)=\s*\n# ", text, re.M)
    outline = {
        "title": title.group(1).strip() if title else path.stem,
        "label": label.group(1) if label else None,
        "goals": [],
        "exercises": [],
    }
    overview = re.search(r"^## Overview\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if overview:
        after = re.split(r"you will[^\n]*\n", overview.group(1), maxsplit=1)
        block = after[1] if len(after) == 2 else overview.group(1)
        goals, current = [], None
        for line in block.splitlines():
            bullet = re.match(r"^[-*] (.+)", line)
            if bullet:
                current = bullet.group(1).strip()
                goals.append(current)
            elif current is not None and line.startswith("  ") and line.strip():
                goals[-1] += " " + line.strip()
            elif goals and not line.strip():
                current = None
        outline["goals"] = goals
    exercises = re.search(r"^## Exercises\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if exercises:
        outline["exercises"] = [m.strip() for m in re.findall(r"^### (.+)$", exercises.group(1), re.M)]
        if not outline["exercises"]:  # "**Exercise 1 (sharpen).**" or "**1. Title.**"
            outline["exercises"] = re.findall(r"^\*\*((?:Exercise|\d+\.)[^*]*)\*\*",
                                              exercises.group(1), re.M)
    return outline


def _exercise_title(heading: str) -> str:
    """``"Exercise 2 (Prewitt)."`` / ``"2. What pooling saves."`` -> ``"Prewitt"`` / ``"What pooling saves"``."""
    title = re.sub(r"^(Exercise\s*\d+\s*[:.]?|\d+\.)\s*", "", heading.strip())
    title = title.strip().rstrip(".").strip()
    if title.startswith("(") and title.endswith(")"):
        title = title[1:-1]
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        title = title[0].lower() + title[1:]
    return title


def goals_markdown(root: Path = ROOT) -> str:
    """MyST for ``instructors.md``: each chapter's learning goals and exercises."""
    parts = []
    for number, chapter in enumerate(toc_chapters(root), start=1):
        path = root / f"{chapter}.ipynb"
        if not path.is_file():
            parts.append(f"### Chapter {number}\n\n*This chapter is still being written.*\n")
            continue
        info = chapter_outline(path)
        role = f"ref}}`chapter {number} <{info['label']}>`" if info["label"] else \
            f"doc}}`chapter {number} <{chapter}>`"
        link = "{" + role
        goals = "".join(f"- {g}\n" for g in info["goals"]) or "- (see the chapter's Overview)\n"
        titles = [_exercise_title(t) for t in info["exercises"]]
        exercises = (
            f"**Exercises** ({len(titles)}, each with its solution hidden just below it): "
            + "; ".join(t for t in titles if t) + "."
            if titles
            else "**Exercises:** at the end of the chapter, each with a hidden solution."
        )
        parts.append(
            f"### Chapter {number}: {info['title']}\n\nAfter {link}, students can:\n\n"
            f"{goals}\n{exercises}\n"
        )
    return "\n".join(parts)


def _renumber_headings(markdown: str, top: int) -> str:
    """Shift the report's headings so its first level becomes ``top``, with no gaps.

    Lines inside fenced code blocks are left alone.
    """
    lines, fenced, headings = markdown.splitlines(), False, {}
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := re.match(r"^(#{1,6}) (.*)$", line)):
            headings[i] = (len(match.group(1)), match.group(2))
    levels = sorted({level for level, _ in headings.values()})
    mapping = {level: min(top + i, 6) for i, level in enumerate(levels)}
    for i, (level, title) in headings.items():
        lines[i] = f"{'#' * mapping[level]} {title}"
    return "\n".join(lines) + "\n"


def bench_markdown(root: Path = ROOT) -> str:
    """MyST for ``execution.md``: ``bench/report.md``, its headings shifted under ours."""
    report = root / "bench" / "report.md"
    if not report.is_file():
        return (
            "No benchmark report yet: `make bench` writes `bench/report.md` (peak memory, "
            "cold build time, cached rebuild time) and the next build shows it here.\n"
        )
    text = report.read_text()
    # Labels and cross-references of the report would clash with the book's: drop them.
    text = re.sub(r"^\([\w-]+\)=\s*$", "", text, flags=re.M)
    return "*From `bench/report.md`, written by `make bench`.*\n\n" + _renumber_headings(text, 3)


def write_generated(root: Path = ROOT, out: Path = GENERATED) -> list[Path]:
    """Write the generated includes; unchanged content is not rewritten."""
    files = {
        "api_modules.md": api_markdown(root),
        "learning_goals.md": goals_markdown(root),
        "bench_report.md": bench_markdown(root),
    }
    for name, text in files.items():
        write_if_changed(out / name, text)
    return [out / name for name in files]


