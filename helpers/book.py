"""Notebook set-up shared by every chapter: quiet logs, seeds, glue.

Every chapter's first (hidden) cell calls :func:`setup`. Chapters that state
a computed number in their prose store it with :func:`glue`.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator

import numpy as np

_LOG_ENV = {
    # TensorFlow's C++ logging: 3 hides INFO, WARNING and ERROR start-up lines.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # XLA / absl warnings that precede logging initialisation.
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "3",
}


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send the process's file descriptor 2 to ``/dev/null`` for a block.

    C++ libraries (TensorFlow's oneDNN banner, absl) write to descriptor 2
    directly, so ``contextlib.redirect_stderr`` cannot catch them; a Jupyter
    kernel would show those lines as red stderr output.

    Taught in: no chapter (used by the chapters' set-up, helpers.setup).

    Examples
    --------
    >>> with quiet_stderr():
    ...     import os  # anything noisy goes here
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (some embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def setup(seed: int = 0, *, keras: bool = False) -> np.random.Generator:
    """Prepare a chapter's kernel: quiet logs, seeded generators, plot style.

    Call it once, in a notebook's first cell, before anything imports
    TensorFlow or Keras.

    Parameters
    ----------
    seed : int, default 0
        Seed for Python's ``random``, NumPy's legacy global generator and,
        with ``keras=True``, Keras and its backend.
    keras : bool, default False
        Also import Keras (with its backend's start-up banner silenced) and
        call ``keras.utils.set_random_seed(seed)``.

    Returns
    -------
    numpy.random.Generator
        A fresh generator seeded with ``seed``, for the chapter's own draws.

    Raises
    ------
    TypeError
        If ``seed`` is not an int.
    ValueError
        If ``seed`` is negative.

    Notes
    -----
    Taught in: every chapter (its hidden first cell).

    Examples
    --------
    >>> rng = setup(seed=1)
    >>> float(rng.random()) < 1.0
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    for name, value in _LOG_ENV.items():
        os.environ.setdefault(name, value)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - some libraries still draw from it
    _style_plots()
    if keras:
        with quiet_stderr():
            import keras as _keras

            _keras.utils.set_random_seed(int(seed))
    return np.random.default_rng(seed)


def _style_plots() -> None:
    """One look for every figure: readable sizes, perceptually uniform maps."""
    try:
        import matplotlib as mpl
    except ImportError:  # pragma: no cover - matplotlib is a requirement
        return
    mpl.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "figure.figsize": (7.0, 3.5),
            "image.cmap": "viridis",
            "axes.grid": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
            "animation.embed_limit": 40.0,
        }
    )


#: MIME prefix under which myst-nb finds glued values in a cell's outputs.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, *, display: bool = False):
    """Store ``value`` under ``name`` so the prose can show it.

    Does what :func:`myst_nb.glue` does (a display output whose MIME types
    carry myst-nb's glue prefix and the name), without importing myst-nb and
    nbformat, which costs seconds per chapter and is missing on Colab. NumPy
    scalars are turned into Python numbers first, so ``{glue:text}`` format
    specifications such as ``:.3f`` apply to them. Outside IPython (a plain
    script) nothing is displayed.

    Parameters
    ----------
    name : str
        The key the text uses, as in ``{glue:text}`name:.3f```.
    value : object
        A number, string, figure or DataFrame.
    display : bool, default False
        Also show the value in the notebook where it is computed.

    Returns
    -------
    object
        ``value``, unchanged, so a cell can glue and keep using it.

    Raises
    ------
    TypeError
        If ``name`` is not a non-empty string.

    Notes
    -----
    Taught in: every chapter that states a computed number.

    Examples
    --------
    >>> glue("answer", np.float64(0.5))
    np.float64(0.5)
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display as ipy_display
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return value
    if get_ipython() is None:
        return value
    shown = value.item() if isinstance(value, np.generic) else value
    bundle, metadata = format_display_data(shown)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + key: data for key, data in bundle.items()}, raw=True, metadata=metadata)
    return value
