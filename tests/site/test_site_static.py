"""Quick checks of the website's set-up that need no build (part of ``make test``).

The site's JavaScript is pinned, Binder installs what the chapters import
and no more, the README's badges point at files that exist, colour maps are
colour-blind safe, and the instructors' page finds every chapter's learning
goals.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from book_ext import generated, offline_assets
from book_ext.generated import toc_files

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
EXISTING = [c for c in CHAPTERS if (ROOT / f"{c}.ipynb").is_file()]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


# ------------------------------------------------------------------- offline assets


def test_npm_packages_are_pinned_exactly():
    """The site's scripts (dependencies) and its test tools, axe-core and linkinator
    (devDependencies), at exact versions that the lock file agrees with."""
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert manifest["dependencies"], "package.json lists no dependency"
    assert {"axe-core", "linkinator"} <= set(manifest["devDependencies"])
    for kind in ("dependencies", "devDependencies"):
        for name, version in manifest[kind].items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version}"
            assert lock["packages"][f"node_modules/{name}"]["version"] == version, (
                f"{name}: package-lock.json disagrees with package.json; run `npm install`")
        assert lock["packages"][""][kind] == manifest[kind]


def test_config_points_at_staged_offline_files():
    sphinx = CONFIG["sphinx"]["config"]
    staged = {dest for _, source, dest in offline_assets.ASSETS if not dest.endswith("/")}
    staged.add("widgets/setup.js")
    assert sphinx["mathjax_path"].removeprefix("offline/") in staged
    assert sphinx["mathjax_path"].startswith("offline/")
    assert list(sphinx["nb_ipywidgets_js"]) == [
        "offline/widgets/setup.js", "offline/widgets/require.js", "offline/widgets/embed-amd.js"]


def test_missing_node_modules_is_a_clear_error(tmp_path):
    for name in ("package.json", "package-lock.json"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    with pytest.raises(offline_assets.SiteAssetsError, match=r"npm ci"):
        offline_assets.check_node_modules(tmp_path)


def test_stale_node_modules_is_a_clear_error(tmp_path):
    for name in ("package.json", "package-lock.json"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    fake = tmp_path / "node_modules" / "mathjax"
    fake.mkdir(parents=True)
    (fake / "package.json").write_text(json.dumps({"version": "0.0.1"}))
    with pytest.raises(offline_assets.SiteAssetsError, match=r"stale|not installed"):
        offline_assets.check_node_modules(tmp_path)


def test_bench_report_headings_fit_under_the_page(tmp_path):
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "report.md").write_text(
        "# Benchmark\n\n(bench-top)=\n### Build\n\n```\n# not a heading\n```\n| a | b |\n")
    text = generated.bench_markdown(tmp_path)
    assert re.findall(r"^#+ \w+$", text, re.M) == ["### Benchmark", "#### Build"]
    assert "\n# not a heading\n" in text and "(bench-top)=" not in text
    assert "make bench" in generated.bench_markdown(tmp_path / "nowhere")


# ----------------------------------------------------------------- learning goals


@pytest.mark.parametrize("chapter", EXISTING)
def test_chapter_has_learning_goals_and_exercises(chapter):
    """The instructors' page reads these from the chapter (CONTRIBUTING's skeleton)."""
    outline = generated.chapter_outline(ROOT / f"{chapter}.ipynb")
    assert outline["label"], f"{chapter}: no (ch-name)= label above the title"
    assert len(outline["goals"]) >= 2, (
        f"{chapter}: the Overview needs 'In this chapter you will' bullets (found {outline['goals']})")
    assert outline["exercises"], (
        f"{chapter}: no exercises found under '## Exercises' (as '### Exercise 1: title', "
        "'**Exercise 1 (title).**' or '**1. Title.**')")


def test_api_page_lists_every_helpers_module():
    text = generated.api_markdown(ROOT)
    for path in sorted((ROOT / "helpers").glob("*.py")):
        if not path.stem.startswith("_"):
            assert f"automodule:: helpers.{path.stem}\n" in text, path.stem


# -------------------------------------------------------------------------- launch

#: import name -> distribution name, where they differ.
_DISTRIBUTIONS = {"sklearn": "scikit-learn", "PIL": "pillow", "tensorflow": "tensorflow-cpu",
                  "IPython": "ipython"}
#: Provided by Binder's own Jupyter environment, or imported only when present; jax only
#: when the experiment grid runs on a GPU with KERAS_BACKEND=jax (helpers/experiments.py).
_PROVIDED = {"IPython", "ipykernel", "myst_nb", "helpers", "jax"}


def _third_party_imports() -> dict[str, str]:
    """Top-level modules the chapters and helpers import -> where, without the stdlib."""
    found: dict[str, str] = {}
    sources = [(str(p.relative_to(ROOT)), p.read_text()) for p in sorted((ROOT / "helpers").glob("*.py"))]
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                code = "".join(cell["source"])
                code = "\n".join(line for line in code.splitlines()
                                 if not line.lstrip().startswith(("!", "%")))
                sources.append((str(nb.relative_to(ROOT)), code))
    for where, code in sources:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "__future__":
                    found.setdefault(top, where)
    return found


def test_binder_installs_what_the_notebooks_import():
    binder = _pins(ROOT / "binder" / "requirements.txt")
    missing = {m: w for m, w in _third_party_imports().items()
               if m not in _PROVIDED and _DISTRIBUTIONS.get(m, m).lower() not in binder}
    assert not missing, f"binder/requirements.txt lacks {missing}"


def test_binder_pins_match_the_book_and_add_no_tooling():
    binder = _pins(ROOT / "binder" / "requirements.txt")
    book = _pins(ROOT / "requirements.txt")
    for name, version in binder.items():
        assert book.get(name) == version, f"binder pins {name}=={version}, the book {book.get(name)}"
    for tool in ("jupyter-book", "pytest", "nbval", "ruff", "hypothesis", "sphinx"):
        assert tool not in binder, f"binder/requirements.txt installs {tool}, which readers never need"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "load_mnist" in post_build.read_text()


def test_binder_launch_opens_jupyterlab():
    launch = CONFIG["launch_buttons"]
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"


def _readme_badges() -> list[tuple[str, str]]:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("no README.md yet")
    return re.findall(r"\[!\[[^\]]*\]\(([^)]+)\)\]\(([^)]+)\)", readme.read_text())


def test_readme_badges_point_at_this_repository():
    repo = urlsplit(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    badges = _readme_badges()
    kinds = set()
    for image, link in badges:
        parts = urlsplit(link)
        if parts.netloc == "mybinder.org":
            kinds.add("binder")
            assert image == "https://mybinder.org/badge_logo.svg", image
            assert parts.path == f"/v2/gh/{repo}/{branch}", link
            urlpath = unquote(parse_qs(parts.query).get("urlpath", [""])[0])
            assert urlpath.startswith("lab"), f"the Binder badge should open JupyterLab: {link}"
            target = urlpath.removeprefix("lab").removeprefix("/tree").strip("/")
            assert not target or (ROOT / target).exists(), f"{link}: {target} does not exist"
        elif parts.netloc == "colab.research.google.com":
            # Colab opens a chapter's reader edition, published with the website
            # (book_ext/reader_notebooks.py; _config.yml: reader_notebooks_branch/_folder).
            kinds.add("colab")
            assert image == "https://colab.research.google.com/assets/colab-badge.svg", image
            readers = CONFIG["sphinx"]["config"]
            prefix = (f"/github/{repo}/blob/{readers['reader_notebooks_branch']}/"
                      f"{readers['reader_notebooks_folder']}/")
            assert parts.path.startswith(prefix), link
            chapter = ROOT / "chapters" / parts.path.removeprefix(prefix)
            assert chapter.is_file(), f"{link}: no such chapter"
    assert kinds >= {"binder", "colab"}, f"README.md needs a Binder and a Colab badge, has {kinds}"


# ------------------------------------------------------------------- accessibility

#: Perceptually uniform and colour-blind safe: matplotlib's sequential maps
#: designed for it, the grey maps, and ColorBrewer's colour-blind-safe diverging
#: maps (for signed values centred on 0). ``_r`` reverses any of them.
SAFE_COLORMAPS = {
    "viridis", "cividis", "magma", "inferno", "plasma", "gray", "grey", "Greys", "binary",
    "gist_gray", "gist_yarg", "bone", "RdBu", "PuOr", "BrBG", "PRGn", "PiYG", "RdYlBu",
    "Blues", "Greens", "Oranges", "Purples", "Reds", "YlGnBu", "YlOrRd", "YlOrBr", "GnBu",
    "BuGn", "BuPu", "OrRd", "PuBu", "PuBuGn", "RdPu", "YlGn", "twilight", "twilight_shifted",
    "berlin", "managua", "vanimo",
}
#: Where code names a colour map: a keyword, a lookup, or an rcParams entry.
_CMAP_USES = re.compile(
    r"""(?:cmap\s*=\s*|get_cmap\(\s*|colormaps\[\s*|\.cmap"?\s*:\s*|image\.cmap['"]\s*:\s*)
        (['"])([A-Za-z_][\w.]*)\1""",
    re.X,
)


def unsafe_colormaps(root: Path = ROOT) -> list[str]:
    """Colour maps named in the chapters and helpers that are not in SAFE_COLORMAPS.

    Hand-written: a colour map is chosen by name in code, so the check reads the
    code (no library lists colour-blind-safe maps).
    """
    sources: list[tuple[str, str]] = []
    for nb in sorted((root / "chapters").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text()).get("cells", [])):
            if cell.get("cell_type") == "code":
                text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                sources.append((f"{nb.relative_to(root)} cell {i}", text))
    for py in sorted((root / "helpers").glob("*.py")):
        sources.append((str(py.relative_to(root)), py.read_text()))
    return [f"{where}: colour map {m.group(2)!r} is not perceptually uniform and colour-blind "
            "safe; use viridis/cividis (magnitudes), gray (images), RdBu_r centred on 0 "
            "(signed values)"
            for where, text in sources for m in _CMAP_USES.finditer(text)
            if m.group(2).removesuffix("_r") not in SAFE_COLORMAPS]


def test_colour_maps_are_uniform_and_colour_blind_safe():
    assert not unsafe_colormaps(), "\n".join(unsafe_colormaps())


def test_safe_colour_maps_exist_in_matplotlib():
    import matplotlib

    assert not {m for m in SAFE_COLORMAPS if m not in matplotlib.colormaps}


def test_default_colour_map_is_viridis():
    import matplotlib

    from helpers import setup

    with matplotlib.rc_context({"image.cmap": "jet"}):
        setup()
        assert matplotlib.rcParams["image.cmap"] == "viridis"


def test_colour_map_check_catches_jet(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "helpers").mkdir()
    cell = {"cell_type": "code", "source": ["plt.imshow(x, cmap='jet')\n",
                                            "plt.imshow(y, cmap=\"RdBu_r\")"]}
    (tmp_path / "chapters" / "01_x.ipynb").write_text(json.dumps({"cells": [cell]}))
    (tmp_path / "helpers" / "plotting.py").write_text("mpl.colormaps['rainbow']\n")
    bad = unsafe_colormaps(tmp_path)
    assert len(bad) == 2 and "'jet'" in bad[0] and "'rainbow'" in bad[1]


# ------------------------------------------------------------------------ page fixes


def test_page_fixes_make_generated_markup_accessible():
    """The HTML other tools generate, as they write it, and what the book serves."""
    from book_ext import page_fixes

    body = (
        '<div class="animation">\n  <img id="_anim_img12ab">\n'
        '    <input id="_anim_slider12ab" type="range" class="anim-slider"\n name="points">'
        '<details><summary aria-label="Toggle hidden content"><span>Show code cell source</span>'
        '</summary></details>'
        '<div role="list" class="citation-list"><div class="citation" role="doc-biblioentry">'
        '</div></div>'
        '<table><thead><tr><th class="blank level0" >&nbsp;</th><th class="col_heading">a</th>'
        '</tr></thead></table>')
    context = {"body": body}
    page_fixes.fix_body(None, "page", "page.html", context, None)
    fixed = context["body"]
    assert f'<img id="_anim_img12ab" alt="{page_fixes.ANIMATION_ALT}">' in fixed
    assert 'class="anim-slider" aria-label="Animation frame"' in fixed
    assert "<summary><span>Show code cell source" in fixed
    assert 'role="listitem"' in fixed and "doc-biblioentry" not in fixed
    assert '<td class="blank level0" >&nbsp;</td>' in fixed and '<th class="col_heading">' in fixed
    again = {"body": fixed}
    page_fixes.fix_body(None, "page", "page.html", again, None)
    assert again["body"] == fixed  # applying twice changes nothing


def test_extension_version_follows_its_sources(tmp_path):
    """Editing book_ext re-reads every page (Sphinx drops its environment on a new env_version)."""
    import shutil

    import book_ext

    copy = tmp_path / "book_ext"
    shutil.copytree(Path(book_ext.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = book_ext._source_version(copy)
    assert before == book_ext._source_version(Path(book_ext.__file__).parent)
    with (copy / "static" / "book.css").open("a") as handle:
        handle.write("/* changed */\n")
    assert book_ext._source_version(copy) != before
