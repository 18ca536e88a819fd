"""Serve the website's JavaScript from the build itself, so the book works offline.

Readers often meet the book in classrooms with poor internet, so the built
``_build/html`` must typeset its math and render its widgets with no network.
MathJax, require.js and the ipywidgets embed manager come from the npm
registry, pinned in ``package.json`` / ``package-lock.json`` and installed by
``npm ci`` into ``node_modules/``. This module checks ``node_modules/``, stages
the files under ``_build/site_assets/static/offline/`` (the extension adds
that folder to ``html_static_path``, so they land in
``_build/html/_static/offline/``) and removes the few online references that
other packages put into pages. With ``node_modules/`` missing the build stops
with a message saying how to fix it, rather than building a site whose math
silently fails.

As a command, ``python -m book_ext.offline_assets --install`` runs ``npm ci``
when ``node_modules/`` is missing or older than the lock file, then stages
the files (``make book`` calls it).

Paths in ``_config.yml`` (``mathjax_path``, ``nb_ipywidgets_js``) are relative
to ``_static``, so the pages load them by relative URLs: the site works from a
local web server and from ``file://`` alike.
"""

from __future__ import annotations

import argparse
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
// Written by book_ext/offline_assets.py for the ipywidgets embed manager (embed-amd.js).
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
    write_if_changed(out / "widgets" / "setup.js", _WIDGETS_SETUP_JS)
    staged.append(out / "widgets" / "setup.js")
    notice = ["Offline copies of these npm packages (versions pinned in package-lock.json):", ""]
    for name, version in versions.items():
        licence = json.loads((root / "node_modules" / name / "package.json").read_text()).get(
            "license", "see the package"
        )
        notice.append(f"- {name} {version} ({licence})")
    write_if_changed(out / "NOTICE.txt", "\n".join(notice) + "\n")
    return staged


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (keeps Sphinx's rebuilds cached)."""
    if path.is_file() and path.read_text() == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text)
    os.replace(partial, path)



# ------------------------------------------------------------- page fixes


#: What matplotlib's ``Animation.to_jshtml`` puts before its controls: Font Awesome 4
#: from a CDN, for the buttons' icons. The theme's own Font Awesome (served from
#: _static) already draws ``<i class="fa fa-play">`` icons, so the link only costs
#: an offline reader a failed request.
_ANIMATION_CDN = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]+"\s*/?>'
)


def drop_animation_cdn(app, pagename, templatename, context, doctree) -> None:
    """Remove the to_jshtml CDN stylesheet from a page's body (see ``_ANIMATION_CDN``)."""
    body = context.get("body")
    if body and "bootstrapcdn" in body:
        context["body"] = _ANIMATION_CDN.sub("", body)


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
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
        print(f"offline_assets: {error}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in staged) / 1e6
    print(f"offline_assets: {len(staged)} files ({size:.1f} MB) staged in {OFFLINE.relative_to(ROOT)}")
    for name, version in locked_versions().items():
        print(f"  {name} {version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
