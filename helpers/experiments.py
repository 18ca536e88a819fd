"""Chapter 7's experiments: the grid of training runs, its results file, and its tables.

Every row of the grid changes one thing of the article's recipe, is trained
from each of :data:`SEEDS` and scored on the split's held-out digits; every
choice is made there by rules fixed in advance (:func:`chosen_schedule`,
:func:`best_variant`), and only the chosen recipe meets MNIST's test split.
``make experiments`` stores each run in :data:`RESULTS` with its provenance
and :func:`code_hash`; the chapter draws its tables from that file.

Taught in: chapter 7.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CHANGES", "RESULTS", "SEEDS", "Run", "best_variant", "chosen_schedule", "code_hash",
           "grid", "load_results", "modern_recipe", "plot_tables", "rerun", "run_grid", "styled",
           "summary", "table"]

ROOT = Path(__file__).resolve().parent.parent
#: The committed results file (``make experiments`` writes it).
RESULTS = ROOT / "data" / "ch7_experiments.json"
#: Every row is trained from each of these seeds.
SEEDS = (0, 1, 2)
#: Training digits of the article's split, and its held-out digits.
N_TRAIN, N_HELDOUT = 7500, 2500

#: The modern changes, one per row: name -> (label, fields of
#: :class:`helpers.models.Variant`). Their rates are the usual defaults, fixed
#: before any run (not tuned): dropout 0.5 after each dense layer, Adam at 1e-3.
CHANGES: dict[str, tuple[str, dict]] = {
    "scale": ("inputs scaled to [0, 1]", {"scale": True}),
    "crossentropy": ("softmax with cross-entropy", {"loss": "crossentropy"}),
    "relu_dense": ("ReLU in the dense layers", {"activation": "relu"}),
    "relu_conv": ("ReLU after the convolutions", {"conv_activation": "relu"}),
    "max_pool": ("max pooling", {"pooling": "max"}),
    "adam": ("Adam at a constant rate", {"optimizer": "adam"}),
    "cosine": ("cosine learning-rate schedule", {"schedule": "cosine"}),
    "batchnorm": ("batch normalisation", {"batchnorm": True}),
    "dropout": ("dropout (0.5)", {"dropout": 0.5}),
    "augment": ("data augmentation", {"augment": True}),
}
#: Rows of the one-change table that are not modern changes: (label, fields, digits).
_OTHER_ROWS: dict[str, tuple[str, dict, int]] = {
    "epochs30": ("30 epochs instead of 10", {"epochs": 30}, N_TRAIN),
    "half_data": ("half the digits (3,750)", {}, N_TRAIN // 2),
    "mlp": ("no convolutions: the dense layers on the pixels (MLP)", {"filters": ()}, N_TRAIN),
}
#: The (batch size, epochs) tried for the modern recipe, chosen on held-out digits.
SCHEDULES = ((32, 15), (32, 30), (128, 15), (128, 30), (128, 45))
#: Training digits of the learning curves (the table rows give 3,750 and 7,500).
_CURVE = (N_TRAIN // 4, N_TRAIN // 2)
#: The code that determines what a run computes, hashed into every run (:func:`code_hash`).
_CODE = {
    "helpers/models.py": ("_article_init", "article_optimizer", "as_inputs", "Variant",
                          "augmentation", "_optimizer", "build_variant", "train_variant"),
    "helpers/experiments.py": ("Run", "_modern", "_data", "train"),
    "helpers/data.py": ("load_mnist", "article_indices", "article_split"),
}


@dataclass(frozen=True)
class Run:
    """One training run of the grid.

    Attributes
    ----------
    table : str
        ``"one-change"``, ``"tuning"``, ``"leave-one-out"``, ``"data"``, ``"reproducibility"``
        or ``"final"``.
    row : str
        The row inside its table (``"article"``, a key of :data:`CHANGES`, ...).
    label : str
        What the row changes, in words.
    variant : dict
        The :class:`helpers.models.Variant` fields that differ from the article's recipe.
    n_train : int
        Training digits: the first ``n_train`` of the split's 7,500 (10,000 for ``final``).
    seed : int
    split : str
        What scores it: ``"heldout"`` (after every epoch too) or ``"test"``.
    threads : int, optional
        TensorFlow threads for this run, overriding the grid's.

    Notes
    -----
    Taught in: no chapter (used by grid, run_grid and rerun).
    """

    table: str
    row: str
    label: str
    variant: dict
    n_train: int
    seed: int
    split: str = "heldout"
    threads: int | None = None

    @property
    def key(self) -> str:
        """``table:row:seed``, unique in the grid."""
        return f"{self.table}:{self.row}:{self.seed}"

    def recipe(self):
        """The :class:`helpers.models.Variant` this run trains."""
        from helpers.models import Variant

        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in self.variant.items()}
        return Variant(**fields)


def _modern(batch_size: int, epochs: int) -> dict:
    fields = {"batch_size": batch_size, "epochs": epochs}
    for _label, change in CHANGES.values():
        fields.update(change)
    return fields


def modern_recipe(batch_size: int = 128, epochs: int = 30):
    """Every change of :data:`CHANGES` on the article's network, as a Variant.

    Parameters
    ----------
    batch_size, epochs : int
        The schedule (the grid tries ``SCHEDULES``).

    Returns
    -------
    helpers.models.Variant

    Notes
    -----
    Taught in: chapter 7.
    """
    from helpers.models import Variant

    return Variant(**_modern(batch_size, epochs))


def _runs(table: str, rows: Iterable[tuple[str, str, dict, int]], split: str = "heldout"):
    return [Run(table, row, label, variant, n, seed, split)
            for row, label, variant, n in rows for seed in SEEDS]


def grid(stage: int, results: dict | None = None) -> list[Run]:
    """The runs of one stage of the grid.

    Stage 1: each change alone (``one-change``), every change for each of
    ``SCHEDULES`` (``tuning``), fewer digits (``data``), and the baseline once
    more on two threads (``reproducibility``). Stage 2: the tuned
    recipe less each change (``leave-one-out``), fewer digits. Stage 3: the chosen
    recipe on 10,000 digits, scored on the test split (``final``).

    Parameters
    ----------
    stage : {1, 2, 3}
    results : dict, optional
        Loaded results (:func:`load_results`), holding the stages before ``stage``.

    Returns
    -------
    list of Run

    Raises
    ------
    ValueError
        If ``stage`` is not 1, 2 or 3, or an earlier stage is incomplete.

    Notes
    -----
    Taught in: chapter 7.
    """
    if stage == 1:
        one = [("article", "the article's recipe (baseline)", {}, N_TRAIN)]
        one += [(name, label, change, N_TRAIN) for name, (label, change) in CHANGES.items()]
        one += [(name, label, change, n) for name, (label, change, n) in _OTHER_ROWS.items()]
        tuning = [(f"b{b}_e{e}", f"every change, batch {b}, {e} epochs", _modern(b, e), N_TRAIN)
                  for b, e in SCHEDULES]
        curve = [(f"article_{n}", f"the article's recipe on {n:,} digits", {}, n)
                 for n in _CURVE[:1]]
        # The article's recipe once more with two threads: how far a run moves when only
        # the order of floating-point sums changes (as on another machine).
        again = [Run("reproducibility", "article_2_threads", "the baseline, seed 0, two threads",
                     {}, N_TRAIN, 0, threads=2)]
        return (_runs("one-change", one) + _runs("tuning", tuning) + _runs("data", curve)
                + again)
    if stage == 2:
        batch, epochs = chosen_schedule(results)
        full = _modern(batch, epochs)
        loo = []
        for name, (label, change) in CHANGES.items():
            variant = {k: v for k, v in full.items() if k not in change}
            loo.append((f"minus_{name}", f"without {label}", variant, N_TRAIN))
        curve = [(f"modern_{n}", f"the modern recipe on {n:,} digits", full, n) for n in _CURVE]
        return _runs("leave-one-out", loo) + _runs("data", curve)
    if stage == 3:
        variant = best_variant(results)
        final = [("best", "the chosen recipe, all 10,000 digits", variant.changes(),
                  N_TRAIN + N_HELDOUT)]
        return _runs("final", final, split="test")
    raise ValueError(f"stage must be 1, 2 or 3, got {stage!r}")


def _row_runs(results: dict, table: str, row: str) -> list[dict]:
    """The stored runs of one row, by seed."""
    runs = [r for r in results["runs"].values() if r["table"] == table and r["row"] == row]
    return sorted(runs, key=lambda r: r["seed"])


def _accuracies(results: dict, table: str, row: str) -> np.ndarray:
    return np.array([r["accuracy"] for r in _row_runs(results, table, row)])


def _complete(results: dict | None, runs: list[Run], what: str) -> None:
    if results is None:
        raise ValueError(f"{what} needs the results of the earlier stages (results=...)")
    missing = [run.key for run in runs if run.key not in results["runs"]]
    if missing:
        raise ValueError(f"{what} needs {len(missing)} more runs first, e.g. {missing[0]}; "
                         f"run `make experiments`")


def chosen_schedule(results: dict) -> tuple[int, int]:
    """The modern recipe's (batch size, epochs), by the one-standard-error rule.

    The cheapest of ``SCHEDULES`` (fewest epochs, then larger batches) whose mean
    held-out accuracy is within one standard error of the best mean (Hastie et al.,
    *The Elements of Statistical Learning*, section 7.10).

    Parameters
    ----------
    results : dict
        Loaded results holding the ``tuning`` runs.

    Returns
    -------
    tuple of int
        ``(batch_size, epochs)``.

    Raises
    ------
    ValueError
        If a tuning run is missing.

    Notes
    -----
    Taught in: chapter 7.
    """
    tuning = [run for run in grid(1) if run.table == "tuning"]
    _complete(results, tuning, "chosen_schedule")
    scores = {(b, e): _accuracies(results, "tuning", f"b{b}_e{e}") for b, e in SCHEDULES}
    best = max(scores, key=lambda s: scores[s].mean())
    values = scores[best]
    threshold = values.mean() - values.std(ddof=1) / math.sqrt(len(values))
    close = [s for s in scores if scores[s].mean() >= threshold]
    return min(close, key=lambda s: (s[1], -s[0]))


def best_variant(results: dict):
    """The chosen recipe: the tuned modern recipe, less a change that hurts.

    Drops the one change whose removal raises the mean held-out accuracy most, if
    by more than twice the standard error of the difference; else keeps them all.

    Parameters
    ----------
    results : dict
        Loaded results holding the ``tuning`` and ``leave-one-out`` runs.

    Returns
    -------
    helpers.models.Variant

    Raises
    ------
    ValueError
        If a run it needs is missing.

    Notes
    -----
    Taught in: chapter 7.
    """
    from helpers.models import Variant

    loo = [run for run in grid(2, results) if run.table == "leave-one-out"]
    _complete(results, loo, "best_variant")
    batch, epochs = chosen_schedule(results)
    full = _accuracies(results, "tuning", f"b{batch}_e{epochs}")
    best_gain, dropped = 0.0, None
    for name in CHANGES:
        without = _accuracies(results, "leave-one-out", f"minus_{name}")
        gain = without.mean() - full.mean()
        error = math.sqrt(full.var(ddof=1) / len(full) + without.var(ddof=1) / len(without))
        if gain > 2 * error and gain > best_gain:
            best_gain, dropped = gain, name
    fields = _modern(batch, epochs)
    if dropped is not None:
        fields = {k: v for k, v in fields.items() if k not in CHANGES[dropped][1]}
    return Variant(**fields)


def code_hash(root: Path = ROOT) -> str:
    """A short hash of the training code (``_CODE``), docstrings left out.

    Parameters
    ----------
    root : pathlib.Path
        The book's root folder.

    Returns
    -------
    str
        12 hexadecimal digits of a SHA-256.

    Notes
    -----
    Taught in: chapter 7.
    """
    digest = hashlib.sha256()
    for name, wanted in _CODE.items():
        tree = ast.parse((root / name).read_text())
        found = {node.name: node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        for item in wanted:
            node = found.get(item)
            if node is None:
                digest.update(f"{name}:{item} missing".encode())
                continue
            for inner in ast.walk(node):
                body = getattr(inner, "body", None)
                if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                        and isinstance(body[0].value, ast.Constant)
                        and isinstance(body[0].value.value, str)):
                    inner.body = body[1:] or [ast.Pass()]
            digest.update(f"{name}:{item}\n{ast.dump(node)}\n".encode())
    return digest.hexdigest()[:12]


def _machine() -> str:
    try:
        cpu = next(line.split(":", 1)[1].strip()
                   for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} logical cores"


def _versions() -> dict:
    import keras
    import sklearn

    backend = keras.backend.backend()
    versions = {"python": platform.python_version(), "numpy": np.__version__,
                "keras": keras.__version__, "scikit-learn": sklearn.__version__,
                "backend": backend}
    if backend == "tensorflow":
        import tensorflow as tf

        versions["tensorflow"] = tf.__version__
    elif backend == "jax":
        import jax

        versions["jax"] = jax.__version__
        versions["device"] = str(jax.devices()[0])
    return versions


def _set_threads(threads: int | None) -> None:
    import keras

    if threads and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def _data(run: Run):
    from helpers import data

    x_train, x_heldout, y_train, y_heldout = data.article_split(seed=0)
    if run.split == "test":
        x_test, y_test = data.load_mnist("test")
        x_all = np.concatenate([x_train, x_heldout])
        y_all = np.concatenate([y_train, y_heldout])
        return x_all[:run.n_train], y_all[:run.n_train], x_test, y_test
    return x_train[:run.n_train], y_train[:run.n_train], x_heldout, y_heldout


def train(run: Run, *, threads: int | None = None, keep_model: bool = False):
    """Train one run in this process; return its record and the trained model.

    Parameters
    ----------
    run : Run
    threads : int, optional
        TensorFlow's threads (default: all cores).
    keep_model : bool, default False

    Returns
    -------
    tuple of (dict, keras.Model or None)
        The record stored in the results file, and the model if kept.

    Notes
    -----
    Taught in: chapter 7.
    """
    from helpers import models

    threads = run.threads or threads
    _set_threads(threads)
    x_train, y_train, x_eval, y_eval = _data(run)
    result = models.train_variant(run.recipe(), x_train, y_train, x_eval, y_eval,
                                  seed=run.seed, every_epoch=run.split == "heldout",
                                  keep_model=keep_model)
    record = dataclasses.asdict(run) | {
        "accuracy": result.accuracy,
        "seconds": round(result.seconds, 2),
        "cpu_seconds": round(result.cpu_seconds, 2),
        "history": result.history,
        "threads": threads or os.cpu_count(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": _machine(),
        "versions": _versions(),
        "code_hash": code_hash(),
    }
    record["variant"] = {k: list(v) if isinstance(v, tuple) else v
                         for k, v in record["variant"].items()}
    return record, result.model


def load_results(path: str | os.PathLike = RESULTS) -> dict:
    """Read a results file (an empty grid if it does not exist yet).

    Parameters
    ----------
    path : str or os.PathLike, default :data:`RESULTS`

    Returns
    -------
    dict
        ``{"about": str, "provenance": dict, "runs": {key: record}}``.

    Raises
    ------
    ValueError
        If the file is not a results file.

    Notes
    -----
    Taught in: chapter 7.
    """
    path = Path(path)
    if not path.is_file():
        return {"about": _ABOUT, "provenance": {}, "runs": {}}
    results = json.loads(path.read_text())
    if not isinstance(results, dict) or not isinstance(results.get("runs"), dict):
        raise ValueError(f"path must be a results file written by run_grid, got {path}")
    return results


_ABOUT = ("Chapter 7's experiments (helpers/experiments.py), written by `make experiments`. "
          "Each run: the grid row, seed, recipe, accuracy on the split that scored it, wall and "
          "processor seconds of fit, per-epoch history, and provenance.")


def _save(results: dict, path: Path) -> None:
    runs = results["runs"]
    results["provenance"] = {
        "updated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "runs": len(runs),
        "code_hashes": sorted({r["code_hash"] for r in runs.values()}),
        "machines": sorted({r["machine"] for r in runs.values()}),
        "versions": sorted({json.dumps(r["versions"], sort_keys=True) for r in runs.values()}),
        "command": "make experiments (python tools/experiments.py)",
    }
    results["runs"] = dict(sorted(runs.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(json.dumps(results, indent=1) + "\n")
    os.replace(partial, path)


def run_grid(path: str | os.PathLike = RESULTS, *, stages: Iterable[int] = (1, 2, 3),
             workers: int = 1, threads: int | None = None,
             log: Callable[[str], None] = print) -> dict:
    """Train every run missing from the results file, each in a fresh Python process.

    Resumable: the file is rewritten after every run, and stored runs are skipped.

    Parameters
    ----------
    path : str or os.PathLike, default :data:`RESULTS`
    stages : iterable of int, default (1, 2, 3)
    workers : int, default 1
        Runs trained at the same time.
    threads : int, optional
        TensorFlow threads per run (default: all cores).
    log : callable, default print
        Receives one line per stage and per finished run.

    Returns
    -------
    dict
        The results (as :func:`load_results` reads them).

    Raises
    ------
    RuntimeError
        If a run fails (runs not yet started are cancelled; those already running
        finish first).

    Notes
    -----
    Taught in: chapter 7.
    """
    path = Path(path)
    results = load_results(path)
    for stage in stages:
        todo = [run for run in grid(stage, results) if run.key not in results["runs"]]
        log(f"stage {stage}: {len(todo)} runs to train")
        with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(workers) as pool:
            jobs = {pool.submit(_train_in_process, run, Path(scratch) / f"{i}.json", threads): run
                    for i, run in enumerate(todo)}
            try:
                for job in as_completed(jobs):
                    run, record = jobs[job], job.result()
                    results = load_results(path)
                    results["runs"][run.key] = record
                    _save(results, path)
                    log(f"{run.key:36} {100 * record['accuracy']:6.2f} % on {run.split}, "
                        f"{record['seconds']:5.0f} s of training")
            except BaseException:
                pool.shutdown(cancel_futures=True)
                raise
    return results


def _train_in_process(run: Run, out: Path, threads: int | None,
                      model_path: Path | None = None) -> dict:
    """Train ``run`` in a fresh process (``python -m helpers.experiments``); its record."""
    command = [sys.executable, "-m", "helpers.experiments", json.dumps(dataclasses.asdict(run)),
               str(out), str(run.threads or threads or 0)]
    if model_path is not None:
        command.append(str(model_path))
    process = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    if process.returncode != 0 or not out.is_file():
        raise RuntimeError(f"run {run.key} failed:\n{process.stderr[-3000:]}")
    return json.loads(out.read_text())


def rerun(results: dict, key: str, *, threads: int | None = None,
          model_path: str | os.PathLike | None = None):
    """Train a stored run again in a fresh process, as the grid did.

    A fresh process, because TensorFlow fixes its thread count when it starts,
    and the thread count changes the order of floating-point sums.

    Parameters
    ----------
    results : dict
    key : str
        A run's key, ``table:row:seed``.
    threads : int, optional
        Threads for the run (default: the stored run's).
    model_path : str or os.PathLike, optional
        Save the new model there (a ``.keras`` file) and load it back.

    Returns
    -------
    tuple of (dict, dict, keras.Model or None)
        The stored record, the new one, and the new model if ``model_path`` is given.

    Raises
    ------
    KeyError
        If no run has that key.
    RuntimeError
        If the run fails.

    Notes
    -----
    Taught in: chapter 7.
    """
    stored = results["runs"][key]
    fields = {f.name for f in dataclasses.fields(Run)}
    run = Run(**{k: v for k, v in stored.items() if k in fields})
    with tempfile.TemporaryDirectory() as scratch:
        record = _train_in_process(run, Path(scratch) / "run.json",
                                   threads or stored.get("threads"),
                                   None if model_path is None else Path(model_path))
    if model_path is None:
        return stored, record, None
    import keras

    return stored, record, keras.models.load_model(model_path)


def summary(results: dict, table: str, row: str) -> dict:
    """Mean, standard deviation and values of one row's accuracy (in percent) and cost.

    Parameters
    ----------
    results : dict
    table, row : str

    Returns
    -------
    dict
        ``mean``, ``sd`` (sample), ``values`` (by seed), ``cpu_seconds`` and
        ``seconds`` (means), ``label``, ``n`` (seeds).

    Raises
    ------
    KeyError
        If the row has no runs.

    Notes
    -----
    Taught in: chapter 7.
    """
    runs = _row_runs(results, table, row)
    if not runs:
        raise KeyError(f"no runs for row {row!r} of table {table!r}")
    values = np.array([100 * r["accuracy"] for r in runs])
    return {"label": runs[0]["label"], "n": len(runs), "values": values.tolist(),
            "mean": float(values.mean()), "sd": float(values.std(ddof=1)) if len(runs) > 1 else 0.0,
            "cpu_seconds": float(np.mean([r["cpu_seconds"] for r in runs])),
            "seconds": float(np.mean([r["seconds"] for r in runs]))}


def table(results: dict, name: str, *, baseline: tuple[str, str] | None = None,
          include_baseline: bool = False):
    """One table of the grid as a DataFrame: mean and spread of each row, and its cost.

    Parameters
    ----------
    results : dict
    name : str
        ``"one-change"``, ``"tuning"``, ``"leave-one-out"``, ``"data"`` or ``"final"``.
    baseline : tuple of (table, row), optional
        The row the differences and cost ratios refer to.
    include_baseline : bool, default False
        Put the baseline's row first when it belongs to another table.

    Returns
    -------
    pandas.DataFrame
        Indexed by label in grid order (row names in ``attrs["rows"]``): ``accuracy (%)``,
        ``sd``, ``seeds``; with a baseline, ``change (points)`` and ``cost (x baseline)``.

    Notes
    -----
    Taught in: chapter 7.
    """
    import pandas as pd

    order = list(dict.fromkeys(r["row"] for r in _in_grid_order(results) if r["table"] == name))
    rows = [summary(results, name, row) for row in order]
    if include_baseline and baseline is not None:
        rows.insert(0, summary(results, *baseline))
        order.insert(0, baseline[1])
    frame = pd.DataFrame({"accuracy (%)": [r["mean"] for r in rows],
                          "sd": [r["sd"] for r in rows],
                          "seeds": [r["n"] for r in rows]},
                         index=pd.Index([r["label"] for r in rows], name="row"))
    if baseline is not None:
        base = summary(results, *baseline)
        frame["change (points)"] = frame["accuracy (%)"] - base["mean"]
        frame["cost (x baseline)"] = [r["cpu_seconds"] / base["cpu_seconds"] for r in rows]
    frame.attrs["rows"] = order
    return frame


def styled(frame, caption: str):
    """A table of :func:`table` as the chapter shows it: 2 decimals, a caption, no ``seeds``.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`table` (a ``verdict`` column may have been added).
    caption : str

    Returns
    -------
    pandas.io.formats.style.Styler

    Notes
    -----
    Taught in: chapter 7.
    """
    formats = {"accuracy (%)": "{:.2f}", "sd": "{:.2f}", "change (points)": "{:+.2f}",
               "cost (x baseline)": "{:.2f}"}
    return (frame.style.format({k: v for k, v in formats.items() if k in frame})
            .hide(["seeds"], axis="columns").set_caption(caption))


def _in_grid_order(results: dict) -> list[dict]:
    order = {}
    for stage in (1, 2, 3):
        try:
            runs = grid(stage, results)
        except ValueError:
            break
        for run in runs:
            order.setdefault((run.table, run.row), len(order))
    stored = results["runs"].values()
    return sorted(stored, key=lambda r: (order.get((r["table"], r["row"]), len(order)), r["seed"]))


def plot_tables(frames: dict, *, reference: dict | None = None):
    """Draw tables of :func:`table` side by side: each row's mean accuracy and sd bar.

    Parameters
    ----------
    frames : dict of str to pandas.DataFrame
        Panel title -> table.
    reference : dict of str to float, optional
        Panel title -> accuracy (%) drawn as a dashed line (the baseline's mean).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Taught in: chapter 7.
    """
    import matplotlib.pyplot as plt

    heights = [len(f) for f in frames.values()]
    fig, axes = plt.subplots(1, len(frames), figsize=(4.8 * len(frames), 0.36 * max(heights) + 1.2),
                             squeeze=False)
    for ax, (title, frame) in zip(axes[0], frames.items(), strict=True):
        y = np.arange(len(frame))
        ax.errorbar(frame["accuracy (%)"], y, xerr=frame["sd"], fmt="o", color="C0",
                    ecolor="C0", capsize=3, label="mean ± sd over seeds")
        if reference and title in reference:
            ax.axvline(reference[title], color="grey", ls="--", lw=1)
        ax.set_yticks(y, frame.index)
        ax.invert_yaxis()
        ax.set_xlabel("held-out accuracy (%)")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def _job_main(argv: list[str]) -> int:
    """``python -m helpers.experiments RUN_JSON OUT THREADS [MODEL]``: one run, alone."""
    from helpers.book import setup

    setup(seed=0, keras=True)
    run = Run(**json.loads(argv[0]))
    threads = int(argv[2]) or None if len(argv) > 2 else None
    record, model = train(run, threads=threads, keep_model=len(argv) > 3)
    if model is not None:
        model.save(argv[3])
    Path(argv[1]).write_text(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(_job_main(sys.argv[1:]))
