"""pytest plugin: nbval's run of a chapter also fills the book's jupyter-cache.

``make test`` runs every chapter under nbval. When a chapter passes, this
plugin writes the outputs nbval collected into the jupyter-cache that
``jupyter-book build`` reads (``<book>/_build/.jupyter_cache``, the book
being the nearest folder above the notebook with a ``_config.yml``), keyed as
myst-nb keys it (the code cells' source and the kernelspec), and stamps it
with the chapter's fingerprint (:mod:`book_ext.freshness`) taken when its
first cell ran. A following ``make book`` renders those outputs instead of
executing the chapter a second time, which halves CI time; a change to the
chapter's helpers or to ``requirements.txt`` in between makes the build
execute it again.

Nothing is cached for a notebook that failed, was skipped in part, or used
ipywidgets (myst-nb needs the widget state that only its own executor
records, so the build executes those itself), nor when ``BOOK_NO_NBVAL_CACHE``
is set. The root ``conftest.py`` loads this plugin.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

from book_ext import freshness

_runs: dict[Path, dict] = {}

_PROBE = (
    "import json as _j, sys as _s\n"
    "_p = {path!r}\n"
    "with open(_p, 'w') as _f:\n"
    "    _j.dump({{'widgets': 'ipywidgets' in _s.modules}}, _f)\n"
)


def book_root(notebook: Path) -> Path | None:
    """The nearest folder above ``notebook`` holding a ``_config.yml``."""
    for folder in notebook.parents:
        if (folder / "_config.yml").is_file():
            return folder
    return None


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


def _run(item) -> dict:
    path = Path(str(item.parent.fspath)).resolve()
    if path not in _runs:
        root = book_root(path)
        _runs[path] = {"ok": True, "outputs": {}, "start": time.time(), "root": root,
                       "fingerprint": freshness.fingerprint(path, root) if root else None}
    return _runs[path]


def pytest_runtest_setup(item):
    if _is_nbval_cell(item):
        _run(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not _is_nbval_cell(item) or call.when != "call":
        return
    report = outcome.get_result()
    run = _run(item)
    run["end"] = time.time()
    if not report.passed:
        run["ok"] = False
        return
    run["outputs"][item.cell_num] = item.test_outputs or []
    siblings = [i for i in item.session.items if _is_nbval_cell(i) and i.parent is item.parent]
    if item is siblings[-1] and run["ok"]:
        run["uses_widgets"] = _probe_widgets(item)


def _probe_widgets(item) -> bool | None:
    """Ask the still-running kernel whether the notebook imported ipywidgets."""
    kernel = item.parent.kernel
    with tempfile.TemporaryDirectory() as tmp:
        answer = Path(tmp) / "probe.json"
        try:
            msg_id = kernel.execute_cell_input(_PROBE.format(path=str(answer)), allow_stdin=False)
            kernel.await_idle(msg_id, 60)
            return bool(json.loads(answer.read_text())["widgets"])
        except Exception:  # noqa: BLE001 - any doubt means: do not cache
            return None


def pytest_sessionfinish(session, exitstatus):
    if not _runs or os.environ.get("BOOK_NO_NBVAL_CACHE"):
        return
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for path, run in _runs.items():
        if not run["ok"] or run.get("uses_widgets") is not False or run["root"] is None:
            continue
        notebook = nbformat.read(path, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if sorted(run["outputs"]) != list(range(len(code))):
            continue  # some cell was skipped or deselected
        for count, cell in enumerate(code, start=1):
            cell.outputs = [nbformat.from_dict(dict(out)) for out in run["outputs"][count - 1]]
            cell.execution_count = count
            for out in cell.outputs:
                if out.output_type == "execute_result":
                    out.execution_count = count
        try:
            nbformat.validate(notebook)
        except nbformat.ValidationError:
            continue
        cache = get_cache(str(run["root"] / "_build" / ".jupyter_cache"))
        record = cache.cache_notebook_bundle(
            CacheBundleIn(notebook, str(path), data={"execution_seconds": run["end"] - run["start"]}),
            check_validity=False,
            overwrite=True,
        )
        freshness.stamp(cache, record.hashkey, run["fingerprint"])
        if reporter is not None:
            reporter.write_line(f"nbval outputs of {path.name} cached for the book build")
