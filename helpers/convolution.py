"""2-D convolution and correlation, written three ways: loops, shifted slices, FFT.

Every function computes what :func:`scipy.signal.convolve2d` and
:func:`scipy.signal.correlate2d` compute, for every ``mode`` and ``boundary``; they
are written out with NumPy because how they work is the lesson.
:func:`convolve2d_loop` is the definition as loops; :func:`convolve2d` and
:func:`correlate2d` take one array operation per kernel tap, or the FFT
(``method="fft"``, chapter 2); :func:`convolve_separable` applies ``column ⊗ row``
as two 1-D passes. Convolution flips the kernel, correlation does not:

.. math::

    (f * g)[i, j] = \\sum_{m, n} f[i - m, j - n]\\, g[m, n], \\qquad
    (f \\star g)[i, j] = \\sum_{m, n} f[i + m, j + n]\\, g[m, n].
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.fft

from helpers import _core
from helpers._validate import choice, real, real_array, shape_pair

__all__ = [
    "BOUNDARIES",
    "MODES",
    "convolve2d",
    "convolve2d_loop",
    "convolve_separable",
    "correlate2d",
    "output_shape",
    "pad_image",
]

#: The output sizes, as in SciPy.
MODES = ("full", "same", "valid")
#: How the image is extended beyond its edges, as in SciPy.
BOUNDARIES = ("fill", "wrap", "symm")

#: ``method="auto"`` takes the FFT when outputs x kernel taps exceed this many times
#: ``S log2 S`` (``S`` the transform's size); measured break-even on 2 cores: 1.5-3.
_FFT_COST_FACTOR = 2.5


def _swap_needed(image_shape: tuple[int, ...], kernel_shape: tuple[int, ...]) -> bool:
    """For ``"valid"``: swap when the kernel is the larger input (SciPy's rule)."""
    image_larger = all(i >= k for i, k in zip(image_shape, kernel_shape, strict=True))
    kernel_larger = all(k >= i for i, k in zip(image_shape, kernel_shape, strict=True))
    if not (image_larger or kernel_larger):
        raise ValueError(
            "For mode='valid', one of image and kernel must be at least as large as the "
            f"other in every dimension; got image shape {tuple(image_shape)} and kernel "
            f"shape {tuple(kernel_shape)}"
        )
    return not image_larger


def output_shape(
    image_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str
) -> tuple[int, int]:
    """Shape of the 2-D convolution (or correlation) of two arrays.

    Parameters
    ----------
    image_shape, kernel_shape : tuple of 2 int
        ``(rows, cols)`` of the image (``N`` per axis) and the kernel (``P``); positive.
    mode : {"full", "same", "valid"}
        ``"full"``: ``N + P - 1``; ``"same"``: ``N``; ``"valid"``: ``|N - P| + 1``.

    Returns
    -------
    tuple of 2 int
        ``(rows, cols)`` of the output.

    Raises
    ------
    TypeError
        If a shape is not a pair of ints or ``mode`` is not a string.
    ValueError
        If a size is below 1, ``mode`` is unknown, or the shapes cross in ``"valid"`` mode.

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> output_shape((5, 5), (3, 3), "full"), output_shape((5, 5), (3, 3), "valid")
    ((7, 7), (3, 3))
    """
    image_shape = shape_pair(image_shape, "image_shape")
    kernel_shape = shape_pair(kernel_shape, "kernel_shape")
    mode = choice(mode, "mode", MODES)
    if mode == "valid" and _swap_needed(image_shape, kernel_shape):
        image_shape, kernel_shape = kernel_shape, image_shape
    return _core.placement(image_shape, kernel_shape, mode, correlate=False)[1]


def pad_image(
    image: Any,
    pad: tuple[tuple[int, int], tuple[int, int]],
    boundary: str = "fill",
    fillvalue: float = 0.0,
) -> np.ndarray:
    """Extend an image beyond its edges, as convolution's boundary rules do.

    Parameters
    ----------
    image : array_like, shape (rows, cols), real
        The image (bool, int or float; converted to float64).
    pad : ((int, int), (int, int))
        ``((top, bottom), (left, right))`` pixels to add; non-negative, may exceed the image.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        ``fillvalue``, periodic, or mirrored with the edge pixel repeated
        (``c b a | a b c | c b a``); NumPy's ``"constant"``, ``"wrap"``, ``"symmetric"``.
    fillvalue : float, default 0.0
        The constant for ``boundary="fill"``; finite.

    Returns
    -------
    numpy.ndarray, shape (top + rows + bottom, left + cols + right), float64
        A new array.

    Raises
    ------
    TypeError
        If ``image`` is not real, ``pad`` not two pairs of ints, or an option has the wrong type.
    ValueError
        If ``image`` is not 2-D, empty or not finite, a pad is negative, or an option is unknown.

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> pad_image([[1, 2, 3]], ((0, 0), (2, 2)), boundary="symm")
    array([[2., 1., 1., 2., 3., 3., 2.]])
    """
    image = real_array(image, "image", 2)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    fillvalue = real(fillvalue, "fillvalue")
    message = f"pad must be ((top, bottom), (left, right)) of non-negative ints, got {pad!r}"
    try:
        (top, bottom), (left, right) = pad
    except (TypeError, ValueError):
        raise TypeError(message) from None
    widths = (top, bottom, left, right)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in widths):
        raise TypeError(message)
    if min(widths) < 0:
        raise ValueError(message)
    return _core.pad(image, ((int(top), int(bottom)), (int(left), int(right))), boundary, fillvalue)


def _plan(
    image: np.ndarray, kernel: np.ndarray, mode: str, correlate: bool
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    """Reduce any call to one convolution: (image, kernel, index of output[0, 0] in the
    full convolution, output shape). Correlation flips the kernel; "valid" may swap."""
    if correlate:
        kernel = kernel[::-1, ::-1]
    if mode == "valid" and _swap_needed(image.shape, kernel.shape):
        image, kernel = kernel, image
    start, shape = _core.placement(image.shape, kernel.shape, mode, correlate)
    return image, kernel, start, shape


def _extended_region(
    image: np.ndarray,
    kernel_shape: tuple[int, int],
    start: tuple[int, int],
    shape: tuple[int, int],
    boundary: str,
    fillvalue: float,
) -> np.ndarray:
    """The boundary-extended image rows/cols ``start - P + 1 ... start + L - 1``, whose
    *valid* convolution with the kernel is the output (a view when nothing is padded)."""
    first = [s - (p - 1) for s, p in zip(start, kernel_shape, strict=True)]
    last = [s + n - 1 for s, n in zip(start, shape, strict=True)]
    before = [max(0, -f) for f in first]
    after = [max(0, end - (n - 1)) for end, n in zip(last, image.shape, strict=True)]
    if any(before) or any(after):
        widths = ((before[0], after[0]), (before[1], after[1]))
        image = _core.pad(image, widths, boundary, fillvalue)
    return image[
        first[0] + before[0] : last[0] + before[0] + 1,
        first[1] + before[1] : last[1] + before[1] + 1,
    ]


def _valid_direct(region: np.ndarray, kernel: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Valid convolution, one multiply-add of a shifted slice per non-zero kernel tap."""
    rows, cols = shape
    k_rows, k_cols = kernel.shape
    output = np.zeros(shape)
    scratch = None
    for m, n in zip(*np.nonzero(kernel), strict=True):
        top, left = k_rows - 1 - m, k_cols - 1 - n
        window = region[top : top + rows, left : left + cols]
        if scratch is None:  # first non-zero tap: write, do not add
            np.multiply(window, kernel[m, n], out=output)
            scratch = np.empty(shape)
        else:
            np.multiply(window, kernel[m, n], out=scratch)
            output += scratch
    return output


def _valid_fft(region: np.ndarray, kernel: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Valid convolution through the real FFT of the region's (fast) size: no wrapped-around
    term reaches a valid position."""
    size = (
        scipy.fft.next_fast_len(region.shape[0], real=False),
        scipy.fft.next_fast_len(region.shape[1], real=True),
    )
    spectrum = scipy.fft.rfft2(region, size) * scipy.fft.rfft2(kernel, size)
    full = scipy.fft.irfft2(spectrum, size)
    top, left = kernel.shape[0] - 1, kernel.shape[1] - 1
    return np.array(full[top : top + shape[0], left : left + shape[1]])


def _fft_is_cheaper(
    region_shape: tuple[int, int], kernel_shape: tuple[int, int], shape: tuple[int, int]
) -> bool:
    """``method="auto"``: direct costs outputs x taps, the FFT about ``S log2 S``."""
    direct = shape[0] * shape[1] * kernel_shape[0] * kernel_shape[1]
    points = region_shape[0] * region_shape[1]
    return direct > _FFT_COST_FACTOR * points * math.log2(max(points, 2))


def _checked(image, kernel, mode, boundary, fillvalue):
    """The arguments every 2-D function takes, validated."""
    return (
        real_array(image, "image", 2),
        real_array(kernel, "kernel", 2),
        choice(mode, "mode", MODES),
        choice(boundary, "boundary", BOUNDARIES),
        real(fillvalue, "fillvalue"),
    )


def _convolve(image, kernel, mode, boundary, fillvalue, method, correlate) -> np.ndarray:
    """Validate once, then convolve (or correlate) by ``method``."""
    image, kernel, mode, boundary, fillvalue = _checked(image, kernel, mode, boundary, fillvalue)
    method = choice(method, "method", ("direct", "fft", "auto"))
    image, kernel, start, shape = _plan(image, kernel, mode, correlate)
    region = _extended_region(image, kernel.shape, start, shape, boundary, fillvalue)
    if method == "auto":
        method = "fft" if _fft_is_cheaper(region.shape, kernel.shape, shape) else "direct"
    if method == "fft":
        return _valid_fft(region, kernel, shape)
    return _valid_direct(region, kernel, shape)


_PARAMETERS = """
    image : array_like, shape (rows, cols), real
        The image ``f`` (bool, int or float; converted to float64); finite, non-empty.
    kernel : array_like, shape (k_rows, k_cols), real
        The kernel ``g``; any shape, even-sized or larger than the image.
    mode : {"full", "same", "valid"}, default "full"
        Which outputs: ``"full"`` every overlap of kernel and image; ``"same"`` the central
        part, the image's size; ``"valid"`` only where the kernel lies wholly inside (a
        kernel larger than the image swaps roles with it).
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the image is extended beyond its edges (see :func:`pad_image`).
    fillvalue : float, default 0.0
        The constant for ``boundary="fill"``; finite."""

_RETURNS_RAISES = """

    Returns
    -------
    numpy.ndarray, shape ``output_shape(image.shape, kernel.shape, mode)``, float64
        A new array.

    Raises
    ------
    TypeError
        If ``image`` or ``kernel`` is not real, or an option has the wrong type.
    ValueError
        If an array is not 2-D, empty or not finite, an option is unknown, or
        (``"valid"``) neither input is at least as large as the other in both dimensions."""

_METHOD = """
    method : {"direct", "fft", "auto"}, default "direct"
        ``"direct"``: one multiply-add of a shifted slice per kernel tap (small kernels);
        ``"fft"``: real FFTs of the padded image (large kernels; equal to rounding);
        ``"auto"``: ``"fft"`` when outputs x kernel taps exceed ``2.5 S log2 S``,
        ``S`` the transform's size."""


def convolve2d(
    image: Any,
    kernel: Any,
    mode: str = "full",
    boundary: str = "fill",
    fillvalue: float = 0.0,
    *,
    method: str = "direct",
) -> np.ndarray:
    """2-D convolution ``f * g``, exactly as :func:`scipy.signal.convolve2d`.

    ``(f * g)[i, j] = sum_m sum_n f[i - m, j - n] g[m, n]``: the kernel is flipped
    (:func:`correlate2d` does not flip it; :func:`convolve2d_loop` is this as loops).

    Parameters
    ----------{parameters}{method}{returns_raises}

    Notes
    -----
    Taught in: chapter 1 (``method="fft"`` and ``"auto"``: chapter 2).

    Examples
    --------
    >>> convolve2d([[1, 2, 3]], [[1, 0, -1]], mode="same")
    array([[ 2.,  2., -2.]])
    """
    return _convolve(image, kernel, mode, boundary, fillvalue, method, correlate=False)


def correlate2d(
    image: Any,
    kernel: Any,
    mode: str = "full",
    boundary: str = "fill",
    fillvalue: float = 0.0,
    *,
    method: str = "direct",
) -> np.ndarray:
    """2-D cross-correlation ``f ⋆ g``, exactly as :func:`scipy.signal.correlate2d`.

    ``(f ⋆ g)[i, j] = sum_m sum_n f[i + m, j + n] g[m, n]``: the kernel slides
    unflipped, as in deep-learning libraries' "convolution"; :func:`convolve2d` with
    ``kernel[::-1, ::-1]``, except that ``"same"`` centres an even kernel one pixel apart.

    Parameters
    ----------{parameters}{method}{returns_raises}

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> correlate2d([[1, 2, 3]], [[1, 0, -1]], mode="same")
    array([[-2., -2.,  2.]])
    """
    return _convolve(image, kernel, mode, boundary, fillvalue, method, correlate=True)


def convolve2d_loop(
    image: Any,
    kernel: Any,
    mode: str = "full",
    boundary: str = "fill",
    fillvalue: float = 0.0,
) -> np.ndarray:
    """2-D convolution written as the definition: four nested loops.

    ``c[i, j] = sum_m sum_n f[i - m, j - n] g[m, n]``, one output pixel at a time;
    :func:`convolve2d`'s result to rounding, hundreds of times slower.

    Parameters
    ----------{parameters}{returns_raises}

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> convolve2d_loop([[1, 2, 3]], [[1, 0, -1]], mode="same")
    array([[ 2.,  2., -2.]])
    """
    image, kernel, mode, boundary, fillvalue = _checked(image, kernel, mode, boundary, fillvalue)
    image, kernel, (top, left), (rows, cols) = _plan(image, kernel, mode, correlate=False)
    k_rows, k_cols = kernel.shape
    # Extended by boundary so that every f[a, b] the sum reads is f_ext[a + P0 - 1, b + P1 - 1].
    f_ext = _core.pad(
        image, ((k_rows - 1, k_rows - 1), (k_cols - 1, k_cols - 1)), boundary, fillvalue
    )
    output = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for m in range(k_rows):
                for n in range(k_cols):
                    a, b = top + i - m, left + j - n
                    total += f_ext[a + k_rows - 1, b + k_cols - 1] * kernel[m, n]
            output[i, j] = total
    return output


def convolve_separable(
    image: Any,
    column: Any,
    row: Any,
    mode: str = "same",
    boundary: str = "fill",
    fillvalue: float = 0.0,
) -> np.ndarray:
    """Convolve with the separable kernel ``np.outer(column, row)`` in two 1-D passes.

    ``P0 + P1`` multiply-adds per pixel instead of ``P0 * P1``; the result equals
    ``convolve2d(image, np.outer(column, row), mode, boundary, fillvalue)`` to rounding.

    Parameters
    ----------
    image : array_like, shape (rows, cols), real
        The image (bool, int or float; converted to float64).
    column, row : array_like, shape (k_rows,) and (k_cols,), real
        The vertical and horizontal 1-D kernels.
    mode : {"full", "same", "valid"}, default "same"
        As in :func:`convolve2d` (note the default).
    boundary : {"fill", "wrap", "symm"}, default "fill"
        As in :func:`convolve2d`.
    fillvalue : float, default 0.0
        As in :func:`convolve2d`.

    Returns
    -------
    numpy.ndarray, shape ``output_shape(image.shape, (k_rows, k_cols), mode)``, float64

    Raises
    ------
    TypeError
        If an array is not real, or an option has the wrong type.
    ValueError
        If ``image`` is not 2-D or ``column``/``row`` not 1-D, an array is empty or not
        finite, an option is unknown, or the shapes cross in ``"valid"`` mode.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> convolve_separable(np.pad([[1]], 1), [1, 2, 1], [1, 0, -1])  # an impulse: the kernel
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    """
    image = real_array(image, "image", 2)
    column = real_array(column, "column", 1)
    row = real_array(row, "row", 1)
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    fillvalue = real(fillvalue, "fillvalue")
    kernel = np.outer(column, row)
    if mode == "valid" and _swap_needed(image.shape, kernel.shape):  # the image is the kernel
        return _convolve(image, kernel, mode, boundary, fillvalue, "direct", correlate=False)
    image, _, start, shape = _plan(image, kernel, mode, correlate=False)
    region = _extended_region(image, kernel.shape, start, shape, boundary, fillvalue)
    down = _valid_direct(region, column[:, None], (shape[0], region.shape[1]))
    return _valid_direct(down, row[None, :], shape)


for _function in (convolve2d, correlate2d, convolve2d_loop):
    if _function.__doc__:  # None under ``python -OO``
        _function.__doc__ = _function.__doc__.format(
            parameters=_PARAMETERS, method=_METHOD, returns_raises=_RETURNS_RAISES
        )
del _function
