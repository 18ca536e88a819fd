"""Time the training of the book's two MNIST models on the current Keras backend.

Trains, with whatever backend ``KERAS_BACKEND`` selects (TensorFlow by
default, or JAX), and writes what it measured to a JSON file:

- ``article``: chapter 6's reproduction of the article (10 epochs, batch 32,
  on the 7,500 training digits of the article's split), scored on the
  2,500 held-out digits and on the official test split;
- ``best``: chapter 7's chosen recipe (``helpers.experiments.best_variant``,
  read from the committed results file; the modern recipe at batch 128 for
  30 epochs while the grid is incomplete), trained on the article's whole
  10,000-digit sample and scored on the official test split.

Nothing on this path imports TensorFlow unless it is the backend, so the
script runs on a machine that only has JAX. Give it MNIST with
``MNIST_DIR`` (a folder of the IDX files) or the cache ``data/mnist.npz``.

Examples::

    MNIST_DIR=/data/mnist python tools/train_bench.py --output bench/train_tf.json
    KERAS_BACKEND=jax python tools/train_bench.py --output bench/train_jax.json
    python tools/train_bench.py --quick --output /tmp/smoke.json   # a few seconds
    python tools/train_bench.py --jobs article --seeds 0 1 2 --output spread.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOBS = ("article", "best")


def _device() -> str:
    """Name the device training runs on, without importing another backend."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return f"{device.platform}: {getattr(device, 'device_kind', str(device))}"
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"gpu: {details.get('device_name', gpus[0].name)}"
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return f"gpu: {torch.cuda.get_device_name(0)}"
    return f"cpu: {_cpu_name()} ({os.cpu_count()} logical cores)"


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


class _EpochTimer:
    """A Keras callback (built lazily) that keeps each epoch's wall time."""

    @staticmethod
    def make():
        import keras

        class EpochTimer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seconds: list[float] = []

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self._start)

        return EpochTimer()


def _run_article(seed: int, quick: bool, verbose: int) -> dict:
    from helpers import data, models

    x_train, x_heldout, y_train, y_heldout = data.article_split(seed=seed)
    x_test, y_test = data.load_mnist("test")
    epochs = 10
    if quick:
        x_train, y_train, epochs = x_train[:512], y_train[:512], 1
    timer = _EpochTimer.make()
    result = models.train_variant(models.Variant(), x_train, y_train, x_heldout, y_heldout,
                                  epochs=epochs, seed=seed, verbose=verbose, callbacks=[timer])
    test_accuracy = models.accuracy(
        y_test, models.predict_classes(result.model, models.as_inputs(x_test)))
    return {
        "job": "article", "seed": seed, "epochs": epochs, "n_train": result.n_train,
        "batch_size": models.Variant().batch_size, "seconds": round(result.seconds, 2),
        "epoch_seconds": [round(s, 2) for s in timer.seconds],
        "accuracy": round(result.accuracy, 4), "accuracy_heldout": round(result.accuracy, 4),
        "accuracy_test": round(test_accuracy, 4),
    }


def _run_best(seed: int, quick: bool, verbose: int) -> dict:
    import numpy as np

    from helpers import data, experiments, models

    try:
        variant = experiments.best_variant(experiments.load_results())
    except ValueError:  # the grid has not chosen yet
        variant = experiments.modern_recipe()
    x_train, x_heldout, y_train, y_heldout = data.article_split(seed=0)
    x_sample, y_sample = np.concatenate([x_train, x_heldout]), np.concatenate([y_train, y_heldout])
    x_test, y_test = data.load_mnist("test")
    epochs = variant.epochs
    if quick:
        x_sample, y_sample, epochs = x_sample[:512], y_sample[:512], 1
    timer = _EpochTimer.make()
    result = models.train_variant(variant, x_sample, y_sample, x_test, y_test, epochs=epochs,
                                  seed=seed, every_epoch=False, verbose=verbose,
                                  callbacks=[timer])
    return {
        "job": "best", "seed": seed, "epochs": epochs, "n_train": result.n_train,
        "recipe": variant.changes() | {"epochs": epochs}, "batch_size": variant.batch_size, "seconds": round(result.seconds, 2),
        "epoch_seconds": [round(s, 2) for s in timer.seconds],
        "accuracy": round(result.accuracy, 4), "accuracy_test": round(result.accuracy, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--jobs", nargs="+", choices=JOBS, default=list(JOBS),
                        help="which models to train (default: both)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0],
                        help="seeds; each draws its own split and initial weights (default: 0)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 epoch on 512 digits per job")
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2),
                        help="Keras' progress output (default 2: one line per epoch)")
    args = parser.parse_args(argv)
    if any(seed < 0 for seed in args.seeds):
        parser.error(f"seeds must be >= 0, got {args.seeds}")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, str(ROOT))
    import keras

    from helpers import data

    started = time.perf_counter()
    report = {
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "device": _device(),
        "python": platform.python_version(),
        "mnist_source": data.mnist_source(),
        "quick": args.quick,
        "load_average_before": [round(v, 2) for v in os.getloadavg()],
        "runs": [],
    }
    runners = {"article": _run_article, "best": _run_best}
    for job in args.jobs:
        for seed in args.seeds:
            print(f"== {job}, seed {seed}, backend {report['backend']}", flush=True)
            run = runners[job](seed, args.quick, args.verbose)
            print(json.dumps(run), flush=True)
            report["runs"].append(run)
    report["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 if sys.platform == "darwin" else 1024
    report["peak_memory_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
