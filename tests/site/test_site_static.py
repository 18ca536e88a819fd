"""Quick checks of the website's set-up that need no build (part of ``make test``).

The offline JavaScript is pinned, Binder installs what the chapters import
and no more, the README's badges point at files that exist, colour maps are
colour-blind safe, the instructors' page finds every chapter's learning
goals, and the site checker itself finds what it should on small pages.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from site_paths import ROOT, generated, offline_assets, site_check, toc_files

CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
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
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert manifest["dependencies"], "package.json lists no dependency"
    for name, version in manifest["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, (
            f"{name}: package-lock.json disagrees with package.json; run `npm install`")
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]


def test_config_points_at_staged_offline_files():
    config = (ROOT / "_config.yml").read_text()
    mathjax = re.search(r"^\s*mathjax_path:\s*(\S+)", config, re.M).group(1)
    widgets = re.findall(r"^\s*(offline/\S+\.js):\s*\{\}", config, re.M)
    staged = {dest for _, source, dest in offline_assets.ASSETS if not dest.endswith("/")}
    staged.add("widgets/setup.js")
    assert mathjax.startswith("offline/") and mathjax.removeprefix("offline/") in staged
    assert [w.removeprefix("offline/") for w in widgets] == [
        "widgets/setup.js", "widgets/require.js", "widgets/embed-amd.js"]
    assert not re.search(r"^\s*(mathjax_path|[^#\n]*\.js):\s*.*https?://", config, re.M), (
        "_config.yml loads JavaScript from the internet")


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
#: Provided by Binder's own Jupyter environment, or imported only when present.
_PROVIDED = {"IPython", "ipykernel", "myst_nb", "helpers"}


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
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"^\s*notebook_interface:\s*jupyterlab", config, re.M)
    assert re.search(r"^\s*binderhub_url:\s*https://mybinder\.org", config, re.M)
    assert re.search(r"^\s*colab_url:\s*https://colab\.research\.google\.com", config, re.M)


def _readme_badges() -> list[tuple[str, str]]:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("no README.md yet")
    return re.findall(r"\[!\[[^\]]*\]\(([^)]+)\)\]\(([^)]+)\)", readme.read_text())


def test_readme_badges_point_at_this_repository():
    config = (ROOT / "_config.yml").read_text()
    repo = re.search(r"^\s*url:\s*https://github\.com/(\S+?)/?$", config, re.M).group(1)
    branch = re.search(r"^\s*branch:\s*(\S+)", config, re.M).group(1)
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
            pages = re.search(r"^\s*reader_notebooks_branch:\s*(\S+)", config, re.M).group(1)
            folder = re.search(r"^\s*reader_notebooks_folder:\s*(\S+)", config, re.M).group(1)
            prefix = f"/github/{repo}/blob/{pages}/{folder}/"
            assert parts.path.startswith(prefix), link
            chapter = ROOT / "chapters" / parts.path.removeprefix(prefix)
            assert chapter.is_file(), f"{link}: no such chapter"
    assert kinds >= {"binder", "colab"}, f"README.md needs a Binder and a Colab badge, has {kinds}"


# ------------------------------------------------------------------- accessibility


def test_colour_maps_are_uniform_and_colour_blind_safe():
    assert not site_check.check_colormaps(ROOT), "\n".join(site_check.check_colormaps(ROOT))


def test_default_colour_map_is_viridis():
    book = (ROOT / "helpers" / "book.py").read_text()
    assert re.search(r"""["']image\.cmap["']\s*:\s*["']viridis["']""", book)


def test_colour_map_check_catches_jet(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "helpers").mkdir()
    cell = {"cell_type": "code", "source": ["plt.imshow(x, cmap='jet')\n",
                                            "plt.imshow(y, cmap=\"RdBu_r\")"]}
    (tmp_path / "chapters" / "01_x.ipynb").write_text(json.dumps({"cells": [cell]}))
    (tmp_path / "helpers" / "plotting.py").write_text("mpl.colormaps['rainbow']\n")
    bad = site_check.check_colormaps(tmp_path)
    assert len(bad) == 2 and "'jet'" in bad[0] and "'rainbow'" in bad[1]


# ------------------------------------------------------------ the checker itself


def _page(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html><html><head></head><body>{body}</body></html>")


def test_link_check_finds_broken_links_anchors_and_online_files(tmp_path):
    _page(tmp_path / "index.html", '<a href="chapters/a.html#there">ok</a>')
    _page(tmp_path / "chapters" / "a.html",
          '<h2 id="there">x</h2><a href="../index.html">up</a><a href="#nowhere">bad anchor</a>'
          '<a href="b.html">missing</a><img src="../_images/x.png" alt="a plot">'
          '<script src="https://cdn.example.org/x.js"></script>'
          '<a href="https://example.org/">external link: fine</a>'
          '<link rel="stylesheet" href="../_static/s.css">')
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "s.css").write_text("a{background:url(missing.woff2)}")
    problems = site_check.check_links(tmp_path)
    assert problems.pop("(external)") == ["https://example.org/"]
    found = "\n".join(problems["chapters/a.html"])
    assert "#nowhere" in found and "b.html" in found and "_images/x.png" in found
    assert "cdn.example.org" in found and "index.html" not in problems
    assert any("missing.woff2" in p for p in problems["_static/s.css (loaded by chapters/a.html)"])


def test_image_check_wants_a_caption_or_real_alt_text(tmp_path):
    _page(tmp_path / "a.html",
          '<figure><img src="_images/a.png" alt="_images/a.png"><figcaption><p>Sobel edges'
          '</p></figcaption></figure><img src="_images/b.png" alt="A blurred photo">'
          '<img src="_images/c.png" alt="_images/c.png"><div class="animation"><img id="_anim_img1">'
          '</div>')
    problems = site_check.check_images_described(tmp_path)["a.html"]
    assert len(problems) == 2 and "c.png" in problems[0] and "animation" in problems[1]
