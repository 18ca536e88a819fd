"""Serve the website's JavaScript from the build itself, so the book works offline.

Readers often meet the book in classrooms with poor internet, so the built
``_build/html`` must typeset its math and render its widgets with no network.
MathJax, require.js and the ipywidgets embed manager come from the npm
registry, pinned in ``package.json`` / ``package-lock.json`` and installed by
``npm ci`` into ``node_modules/``. This file is two things:

* a command: ``python tools/site_assets.py --install`` runs ``npm ci`` when
  ``node_modules/`` is missing or older than the lock file, then checks the
  versions and stages the files (``make book`` calls it);
* a Sphinx extension, loaded from ``_config.yml`` (``sphinx.local_extensions``),
  that at every build checks ``node_modules/``, stages the files under
  ``_build/site_assets/static/offline/`` and adds that folder to
  ``html_static_path``, so they land in ``_build/html/_static/offline/``.
  With ``node_modules/`` missing it stops the build with a message saying
  how to fix it, rather than building a site whose math silently fails.

The extension also writes three generated pages' parts under
``_build/site_assets/generated/`` that the book includes:

* ``api_modules.md``: an ``automodule`` block for every module of ``helpers/``
  (``api.md``), so a new module is documented without editing a page;
* ``learning_goals.md``: each chapter's "In this chapter you will" bullets and
  exercises, read from the notebooks in ``_toc.yml`` order (``instructors.md``),
  so the instructors' page never drifts from the chapters;
* ``bench_report.md``: the benchmark report ``bench/report.md`` written by
  ``make bench`` (``tools/bench.py``), or a note when there is none yet
  (``execution.md``).

Paths in ``_config.yml`` (``mathjax_path``, ``nb_ipywidgets_js``) are relative
to ``_static``, so the pages load them by relative URLs: the site works from a
local web server and from ``file://`` alike.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
STAGE = ROOT / "_build" / "site_assets"
STATIC = STAGE / "static"  # added to html_static_path: its contents go to _static/
OFFLINE = STATIC / "offline"  # -> _build/html/_static/offline/
GENERATED = STAGE / "generated"

#: (npm package, path inside the package, destination under _static/offline/).
#: MathJax: the SVG output needs no web fonts (fonts are blocked on file://);
#: the extensions, menu and accessibility parts load on demand, so they come too.
ASSETS: list[tuple[str, str, str]] = [
    ("mathjax", "es5/tex-mml-svg.js", "mathjax/tex-mml-svg.js"),
    ("mathjax", "es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax", "es5/input/mml", "mathjax/input/mml"),
    ("mathjax", "es5/ui", "mathjax/ui"),
    ("mathjax", "es5/a11y", "mathjax/a11y"),
    ("mathjax", "es5/sre", "mathjax/sre"),
    ("mathjax", "LICENSE", "mathjax/LICENSE"),
    ("requirejs", "require.js", "widgets/require.js"),
    ("@jupyter-widgets/html-manager", "dist/embed-amd.js", "widgets/embed-amd.js"),
    # The widgets' icon font: embed-amd.js loads it relative to its own URL (see
    # _WIDGETS_SETUP_JS). Browsers take woff2, else woff or ttf; the .eot and .svg
    # copies (for Internet Explorer and old iOS) are left out.
    ("@jupyter-widgets/html-manager", "dist/*.woff2", "widgets/"),
    ("@jupyter-widgets/html-manager", "dist/*.woff", "widgets/"),
    ("@jupyter-widgets/html-manager", "dist/*.ttf", "widgets/"),
    ("@jupyter-widgets/html-manager", "dist/embed.js.LICENSE.txt", "widgets/LICENSES.txt"),
]

#: The chapters' modules in teaching order; any other helpers module follows, sorted.
API_ORDER = [
    "book", "convolution", "kernels", "images", "filters", "data",
    "plotting", "nn", "conv_layer", "models",
]


#: Loaded before require.js and embed-amd.js (``nb_ipywidgets_js``), it does two
#: things for the ipywidgets embed manager:
#:
#: * embed-amd.js is a set of named AMD modules that load their icon fonts from the
#:   URL require.js gives them, by default ``<page folder>/@jupyter-widgets/...``;
#:   a ``require`` object defined before require.js is its configuration, and maps
#:   those names to this script's folder, where the fonts are.
#: * the widgets typeset their labels with MathJax 2's ``MathJax.Hub.Queue``, which
#:   MathJax 3 lacks ("Cannot read properties of undefined (reading 'Queue')"):
#:   once MathJax 3 has loaded, a small ``MathJax.Hub`` forwards to ``typesetPromise``.
_WIDGETS_SETUP_JS = """\
// Written by tools/site_assets.py for the ipywidgets embed manager (embed-amd.js).
(function () {
  // 1. Its files (icon fonts) are in this script's own folder.
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  var folder = here.slice(0, -1);
  window.__jupyter_widgets_assets_path__ = here;
  window.require = {paths: {"@jupyter-widgets/html-manager/dist": folder,
                            "@jupyter-widgets": folder}};
  // 2. It typesets labels with MathJax 2's API; forward that to MathJax 3.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub) return;
    mj.Hub = {
      Queue: function (job) {
        var element = Array.isArray(job) ? job[2] : null;
        if (!element || !window.MathJax.startup || !window.MathJax.typesetPromise) return;
        window.MathJax.startup.promise
          .then(function () { return window.MathJax.typesetPromise([element]); })
          .catch(function () {});
      },
    };
  });
})();
"""


class SiteAssetsError(RuntimeError):
    """The pinned JavaScript is missing or stale: the message says how to fix it."""


# --------------------------------------------------------------------------- npm


def locked_versions(root: Path = ROOT) -> dict[str, str]:
    """Versions that ``package-lock.json`` pins for the packages the site copies."""
    lock_file = root / "package-lock.json"
    if not lock_file.is_file():
        raise SiteAssetsError(f"{lock_file} is missing: it pins the site's JavaScript.")
    packages = json.loads(lock_file.read_text())["packages"]
    wanted = {package for package, _, _ in ASSETS}
    return {name: packages[f"node_modules/{name}"]["version"] for name in sorted(wanted)}


def check_node_modules(root: Path = ROOT) -> dict[str, str]:
    """Raise :class:`SiteAssetsError` unless ``node_modules`` holds the locked versions."""
    hint = (
        "The website serves MathJax and the widget scripts itself (offline use); they are "
        "pinned in package-lock.json. Install them with `npm ci` (or `make site-assets`), "
        "then build again."
    )
    modules = root / "node_modules"
    if not modules.is_dir():
        raise SiteAssetsError(f"{modules} does not exist. {hint}")
    versions = locked_versions(root)
    for name, version in versions.items():
        manifest = modules / name / "package.json"
        if not manifest.is_file():
            raise SiteAssetsError(f"npm package {name} is not installed in {modules}. {hint}")
        installed = json.loads(manifest.read_text())["version"]
        if installed != version:
            raise SiteAssetsError(
                f"npm package {name} is {installed} in node_modules but package-lock.json "
                f"pins {version}: node_modules is stale. {hint}"
            )
    return versions


def npm_ci(root: Path = ROOT, *, force: bool = False) -> bool:
    """Run ``npm ci`` when node_modules is missing, stale or ``force``; return whether it ran."""
    marker = root / "node_modules" / ".package-lock.json"
    lock_file = root / "package-lock.json"
    stale = not marker.is_file() or marker.stat().st_mtime < lock_file.stat().st_mtime
    if not (force or stale):
        try:
            check_node_modules(root)
            return False
        except SiteAssetsError:
            pass
    npm = shutil.which("npm")
    if npm is None:
        raise SiteAssetsError("npm is not installed (Debian: apt-get install -y nodejs npm).")
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=root, check=True)
    return True


# ----------------------------------------------------------------------- staging


def _copy_if_changed(source: Path, dest: Path) -> None:
    """Copy atomically (several builds may share ``_build/site_assets``), and only if changed."""
    if dest.is_file() and filecmp.cmp(source, dest, shallow=False):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, partial)
    os.replace(partial, dest)


def stage_assets(root: Path = ROOT, out: Path = OFFLINE) -> list[Path]:
    """Copy the pinned files into ``out``; return the files staged.

    Files already identical are left alone, so an unchanged rebuild copies nothing.
    """
    versions = check_node_modules(root)
    staged: list[Path] = []
    for package, source, dest in ASSETS:
        base = root / "node_modules" / package
        matches = sorted(base.glob(source)) if "*" in source else [base / source]
        if not matches or not all(m.exists() for m in matches):
            raise SiteAssetsError(f"{package}: {source} not found under {base}")
        for match in matches:
            if match.is_dir():
                for file in sorted(p for p in match.rglob("*") if p.is_file()):
                    target = out / dest / file.relative_to(match)
                    _copy_if_changed(file, target)
                    staged.append(target)
            else:
                target = out / dest / match.name if dest.endswith("/") else out / dest
                _copy_if_changed(match, target)
                staged.append(target)
    _write_if_changed(out / "widgets" / "setup.js", _WIDGETS_SETUP_JS)
    staged.append(out / "widgets" / "setup.js")
    notice = ["Offline copies of these npm packages (versions pinned in package-lock.json):", ""]
    for name, version in versions.items():
        licence = json.loads((root / "node_modules" / name / "package.json").read_text()).get(
            "license", "see the package"
        )
        notice.append(f"- {name} {version} ({licence})")
    _write_if_changed(out / "NOTICE.txt", "\n".join(notice) + "\n")
    return staged


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (keeps Sphinx's rebuilds cached)."""
    if path.is_file() and path.read_text() == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text)
    os.replace(partial, path)


# -------------------------------------------------------------- generated parts


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


def toc_chapters(root: Path = ROOT) -> list[str]:
    """The chapter files of ``_toc.yml`` (``chapters/...``), in order, without suffix."""
    return re.findall(r"^\s*-\s*file:\s*(chapters/\S+)\s*$", (root / "_toc.yml").read_text(), re.M)


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
        _write_if_changed(out / name, text)
    return [out / name for name in files]


# ------------------------------------------------------------------ Sphinx hook


def _import_helpers_quietly() -> None:
    """Import every helpers module once, with TensorFlow's C++ start-up lines hidden.

    autodoc imports the modules for the API page; one that imports Keras at
    import time would print TensorFlow's absl/oneDNN lines into the build log.
    A module that fails to import is left for autodoc to report.
    """
    import importlib

    for name, value in {"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR",
                        "GLOG_minloglevel": "3"}.items():
        os.environ.setdefault(name, value)
    try:
        from helpers.book import quiet_stderr
    except Exception:  # noqa: BLE001 - autodoc reports it
        return
    for name in helper_modules():
        with quiet_stderr():
            try:
                importlib.import_module(f"helpers.{name}")
            except Exception:  # noqa: BLE001 - autodoc reports it
                pass


def _on_config_inited(app, config) -> None:
    from sphinx.errors import ConfigError

    try:
        stage_assets()
    except SiteAssetsError as error:
        raise ConfigError(f"site_assets: {error}") from None
    write_generated()
    if "sphinx.ext.autodoc" in config.extensions:
        _import_helpers_quietly()
    config.html_static_path.append(str(STATIC))
    # _config.yml must point at the staged copies, never at a CDN.
    wanted = [config.mathjax_path, *getattr(config, "nb_ipywidgets_js", {}).keys()]
    for uri in wanted:
        if "://" in uri or uri.startswith("//"):
            raise ConfigError(f"site_assets: {uri} is a remote URL; the site must work offline.")
        if not (STATIC / uri).is_file():
            raise ConfigError(f"site_assets: {uri} (from _config.yml) is not among the staged "
                              f"files in {STATIC}; see ASSETS in tools/site_assets.py.")


def _plain_attribute_docstrings(app, what, name, obj, options, lines) -> None:
    """Keep napoleon from reading ``#: Loss names: mse and bce`` as type ``Loss names``.

    napoleon takes the text before a colon on the first line of a constant's
    docstring as its type, a cross-reference that nitpicky mode (-n) rejects.
    The helpers document constants in prose: a leading ": " gives napoleon an
    empty type, and it keeps the sentence whole.
    """
    if what in ("data", "attribute") and lines and ":" in lines[0]:
        lines[0] = ": " + lines[0]


#: Section names napoleon turns into fields or rubrics itself.
_NAPOLEON_SECTIONS = {
    "args", "arguments", "attention", "attributes", "caution", "danger", "error",
    "example", "examples", "hint", "important", "keyword args", "keyword arguments",
    "methods", "note", "notes", "other parameters", "parameters", "receive", "receives",
    "return", "returns", "raise", "raises", "references", "see also", "tip", "todo",
    "warning", "warnings", "warn", "warns", "yield", "yields",
}


def _rubric_sections(app, what, name, obj, options, lines) -> None:
    """Turn a docstring's own sections ("Conventions" + underline) into rubrics.

    The API page puts every module on one page, where two modules' sections
    of the same name would clash ("Duplicate explicit target name"); a rubric
    looks the same and creates no target. napoleon's sections are left alone.
    """
    for i in range(len(lines) - 1):
        title, underline = lines[i].strip(), lines[i + 1].strip()
        if (title and title.lower() not in _NAPOLEON_SECTIONS and len(underline) >= len(title)
                and len(set(underline)) == 1 and underline[0] in "-=~^\"'*+#"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i], lines[i + 1] = f"{indent}.. rubric:: {title}", ""


#: What matplotlib's ``Animation.to_jshtml`` puts before its controls: Font Awesome 4
#: from a CDN, for the buttons' icons. The theme's own Font Awesome (served from
#: _static) already draws ``<i class="fa fa-play">`` icons, so the link only costs
#: an offline reader a failed request.
_ANIMATION_CDN = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]+"\s*/?>'
)


def _drop_animation_cdn(app, pagename, templatename, context, doctree) -> None:
    """Remove the to_jshtml CDN stylesheet from a page's body (see ``_ANIMATION_CDN``)."""
    body = context.get("body")
    if body and "bootstrapcdn" in body:
        context["body"] = _ANIMATION_CDN.sub("", body)


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop a page's repeated inline scripts.

    Sphinx 7.4 adds an inline script registered after the builder starts twice
    (sphinx-thebe's ``const THEBE_JS_URL = ...``), and the second copy throws
    "Identifier 'THEBE_JS_URL' has already been declared" in every page's console.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "",
               tuple(sorted((getattr(script, "attributes", None) or {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    if len(kept) != len(scripts):
        context["script_files"] = kept


def setup(app):
    """Sphinx entry point (``sphinx.local_extensions: {site_assets: tools}``)."""
    app.connect("config-inited", _on_config_inited, priority=900)
    # Before napoleon's own handler (priority 500).
    app.connect("autodoc-process-docstring", _plain_attribute_docstrings, priority=400)
    app.connect("autodoc-process-docstring", _rubric_sections, priority=400)
    app.connect("html-page-context", _drop_animation_cdn)
    # After myst-nb adds a page's widget scripts (priority 500).
    app.connect("html-page-context", _dedupe_scripts, priority=999)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------- command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true",
                        help="run `npm ci` first when node_modules is missing or stale")
    args = parser.parse_args(argv)
    try:
        if args.install:
            npm_ci()
        staged = stage_assets()
    except (SiteAssetsError, subprocess.CalledProcessError) as error:
        print(f"site_assets: {error}", file=sys.stderr)
        return 1
    write_generated()
    size = sum(p.stat().st_size for p in staged) / 1e6
    print(f"site_assets: {len(staged)} files ({size:.1f} MB) staged in {OFFLINE.relative_to(ROOT)}")
    for name, version in locked_versions().items():
        print(f"  {name} {version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
