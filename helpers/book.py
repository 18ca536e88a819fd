"""Notebook set-up shared by every chapter (:func:`setup`) and :func:`glue` for its prose."""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator

import numpy as np

from helpers._validate import integer

_LOG_ENV = {  # TensorFlow's C++ start-up lines, then XLA / absl warnings
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "3",
}


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send the process's file descriptor 2 to ``/dev/null`` for a block.

    C++ libraries (TensorFlow's oneDNN banner, absl) write to descriptor 2
    directly, past ``contextlib.redirect_stderr``.

    Taught in: no chapter (used by helpers.setup, helpers.data and the API page's build).

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

    Call it once, first, before anything imports TensorFlow or Keras.

    Parameters
    ----------
    seed : int, default 0
        Seed of Python's ``random``, NumPy's global generator and, with ``keras``, Keras.
    keras : bool, default False
        Also import Keras (its start-up banner silenced) and seed it.

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
    seed = integer(seed, "seed", minimum=0)
    for name, value in _LOG_ENV.items():
        os.environ.setdefault(name, value)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - some libraries still draw from it
    import matplotlib as mpl  # here: importing helpers stays cheap

    # One look for every figure.
    mpl.rc("figure", dpi=100, figsize=(7.0, 3.5))
    mpl.rc("savefig", dpi=100)
    mpl.rc("image", cmap="viridis")
    mpl.rc("axes", grid=False)
    mpl.rc("axes.spines", top=False, right=False)
    mpl.rc("font", size=10)
    mpl.rc("animation", embed_limit=40.0)
    if keras:
        with quiet_stderr():
            import keras as _keras

            _keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def glue(name: str, value):
    """Store ``value`` under ``name`` so the prose can show it.

    Emits what :func:`myst_nb.glue` emits with ``display=False``, without importing
    myst-nb (seconds per chapter, missing on Colab). NumPy scalars become Python
    numbers, so ``{glue:text}`` formats such as ``:.3f`` apply. Outside IPython it
    does nothing.

    Parameters
    ----------
    name : str
        The key the text uses, as in ``{glue:text}`name:.3f```.
    value : object
        A number, string, figure or DataFrame.

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
    from IPython import get_ipython
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if get_ipython() is None:
        return value
    bundle, metadata = format_display_data(value.item() if isinstance(value, np.generic) else value)
    prefix = "application/papermill.record/"  # the MIME prefix myst-nb looks for
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + key: data for key, data in bundle.items()}, raw=True, metadata=metadata)
    return value
