"""Tests of helpers.experiments: chapter 7's grid, its selection rules and its results file."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import helpers

helpers.setup(seed=0, keras=True)

from helpers import experiments, models  # noqa: E402

needs_mnist = pytest.mark.skipif(not os.environ.get("MNIST_DIR"),
                                 reason="MNIST not available offline (set MNIST_DIR)")


def _fake_results(accuracy) -> dict:
    """Results of stages 1 and 2 with accuracies from ``accuracy(run)``."""
    results = {"about": "", "provenance": {}, "runs": {}}
    for stage in (1, 2):
        for run in experiments.grid(stage, results):
            record = dataclasses.asdict(run) | {"accuracy": accuracy(run), "cpu_seconds": 10.0,
                                                "seconds": 12.0}
            results["runs"][run.key] = record
    return results


def _noise(run) -> float:
    return 0.001 * (run.seed - 1)  # seeds 0, 1, 2: -0.001, 0, +0.001


# --------------------------------------------------------------------------- the grid


def test_each_one_change_row_changes_one_thing():
    runs = [r for r in experiments.grid(1) if r.table == "one-change"]
    rows = {r.row: r for r in runs if r.seed == 0}
    assert rows["article"].variant == {} and rows["article"].n_train == experiments.N_TRAIN
    for name, (_label, change) in experiments.CHANGES.items():
        assert rows[name].variant == change and len(change) == 1, name
        assert rows[name].recipe().changes() == change
    assert rows["half_data"].variant == {} and rows["half_data"].n_train == 3750
    assert rows["mlp"].recipe().filters == ()
    assert rows["epochs30"].recipe().changes() == {"epochs": 30}
    assert sorted({r.seed for r in runs}) == list(experiments.SEEDS) and len(experiments.SEEDS) >= 3
    assert len({r.key for r in experiments.grid(1)}) == len(experiments.grid(1))


def test_every_grid_run_is_scored_on_heldout_digits_except_the_final_one():
    results = _fake_results(lambda run: 0.95 + _noise(run))
    for stage in (1, 2):
        assert {r.split for r in experiments.grid(stage, results)} == {"heldout"}
    final = experiments.grid(3, results)
    assert {r.split for r in final} == {"test"} and {r.n_train for r in final} == {10_000}


def test_later_stages_need_earlier_results():
    with pytest.raises(ValueError, match="results"):
        experiments.grid(2)
    partial = _fake_results(lambda run: 0.9)
    partial["runs"].pop(next(k for k in partial["runs"] if k.startswith("tuning:")))
    with pytest.raises(ValueError, match="make experiments"):
        experiments.chosen_schedule(partial)
    with pytest.raises(ValueError, match="stage"):
        experiments.grid(4)


def test_chosen_schedule_takes_the_best_mean_and_breaks_ties_towards_less_training():
    best = lambda run: 0.99 if run.row == "b128_e30" else 0.98  # noqa: E731
    assert experiments.chosen_schedule(_fake_results(lambda r: best(r) + _noise(r))) == (128, 30)
    tie = _fake_results(lambda run: 0.98)
    assert experiments.chosen_schedule(tie) == (128, 15)


def test_best_variant_drops_a_change_only_beyond_two_standard_errors():
    def accuracy(run, gain):
        value = 0.98 + _noise(run)
        return value + gain if run.row == "minus_dropout" else value

    kept = experiments.best_variant(_fake_results(lambda r: accuracy(r, 0.001)))
    assert kept == experiments.modern_recipe(*experiments.chosen_schedule(
        _fake_results(lambda r: accuracy(r, 0.001))))
    dropped = experiments.best_variant(_fake_results(lambda r: accuracy(r, 0.01)))
    assert dropped.dropout == 0.0 and dropped.augment and dropped.batchnorm


def test_summary_and_table_report_mean_and_sample_sd():
    results = _fake_results(lambda run: 0.95 + _noise(run) + (0.01 if run.row == "scale" else 0))
    row = experiments.summary(results, "one-change", "scale")
    assert row["values"] == pytest.approx([95.9, 96.0, 96.1])
    assert row["mean"] == pytest.approx(96.0) and row["sd"] == pytest.approx(0.1)
    frame = experiments.table(results, "one-change", baseline=("one-change", "article"))
    assert frame.index[0] == "the article's recipe (baseline)"
    assert frame.loc["inputs scaled to [0, 1]", "change (points)"] == pytest.approx(1.0)
    assert frame["cost (x baseline)"].eq(1.0).all() and frame["seeds"].eq(3).all()
    with pytest.raises(KeyError):
        experiments.summary(results, "one-change", "nothing")


# --------------------------------------------------------------------------- provenance


def test_code_hash_ignores_docstrings_but_not_code(tmp_path):
    for name in experiments._CODE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(experiments.ROOT / name, tmp_path / name)
    original = experiments.code_hash(tmp_path)
    assert original == experiments.code_hash()
    models_py = tmp_path / "helpers" / "models.py"
    text = models_py.read_text()
    models_py.write_text(text.replace("Build and compile the network", "Build the network"))
    assert experiments.code_hash(tmp_path) == original
    models_py.write_text(text.replace("momentum=0.9, nesterov=True",
                                      "momentum=0.8, nesterov=True"))
    assert experiments.code_hash(tmp_path) != original


def test_load_results(tmp_path):
    assert experiments.load_results(tmp_path / "none.json")["runs"] == {}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([1, 2]))
    with pytest.raises(ValueError, match="results file"):
        experiments.load_results(bad)


# --------------------------------------------------------------------------- training


@needs_mnist
@pytest.mark.slow
def test_train_records_provenance_and_repeats_exactly(tmp_path):
    tiny = {"filters": [], "dense": [32], "epochs": 3, "scale": True, "optimizer": "adam",
            "loss": "crossentropy", "activation": "relu"}
    run = experiments.Run("test", "tiny", "a tiny MLP", tiny, 300, 0)

    def train_in_a_fresh_process(name):
        # As the grid does: the thread count can only be set before TensorFlow starts,
        # and this test process has started it already.
        out = tmp_path / f"{name}.json"
        subprocess.run([sys.executable, "-m", "helpers.experiments",
                        json.dumps(dataclasses.asdict(run)), str(out), "1"],
                       cwd=experiments.ROOT, check=True, capture_output=True, text=True)
        return json.loads(out.read_text())

    first, second = train_in_a_fresh_process("first"), train_in_a_fresh_process("second")
    assert first["accuracy"] == second["accuracy"] > 0.3
    assert first["history"] == second["history"]
    assert len(first["history"]["val_accuracy"]) == 3
    assert first["code_hash"] == experiments.code_hash() and first["threads"] == 1
    assert first["versions"]["keras"] and first["machine"] and first["date"]
    json.dumps(first)  # storable as it is


@needs_mnist
@pytest.mark.slow
def test_run_grid_resumes_and_rerun_reproduces(tmp_path, monkeypatch):
    tiny = [experiments.Run("one-change", row, row, {"filters": [], "dense": [8], "epochs": 1,
                                                      **change}, 200, seed)
            for row, change in (("article", {}), ("scale", {"scale": True})) for seed in (0, 1)]
    monkeypatch.setattr(experiments, "grid", lambda stage, results=None: tiny if stage == 1 else [])
    path = tmp_path / "results.json"
    lines: list[str] = []
    results = experiments.run_grid(path, stages=[1], workers=2, threads=1, log=lines.append)
    assert set(results["runs"]) == {run.key for run in tiny}
    assert results["provenance"]["runs"] == 4 and len(lines) == 5
    again = experiments.run_grid(path, stages=[1], log=lines.append)
    assert again["runs"] == results["runs"] and lines[-1] == "stage 1: 0 runs to train"
    stored, record, model = experiments.rerun(results, "one-change:scale:1",
                                              model_path=tmp_path / "again.keras")
    assert record["history"] == stored["history"] and record["accuracy"] == stored["accuracy"]
    assert model is not None
    assert np.isclose(100 * stored["accuracy"],
                      experiments.summary(results, "one-change", "scale")["values"][1])
    assert models.Variant(**{k: tuple(v) if isinstance(v, list) else v
                             for k, v in stored["variant"].items()}).scale
