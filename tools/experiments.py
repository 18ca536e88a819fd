"""Run chapter 7's experiment grid into its committed results file (``make experiments``).

Every run trains in a fresh Python process, and the results file
(``data/ch7_experiments.json``) is rewritten after each, so the command is
resumable: runs already stored are skipped. See ``helpers/experiments.py``
for the grid, the selection rules and the file's contents.

Examples::

    MNIST_DIR=/data/mnist python tools/experiments.py --workers 2 --threads 1
    python tools/experiments.py --stages 1          # only the first stage
    python tools/experiments.py --results /tmp/ch7.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from helpers import experiments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=experiments.RESULTS,
                        help="results file (default: %(default)s)")
    parser.add_argument("--stages", type=int, nargs="+", default=[1, 2, 3], choices=[1, 2, 3])
    parser.add_argument("--workers", type=int, default=1, help="runs at the same time")
    parser.add_argument("--threads", type=int, default=None,
                        help="TensorFlow threads per run (default: all cores)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    experiments.run_grid(args.results, stages=args.stages, workers=args.workers,
                         threads=args.threads, log=lambda line: print(line, flush=True))
    print(f"done in {(time.perf_counter() - start) / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
