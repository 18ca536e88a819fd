"""The hidden set-up cell: one template for every chapter, one place for the repository.

The cell is run for real on a Jupyter kernel, in a folder without the book:
once fetching the book's code from a local git repository (as Colab fetches
it from GitHub, and again when the cell is rerun), once where the fetch fails,
which must end in a clear message, not a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import setup_cell

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _first_code(path: Path) -> str:
    return setup_cell._source(setup_cell.first_code_cell(json.loads(path.read_text())))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_setup_cell_is_the_template(path):
    source = _first_code(path)
    assert source == setup_cell.render(setup_cell.uses_keras(source)), (
        f"{path.name}: the set-up cell was edited by hand; run `python tools/setup_cell.py`")


def test_setup_cells_differ_only_in_the_keras_flag():
    cells = {_first_code(p).replace(", keras=True)", ")") for p in CHAPTERS}
    assert len(cells) == 1


def test_repository_address_has_one_source():
    url = setup_cell.repository_url()
    assert url == "https://github.com/conv-to-cnn/conv-to-cnn-book"
    for path in CHAPTERS:
        assert _first_code(path).count(url) == 1, f"{path.name} should name the repository once"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    slug = url.removeprefix("https://github.com/")
    binder = re.findall(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", readme)
    colab = re.findall(r"\]\((https://colab\.research\.google\.com/github/[^)]+)\)", readme)
    assert binder and colab, "README has lost its Binder or Colab badge"
    for badge in binder + colab:
        assert f"/{slug}/" in badge, f"README badge {badge} does not use {url}"
    # Colab opens the reader edition, published with the website (_config.yml says where).
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    branch = re.search(r"reader_notebooks_branch:\s*(\S+)", config).group(1)
    folder = re.search(r"reader_notebooks_folder:\s*(\S+)", config).group(1)
    assert colab == [f"https://colab.research.google.com/github/{slug}/blob/{branch}/{folder}/"
                     "01_convolution.ipynb"]


@pytest.fixture(scope="module")
def kernel():
    """A kernel of the book's environment, as nbclient and the book run them."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str) -> list[dict]:
    outputs = []

    def keep(message):
        if message["msg_type"] in ("stream", "error", "execute_result", "display_data"):
            outputs.append({"type": message["msg_type"], **message["content"]})

    client.execute_interactive(code, output_hook=keep, timeout=120)
    return outputs


def _fake_book(tmp_path: Path) -> Path:
    """A git repository holding a ``helpers`` package with a ``setup`` function."""
    repo = tmp_path / "origin"
    (repo / "helpers").mkdir(parents=True)
    (repo / "helpers" / "__init__.py").write_text(
        "import numpy as np\n\ndef setup(seed=0, *, keras=False):\n"
        "    return np.random.default_rng(seed)\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-qm", "book"]):
        subprocess.run(git + cmd, cwd=repo, check=True)
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_setup_cell_fetches_the_code_then_reuses_it(kernel, tmp_path):
    origin = _fake_book(tmp_path)
    work = tmp_path / "colab"
    work.mkdir()
    cell = setup_cell.render(keras=False, repository=origin.as_uri())
    _run(kernel, f"import os, sys\nos.chdir({str(work)!r})\nsys.modules.pop('helpers', None)")
    for _ in range(2):  # the second run finds the clone
        outputs = _run(kernel, cell + "\nprint(ROOT, helpers.__file__)")
        assert [o["type"] for o in outputs] == ["stream"], outputs
        assert outputs[0]["text"].split() == [str(work / "origin"),
                                              str(work / "origin" / "helpers" / "__init__.py")]


def test_setup_cell_failure_is_a_message_not_a_traceback(kernel, tmp_path):
    work = tmp_path / "offline"
    work.mkdir()
    missing = (tmp_path / "no-such-repository").as_uri()
    cell = setup_cell.render(keras=False, repository=missing)
    _run(kernel, f"import os, sys\nos.chdir({str(work)!r})\nsys.modules.pop('helpers', None)")
    outputs = _run(kernel, cell)
    errors = [o for o in outputs if o["type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "SetupError", outputs
    shown = "\n".join(errors[0]["traceback"])
    assert "could not be" in shown and missing in shown and "git clone" in shown
    assert "Traceback" not in shown and "File " not in shown and "line " not in shown, shown
    assert not (work / "no-such-repository").exists()


def test_check_mode_reports_a_hand_edited_cell(tmp_path):
    notebook = json.loads(CHAPTERS[0].read_text())
    notebook["cells"][0]["source"] = ["import helpers\n", "rng = helpers.setup(seed=0)"]
    edited = tmp_path / CHAPTERS[0].name
    edited.write_text(json.dumps(notebook))
    assert setup_cell.main(["--check", str(edited)]) == 1
    assert setup_cell.main([str(edited)]) == 0  # rewrites it
    assert setup_cell.main(["--check", str(edited)]) == 0
