"""Parts of the book's pages generated from the sources at every build.

Written under ``_build/site_assets/generated/`` and included by the pages:

* ``api_modules.md``: an ``automodule`` block for every module of ``helpers/``
  (``api.md``), so a new module is documented without editing a page;
* ``learning_goals.md``: each chapter's "In this chapter you will" bullets and
  exercises (label, core or optional, minutes, kind), read from the notebooks in
  ``_toc.yml`` order (``instructors.md``), so the instructors' page never drifts
  from the chapters;
* ``downloads.md``: links to the book's PDF and to the student notebooks'
  archive, staged into the site's ``_static/downloads/`` when they have been
  built (``intro.md``, ``instructors.md``);
* ``bench_report.md``: the benchmark report ``bench/report.md`` written by
  ``make bench`` (``tools/bench.py``), or a note when there is none yet
  (``execution.md``).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from dataclasses import dataclass, field
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


# ------------------------------------------------------------------ exercises
# The convention (CONTRIBUTING.md, "Exercises"): in each chapter's "## Exercises"
# section, every exercise is a sphinx-exercise item in a markdown cell of its own,
#
#     :::{exercise} Title
#     :label: chN-short-words
#
#     *Core · 10 min · pencil and paper*
#     ...
#     :::
#
# followed by its gated solution: a cell holding only ``:::{solution-start} label``
# with ``:class: dropdown``, then markdown and code cells, then a cell holding only
# ``:::{solution-end}``. ``read_exercises`` finds every item and every breach of the
# convention; the instructors' page and the tests use it (and the student edition
# may: ``Exercise.solution_cells`` are the cells it drops).

#: The kinds an exercise may name after its time.
EXERCISE_KINDS = ("pencil and paper", "code", "prediction", "reading")
#: The first line of an exercise's body: ``*Core · 10 min*`` or ``*Optional · 25 min · code*``.
EXERCISE_META = re.compile(
    r"^\*(?P<level>Core|Optional) · (?P<minutes>[1-9]\d*) min"
    r"(?: · (?P<kind>" + "|".join(EXERCISE_KINDS) + r"))?\*$"
)
#: ``chN-short-words``: lower-case words joined by hyphens, after the chapter's number.
EXERCISE_LABEL = re.compile(r"^ch(?P<chapter>[1-9]\d*)-[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The directives of sphinx-exercise.
EXERCISE_DIRECTIVES = ("exercise", "exercise-start", "exercise-end", "solution",
                       "solution-start", "solution-end")

_FENCE = re.compile(r"^ {0,3}(?P<fence>:{3,}|`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
#: Solution markers and whole cells: a solution's first cell opens with its
#: ``solution-start`` and its last cell closes with its ``solution-end`` (prose may
#: share those cells), so every cell from the one to the other belongs to the solution.
_SOLUTION_START_OPENS = re.compile(r"\s*(:{3,}|`{3,})\{solution-start\}")
_SOLUTION_END_CLOSES = re.compile(r"^ {0,3}(:{3,}|`{3,})\{solution-end\}[ \t]*\n {0,3}\1[ \t]*\s*\Z", re.M)
#: Exercises and solutions in the format before sphinx-exercise.
_OLD_EXERCISE = re.compile(r"^(?:### |\*\*(?:Exercise\s*\d+|\d+\.)[^*\n]*\*\*)", re.M)
_OLD_SOLUTION = re.compile(r"\{admonition\}\s*(?:Solution|Some points)", re.I)


@dataclass
class Directive:
    """A MyST directive: its name, argument, options and body (nested ones included)."""

    name: str
    argument: str
    options: dict[str, str]
    body: str
    depth: int  # 0 for a directive at the top level of its text


def parse_directives(text: str, depth: int = 0) -> list[Directive]:
    """Every directive of a MyST text, outer ones first, in colon or backtick fences.

    Fences follow CommonMark: a block ends at the first line of at least as many
    of the same fence characters and nothing else. Code blocks (a fence with no
    ``{name}``) are skipped whole.
    """
    lines = text.splitlines()
    found: list[Directive] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening.group("fence")
        end = i + 1
        while end < len(lines) and not re.fullmatch(
                rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[end]):
            end += 1
        content = lines[i + 1:end]
        directive = _DIRECTIVE.match(opening.group("info"))
        if directive and directive.group("name") != "code-cell":
            options: dict[str, str] = {}
            while content and (option := _OPTION.match(content[0].strip())):
                options[option.group("key")] = option.group("value")
                content = content[1:]
            body = "\n".join(content)
            found.append(Directive(directive.group("name"), directive.group("argument").strip(),
                                   options, body, depth))
            found += parse_directives(body, depth + 1)
        i = end + 1
    return found


@dataclass
class Exercise:
    """One sphinx-exercise item of a chapter, as :func:`read_exercises` finds it."""

    label: str
    title: str
    cell: int  # index of its markdown cell in the notebook
    level: str | None = None  # "core" or "optional"
    minutes: int | None = None
    kind: str | None = None  # one of EXERCISE_KINDS, or None
    solution_cells: list[int] = field(default_factory=list)  # solution-start .. solution-end

    @property
    def core(self) -> bool:
        return self.level == "core"


@dataclass
class ChapterExercises:
    """Every exercise of one chapter, and every way the chapter breaks the convention."""

    path: Path
    number: int | None  # from the file name, NN_words.ipynb
    exercises: list[Exercise]
    problems: list[str]
    converted: bool  # the chapter uses sphinx-exercise directives at all


def chapter_number(path: Path) -> int | None:
    """``chapters/05_learning_sobel.ipynb`` -> 5."""
    match = re.match(r"^(\d+)_", Path(path).name)
    return int(match.group(1)) if match else None


def _exercises_section(cells: list[dict]) -> range:
    """Indices of the cells from the ``## Exercises`` heading to the next ``## `` heading."""
    start = end = None
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        text = _cell_source(cell)
        if start is None and re.search(r"^## Exercises\s*$", text, re.M):
            start = index
            after = text[re.search(r"^## Exercises\s*$", text, re.M).end():]
            if re.search(r"^#{1,2} ", after, re.M):
                end = index + 1
                break
        elif start is not None and re.search(r"^#{1,2} ", text, re.M):
            end = index
            break
    if start is None:
        return range(0)
    return range(start, len(cells) if end is None else end)


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def read_exercises(path: Path) -> ChapterExercises:
    """The exercises of one chapter notebook, and every breach of the convention.

    A chapter with no sphinx-exercise directive at all is reported as not
    ``converted`` (its exercises are in the older bold-paragraph format), with no
    exercises and no problems: :func:`chapter_outline` still lists its titles.
    """
    path = Path(path)
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    number = chapter_number(path)
    name = path.name
    section = _exercises_section(cells)
    exercises: list[Exercise] = []
    problems: list[str] = []
    by_label: dict[str, Exercise] = {}
    open_solution: tuple[Exercise | None, int] | None = None  # (its exercise, start cell)
    solved: set[str] = set()  # labels whose solution was opened and closed
    converted = False
    for index, cell in enumerate(cells):
        text = _cell_source(cell) if cell.get("cell_type") == "markdown" else ""
        directives = [d for d in parse_directives(text) if d.name in EXERCISE_DIRECTIVES]
        if directives:
            converted = True
        names = {d.name for d in directives}
        if "exercise" in names and names & {"solution-start", "solution-end"}:
            problems.append(f"{name}, cell {index}: an exercise and a solution marker share "
                            "a cell (the student edition drops whole solution cells)")
        if open_solution is not None:
            exercise, start = open_solution
            if exercise is not None:
                exercise.solution_cells.append(index)
        for d in directives:
            where = f"{name}, cell {index}"
            if d.depth:
                problems.append(f"{where}: {{{d.name}}} is nested inside another directive")
            if d.name in ("exercise-start", "exercise-end"):
                problems.append(f"{where}: {{{d.name}}}: write the exercise as one "
                                "{exercise} directive in a markdown cell (CONTRIBUTING.md)")
            elif d.name == "solution":
                problems.append(f"{where}: a {{solution}} directive; use the gated form "
                                "{solution-start} ... {solution-end} (CONTRIBUTING.md)")
            elif d.name == "exercise":
                exercise = _read_exercise(d, index, number, where, problems)
                if index not in section:
                    problems.append(f"{where}: exercise {exercise.label or d.argument!r} "
                                    "is outside the '## Exercises' section")
                if open_solution is not None:
                    problems.append(f"{where}: exercise {exercise.label!r} starts inside the "
                                    f"solution opened in cell {open_solution[1]}")
                if exercise.label in by_label:
                    problems.append(f"{where}: label {exercise.label!r} is used twice")
                elif exercise.label:
                    by_label[exercise.label] = exercise
                exercises.append(exercise)
            elif d.name == "solution-start":
                target = by_label.get(d.argument)
                if open_solution is not None:
                    problems.append(f"{where}: solution-start before the solution opened in "
                                    f"cell {open_solution[1]} was closed")
                if target is None:
                    problems.append(f"{where}: solution-start names {d.argument!r}, which is "
                                    "not the label of an exercise above it")
                elif target.solution_cells:
                    problems.append(f"{where}: a second solution for {d.argument!r}")
                elif exercises and exercises[-1] is not target:
                    problems.append(f"{where}: the solution of {d.argument!r} does not follow "
                                    f"its exercise (exercise {exercises[-1].label!r} is between)")
                if "dropdown" not in d.options.get("class", "").split():
                    problems.append(f"{where}: solution-start of {d.argument!r} lacks "
                                    "':class: dropdown' (solutions are folded on the website)")
                if not _SOLUTION_START_OPENS.match(text):
                    problems.append(f"{where}: the solution-start marker must open its cell "
                                    "(the student edition drops whole solution cells)")
                fresh = target is not None and not target.solution_cells
                if fresh:
                    target.solution_cells.append(index)
                open_solution = (target if fresh else None, index)
            elif d.name == "solution-end":
                if open_solution is None:
                    problems.append(f"{where}: solution-end with no solution-start before it")
                else:
                    if not _SOLUTION_END_CLOSES.search(text):
                        problems.append(f"{where}: the solution-end marker must close its cell "
                                        "(the student edition drops whole solution cells)")
                    if open_solution[0] is not None:
                        solved.add(open_solution[0].label)
                open_solution = None
    if open_solution is not None:
        problems.append(f"{name}: the solution opened in cell {open_solution[1]} is never "
                        "closed with solution-end")
    for exercise in exercises:
        if exercise.label and exercise.label not in solved:
            problems.append(f"{name}: exercise {exercise.label!r} has no solution "
                            "(solution-start ... solution-end after it)")
    if converted:
        old_text = "\n\n".join(_cell_source(cells[i]) for i in section
                               if cells[i].get("cell_type") == "markdown")
        old_text = re.split(r"^## Exercises\s*$", old_text, maxsplit=1, flags=re.M)[-1]
        for heading in _OLD_EXERCISE.findall(old_text):
            problems.append(f"{name}: an exercise in the old format: {heading.strip()!r}")
        if _OLD_SOLUTION.search(old_text):
            problems.append(f"{name}: a solution in the old format (an admonition titled "
                            "'Solution') in the Exercises section")
        if not exercises:
            problems.append(f"{name}: solution markers but no {{exercise}} directive")
    return ChapterExercises(path, number, exercises, problems, converted)


def _read_exercise(d: Directive, cell: int, number: int | None, where: str,
                   problems: list[str]) -> Exercise:
    label = d.options.get("label", "")
    exercise = Exercise(label=label, title=d.argument, cell=cell)
    if not label:
        problems.append(f"{where}: exercise {d.argument!r} has no :label:")
    else:
        match = EXERCISE_LABEL.match(label)
        if not match:
            problems.append(f"{where}: label {label!r} is not of the form chN-short-words "
                            "(lower-case words joined by hyphens)")
        elif number is not None and int(match.group("chapter")) != number:
            problems.append(f"{where}: label {label!r} does not start with ch{number}- "
                            "(this chapter's number)")
    if not d.argument:
        problems.append(f"{where}: exercise {label!r} has no title")
    first = next((line.strip() for line in d.body.splitlines() if line.strip()), "")
    meta = EXERCISE_META.match(first)
    if meta:
        exercise.level = meta.group("level").lower()
        exercise.minutes = int(meta.group("minutes"))
        exercise.kind = meta.group("kind")
    else:
        problems.append(f"{where}: exercise {label or d.argument!r}: the first line of its body "
                        f"must be '*Core · N min*' or '*Optional · N min*' (optionally "
                        f"' · ' and one of {', '.join(EXERCISE_KINDS)}), not {first!r}")
    return exercise


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
    items = read_exercises(path)
    if items.converted:
        outline["exercises"] = [e.title for e in items.exercises]
    elif exercises:  # the older format: "### Exercise 1: title" or bold paragraphs
        outline["exercises"] = [m.strip() for m in re.findall(r"^### (.+)$", exercises.group(1), re.M)]
        if not outline["exercises"]:  # sphinx-exercise items: ":::{exercise} Title" (CONTRIBUTING)
            outline["exercises"] = [m.strip() for m in
                                    re.findall(r"^:::\{exercise\}[ \t]*(.+)$", exercises.group(1), re.M)]
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


def _minutes(total: int) -> str:
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"


def exercises_markdown(items: ChapterExercises) -> str:
    """MyST table of one converted chapter's exercises, and its totals per level."""
    rows = []
    for e in items.exercises:
        level = {"core": "core", "optional": "optional"}.get(e.level or "", "(not marked)")
        minutes = f"{e.minutes} min" if e.minutes else "(not marked)"
        title = e.title.replace("|", "\\|")
        rows.append(f"| {{numref}}`{e.label}` | {title} | {level} | {minutes} | {e.kind or ''} |")
    totals = []
    for level in ("core", "optional"):
        chosen = [e for e in items.exercises if e.level == level]
        if chosen:
            totals.append(f"{len(chosen)} {level} ({_minutes(sum(e.minutes or 0 for e in chosen))})")
    return ("| exercise | title | level | time | kind |\n|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n\n"
            + f"**Exercises:** {' and '.join(totals) or 'none marked'}; each solution is "
            "folded just below its exercise.\n")


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
        items = read_exercises(path)
        if items.converted:
            exercises = exercises_markdown(items)
        else:  # the older format: titles only, no level or time to read
            titles = [_exercise_title(t) for t in info["exercises"]]
            exercises = (
                f"**Exercises** ({len(titles)}, each with its solution hidden just below it; "
                "not yet marked core or optional): " + "; ".join(t for t in titles if t) + "."
                if titles
                else "**Exercises:** at the end of the chapter, each with a hidden solution."
            ) + "\n"
        parts.append(
            f"### Chapter {number}: {info['title']}\n\nAfter {link}, students can:\n\n"
            f"{goals}\n{exercises}"
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


#: The website's downloads: (built file, name under ``_static/downloads/``, what it is,
#: the command that builds it). ``make pdf`` and ``make student`` write the files; the
#: website offers those that exist when it is built, so run them before ``make book``.
DOWNLOADS = [
    ("_build/pdf/conv-to-cnn-book.pdf", "conv-to-cnn-book.pdf",
     "the whole book as one PDF, executed, with every figure, result and solution", "make pdf"),
    ("_build/student/conv-to-cnn-book-student.zip", "conv-to-cnn-book-student.zip",
     "the student edition: every chapter as a notebook without solutions, for a course "
     "platform or a laptop", "make student"),
]
#: Where the extension stages them: a folder of ``html_static_path``, so they land in
#: ``_build/html/_static/downloads/``.
DOWNLOADS_STAGE = STAGE / "static" / "downloads"


def stage_downloads(root: Path = ROOT, out: Path = DOWNLOADS_STAGE) -> list[str]:
    """Copy the built downloads into the site's static files; drop stale copies.

    Returns the names staged.
    """
    staged = []
    for source, name, _, _ in DOWNLOADS:
        built, copy = root / source, out / name
        if built.is_file():
            out.mkdir(parents=True, exist_ok=True)
            if not copy.is_file() or copy.stat().st_mtime_ns != built.stat().st_mtime_ns \
                    or copy.stat().st_size != built.stat().st_size:
                shutil.copy2(built, copy)
            staged.append(name)
        elif copy.is_file():
            copy.unlink()
    return staged


def downloads_markdown(root: Path = ROOT) -> str:
    """MyST for ``intro.md`` and ``instructors.md``: one paragraph linking the downloads.

    The links are relative to a page at the book's top level (``_static/downloads/``).
    A download that was not built before the website says how to build it, so the
    site never links to a missing file.
    """
    if os.environ.get("BOOK_BUILD_FOR_PDF"):  # the PDF's own copy of the page (tools/pdf.py)
        return ("**Downloads.** This PDF and the student edition (`conv-to-cnn-book-student.zip`: "
                "every chapter as a notebook without solutions) are offered on the book's "
                "website, on this page and on the instructors' page.\n")
    offered, missing = [], []
    for source, name, what, command in DOWNLOADS:
        if (root / source).is_file():
            offered.append(f'<a href="_static/downloads/{name}" download>{name}</a>, {what}')
        else:
            missing.append(f"{what.split(':')[0]} (`{command}` builds it)")
    text = "**Downloads.** "
    if offered:
        text += "; ".join(offered) + "."
    if missing:
        text += (" Not part of this build of the website: " if offered else
                 "This build of the website offers no downloads yet: ") + "; ".join(missing) + "."
    return text + "\n"


def write_generated(root: Path = ROOT, out: Path = GENERATED) -> list[Path]:
    """Write the generated includes; unchanged content is not rewritten."""
    files = {
        "api_modules.md": api_markdown(root),
        "learning_goals.md": goals_markdown(root),
        "bench_report.md": bench_markdown(root),
        "downloads.md": downloads_markdown(root),
    }
    if out == GENERATED:
        stage_downloads(root)
    for name, text in files.items():
        write_if_changed(out / name, text)
    return [out / name for name in files]


