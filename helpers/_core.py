"""Pieces several helpers modules compute alike, written once.

* How an image is extended beyond its edges (SciPy's boundary names in
  :func:`numpy.pad` terms): :func:`pad`.
* Where the output of a 2-D convolution or correlation sits inside the *full*
  result, and its shape: :func:`placement`.
* Central finite differences: :func:`central_differences`.

Used by :mod:`helpers.convolution`, :mod:`helpers.conv_layer`,
:mod:`helpers.plotting` and :mod:`helpers.nn`; arguments are validated by
their callers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: SciPy's boundary names mapped to :func:`numpy.pad` modes.
PAD_MODES = {"fill": "constant", "wrap": "wrap", "symm": "symmetric"}


def pad(array: np.ndarray, widths, boundary: str, fillvalue=0.0) -> np.ndarray:
    """``array`` extended by ``widths`` (``numpy.pad``'s form) as SciPy's ``boundary`` says;
    ``"fill"`` pads with ``fillvalue``. Always a new array."""
    if boundary == "fill":
        return np.pad(array, widths, mode="constant", constant_values=fillvalue)
    return np.pad(array, widths, mode=PAD_MODES[boundary])


def placement(
    image_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str, correlate: bool
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Index in the full result of ``output[0, 0]``, and the output's shape.

    The full convolution (or correlation) of an ``N``-pixel axis with a
    ``P``-tap kernel has ``N + P - 1`` positions. ``"full"`` keeps them all;
    ``"valid"`` keeps the ``N - P + 1`` from index ``P - 1``; ``"same"`` keeps
    ``N`` from ``(P - 1) // 2`` for convolution and ``P // 2`` for correlation,
    as SciPy centres them (the two differ for even kernels). For ``"valid"``
    the kernel must fit inside the image (callers swap the inputs first).
    """
    start, shape = [], []
    for n, p in zip(image_shape, kernel_shape, strict=True):
        if mode == "full":
            start.append(0)
            shape.append(n + p - 1)
        elif mode == "valid":
            start.append(p - 1)
            shape.append(n - p + 1)
        else:
            start.append(p // 2 if correlate else (p - 1) // 2)
            shape.append(n)
    return (start[0], start[1]), (shape[0], shape[1])


def central_differences(value: Callable[[], float], array: np.ndarray, eps: float) -> np.ndarray:
    """``(value() at array + eps e_k - value() at array - eps e_k) / (2 eps)`` for every
    entry ``k`` of ``array``, which ``value`` reads. ``array`` is changed one entry at a
    time and restored; the result has its shape and dtype."""
    grad = np.empty_like(array)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + eps
        up = value()
        flat[k] = saved - eps
        down = value()
        flat[k] = saved
        flat_grad[k] = (up - down) / (2 * eps)
    return grad
