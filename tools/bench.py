"""The book's benchmark: writes a Markdown report of speed and memory.

Sections (``--only`` picks some; all by default):

``conv``
    helpers.convolution against SciPy on a 512x512 image, as ratios
    (direct, FFT, separable, the teaching loop).
``notebooks``
    each chapter executed once on a fresh kernel: wall time and the kernel's
    peak resident memory (sampled every 50 ms over the kernel's process tree).
``build``
    the whole book: a cold build (empty jupyter-cache, every notebook
    executed) and a cached rebuild, each timed.
``gpu``
    figures from GPU runs saved as ``bench/gpu-*.json`` (see
    ``tools/train_bench.py``), copied into the report when present.

Usage: ``python tools/bench.py --output bench/report.md [--only conv notebooks]``.
Timings are machine-dependent; the report names the machine and date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("conv", "notebooks", "build", "gpu")
#: Speed targets, checked here rather than in timed tests (a shared CPU's noise would
#: make those flaky): (what is timed, largest ratio allowed).
TARGETS = [("convolve2d (direct) / scipy.signal.convolve2d, 256x256 image, 3x3 kernel, "
            "mode same, boundary symm", 3.0)]
#: Targets missed in this run; ``main`` exits 1 if any.
_missed: list[str] = []


# --------------------------------------------------------------------------- helpers
def _best_time(function, repeat: int = 5, number: int = 1) -> float:
    from helpers.filters import time_call

    return time_call(function, repeat=repeat, number=number)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


class PeakMemory:
    """Sample the resident memory of a process tree in a background thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self._root = psutil.Process(pid)
        self._interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self._root, *self._root.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            time.sleep(self._interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- sections
def bench_conv() -> str:
    """Convolution speed as ratios to SciPy on a 512x512 image."""
    from scipy import signal

    from helpers import convolution, kernels

    rng = np.random.default_rng(0)
    image = rng.random((512, 512))
    rows = []
    for size in (3, 5, 9, 15):
        kernel = kernels.gaussian(size)
        column = kernels.gaussian_1d(size)
        scipy_time = _best_time(lambda k=kernel: signal.convolve2d(image, k, mode="same"))
        fft_scipy = _best_time(lambda k=kernel: signal.fftconvolve(image, k, mode="same"))
        direct = _best_time(lambda k=kernel: convolution.convolve2d(image, k, mode="same"))
        fft = _best_time(
            lambda k=kernel: convolution.convolve2d(image, k, mode="same", method="fft")
        )
        separable = _best_time(
            lambda c=column: convolution.convolve_separable(image, c, c, mode="same")
        )
        rows.append([
            f"{size}x{size}", f"{direct / scipy_time:.2f}", f"{fft / scipy_time:.2f}",
            f"{separable / scipy_time:.2f}", f"{fft_scipy / scipy_time:.2f}",
        ])
    small = rng.random((64, 64))
    kernel = kernels.box(3)
    loop = _best_time(lambda: convolution.convolve2d_loop(small, kernel, mode="same"), repeat=3)
    vec = _best_time(lambda: convolution.convolve2d(small, kernel, mode="same"), repeat=20)
    guard_image, guard_kernel = rng.random((256, 256)), rng.random((3, 3))
    theirs = _best_time(lambda: signal.convolve2d(guard_image, guard_kernel, "same", "symm"))
    ours = _best_time(lambda: convolution.convolve2d(guard_image, guard_kernel, "same", "symm"))
    measured = [ours / theirs]
    target_rows = []
    for (what, limit), ratio in zip(TARGETS, measured, strict=True):
        met = ratio <= limit
        if not met:
            _missed.append(f"{what}: {ratio:.1f}x, target {limit:.0f}x")
        target_rows.append([what, f"{ratio:.2f}", f"at most {limit:.0f}", "met" if met else "MISSED"])
    text = [
        "## Convolution speed",
        "",
        "Time of each method divided by `scipy.signal.convolve2d` on the same "
        "512x512 float64 image, `mode=\"same\"`, `boundary=\"fill\"`, Gaussian "
        "kernels (best of 5). Below 1 is faster than SciPy.",
        "",
        _table(
            ["kernel", "convolve2d direct", "convolve2d fft", "convolve_separable",
             "scipy fftconvolve"],
            rows,
        ),
        "",
        f"The teaching loop `convolve2d_loop` is {loop / vec:.0f}x slower than the "
        "vectorised `convolve2d` on a 64x64 image with a 3x3 kernel.",
        "",
        "Speed targets (`make bench` fails when one is missed):",
        "",
        _table(["ratio", "measured", "target", ""], target_rows),
    ]
    return "\n".join(text)


def _execute(path: Path, timeout: int = 1800) -> tuple[float, int]:
    """Execute one notebook on a fresh kernel; return (seconds, peak bytes)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    with client.setup_kernel(cwd=str(path.parent)):
        pid = client.km.provisioner.process.pid
        with PeakMemory(pid) as memory:
            client.execute(cleanup_kc=False)
    return time.perf_counter() - start, memory.peak


def bench_notebooks() -> str:
    rows = []
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        print(f"  executing {path.name} ...", flush=True)
        seconds, peak = _execute(path)
        rows.append([path.stem, f"{seconds:.1f}", f"{peak / 2**20:.0f}"])
    return "\n".join([
        "## Notebooks",
        "",
        "Each chapter executed top to bottom on a fresh kernel (nbclient), with "
        f"MNIST_DIR={'set' if os.environ.get('MNIST_DIR') else 'unset'}. Peak memory is "
        "the kernel's resident set (its process tree), sampled every 50 ms.",
        "",
        _table(["chapter", "execution time (s)", "peak memory (MiB)"], rows),
        "",
        f"Largest peak: {max(float(r[2]) for r in rows):.0f} MiB (Binder allows 2048 MiB; "
        "the book's budget is 1536 MiB).",
    ])


def bench_build() -> str:
    jb = Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book"
        cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
        times = []
        for label in ("cold", "cached"):
            print(f"  {label} build ...", flush=True)
            start = time.perf_counter()
            result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                tail = "\n".join(result.stdout.splitlines()[-20:] + result.stderr.splitlines()[-20:])
                raise RuntimeError(f"{label} build failed:\n{tail}")
            if label == "cold":
                shutil.rmtree(out / "_build" / "html")  # keep the cache, drop the site
    return "\n".join([
        "## Whole-book build",
        "",
        "`jupyter-book build -W -n --keep-going` into a temporary folder: cold (empty "
        "jupyter-cache, every notebook executed), then again with the cache filled.",
        "",
        _table(["build", "time (s)", "time (min)"],
               [["cold", f"{times[0]:.0f}", f"{times[0] / 60:.1f}"],
                ["cached rebuild", f"{times[1]:.0f}", f"{times[1] / 60:.1f}"]]),
    ])


def bench_gpu() -> str:
    files = sorted((ROOT / "bench").glob("gpu-*.json"))
    if not files:
        return "## GPU\n\nNo GPU measurements (`bench/gpu-*.json`) are present."
    rows = []
    for path in files:
        report = json.loads(path.read_text())  # written by tools/train_bench.py
        for run in report.get("runs", []):
            rows.append([run.get("job", "?"), report.get("backend", "?"), report.get("device", "?"),
                         run.get("epochs", "?"), f"{run.get('seconds', float('nan')):.1f}",
                         f"{run.get('accuracy', float('nan')):.4f}"])
    return "\n".join([
        "## GPU",
        "",
        "Training measured on a GPU machine with the JAX backend (`tools/train_bench.py`).",
        "",
        _table(["model", "backend", "device", "epochs", "training time (s)", "accuracy"], rows),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "report.md")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    import psutil

    header = [
        "# Benchmark report",
        "",
        f"Machine: {platform.node() or 'this machine'}, "
        f"{psutil.cpu_count(logical=True)} CPU cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB memory, Python {platform.python_version()}, "
        f"NumPy {np.__version__}. Regenerate with `make bench`.",
    ]
    # Each section is kept in its own file, so `--only` refreshes some sections
    # and the report still holds the latest measurement of every other one.
    parts = args.output.parent / "sections"
    parts.mkdir(parents=True, exist_ok=True)
    for name in SECTIONS:
        if name in args.only:
            print(f"[bench] {name}", flush=True)
            stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
            text = globals()[f"bench_{name}"]()
            (parts / f"{name}.md").write_text(f"{text}\n\n_Measured {stamp}._\n", encoding="utf-8")
    body = [(parts / f"{name}.md").read_text(encoding="utf-8").strip()
            for name in SECTIONS if (parts / f"{name}.md").exists()]
    args.output.write_text("\n\n".join(["\n".join(header), *body]) + "\n", encoding="utf-8")
    print(f"[bench] wrote {args.output}")
    for missed in _missed:
        print(f"[bench] speed target missed: {missed}", file=sys.stderr)
    return 1 if _missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
