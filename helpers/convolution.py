"""2-D convolution and correlation, written three ways: loops, shifted slices, FFT.

Every function here computes exactly what :func:`scipy.signal.convolve2d`
and :func:`scipy.signal.correlate2d` compute, for every ``mode``
(``"full"``, ``"same"``, ``"valid"``) and ``boundary`` (``"fill"``,
``"wrap"``, ``"symm"``), with NumPy alone:

- :func:`convolve2d_loop`, :func:`correlate2d_loop`: the definition written
  as nested loops, ``c[i, j] = sum_m sum_n f[i - m, j - n] g[m, n]``; slow,
  for reading (chapter 1).
- :func:`convolve2d`, :func:`correlate2d`: the same sum as one array
  operation per kernel tap (``method="direct"``) or through the Fourier
  transform (``method="fft"``, chapter 2); ``method="auto"`` picks the
  cheaper one.
- :func:`convolve_separable`: a separable kernel ``column ⊗ row`` as two
  1-D passes (chapter 2).
- :func:`output_shape` and :func:`pad_image`: the two pieces of
  book-keeping every version shares.

The conventions are SciPy's. Convolution flips the kernel, correlation
does not:

.. math::

    (f * g)[i, j] = \\sum_{m, n} f[i - m, j - n]\\, g[m, n], \\qquad
    (f \\star g)[i, j] = \\sum_{m, n} f[i + m, j + n]\\, g[m, n].

``"full"`` returns every position where image and kernel overlap; ``"same"``
the central part of ``"full"`` of the image's shape; ``"valid"`` only the
positions where the kernel lies entirely inside the image. In ``"valid"``
mode the two inputs play symmetric roles: if the kernel is at least as large
as the image in both dimensions they are swapped (as SciPy does), and if
neither is at least as large as the other in both dimensions a
``ValueError`` is raised.

For a kernel of even size the centre is ambiguous. ``"same"`` keeps the
rows ``(P - 1) // 2 ...`` of the full convolution (``P`` the kernel's size
along that axis), but the rows ``P // 2 ...`` of the full correlation: for
even kernels the two differ by one pixel, exactly as in SciPy.
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
    "METHODS",
    "MODES",
    "convolve2d",
    "convolve2d_loop",
    "convolve_separable",
    "correlate2d",
    "correlate2d_loop",
    "output_shape",
    "pad_image",
]

#: The output sizes, as in SciPy.
MODES = ("full", "same", "valid")
#: How the image is extended beyond its edges, as in SciPy.
BOUNDARIES = ("fill", "wrap", "symm")
#: How :func:`convolve2d` computes the sum.
METHODS = ("direct", "fft", "auto")

#: ``method="auto"`` uses the FFT when the direct method's multiply-adds
#: (output pixels x kernel taps) exceed this many times the FFT's
#: ``S log2 S`` (``S`` the transform's size). Measured on 2 cores with
#: NumPy 2.4 / SciPy 1.17 ("same", 32x32 to 512x512 images): the two
#: methods break even where that ratio is about 1.5-3, i.e. around 7x7
#: kernels on 128x128-512x512 images and 5x5-7x7 on 32x32 ones.
_FFT_COST_FACTOR = 2.5


# --------------------------------------------------------------------------
# Validation (public boundary only)
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Book-keeping shared by every version
# --------------------------------------------------------------------------


def output_shape(
    image_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str
) -> tuple[int, int]:
    """Shape of the 2-D convolution (or correlation) of two arrays.

    Parameters
    ----------
    image_shape : tuple of 2 int
        ``(rows, cols)`` of the image, ``N`` along each axis; positive.
    kernel_shape : tuple of 2 int
        ``(rows, cols)`` of the kernel, ``P`` along each axis; positive.
    mode : {"full", "same", "valid"}
        ``"full"``: ``N + P - 1``; ``"same"``: ``N``; ``"valid"``:
        ``|N - P| + 1``, the larger input minus the smaller one plus one.

    Returns
    -------
    tuple of 2 int
        ``(rows, cols)`` of the output.

    Raises
    ------
    TypeError
        If a shape is not a pair of ints, or ``mode`` is not a string.
    ValueError
        If a shape has a size below 1, ``mode`` is unknown, or (``"valid"``)
        neither input is at least as large as the other in both dimensions.

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
    return _output_shape(image_shape, kernel_shape, mode)


def _output_shape(
    image_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str
) -> tuple[int, int]:
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
        ``((top, bottom), (left, right))``: how many pixels to add on each
        side; non-negative, and may exceed the image's size.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        ``"fill"``: the constant ``fillvalue`` (NumPy's ``"constant"``);
        ``"wrap"``: periodic (NumPy's ``"wrap"``); ``"symm"``: mirrored with
        the edge pixel repeated, ``c b a | a b c | c b a`` (NumPy's
        ``"symmetric"``). Pads larger than the image repeat the rule.
    fillvalue : float, default 0.0
        The constant for ``boundary="fill"``; finite.

    Returns
    -------
    numpy.ndarray, shape (top + rows + bottom, left + cols + right), float64
        A new array; the image itself is never modified.

    Raises
    ------
    TypeError
        If ``image`` is not real, ``pad`` is not two pairs of ints,
        ``boundary`` is not a string or ``fillvalue`` is not a real scalar.
    ValueError
        If ``image`` is not 2-D, is empty or holds NaN/inf, a pad is
        negative, ``boundary`` is unknown or ``fillvalue`` is not finite.

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
        widths = tuple(tuple(side) for side in pad)
    except TypeError:
        raise TypeError(message) from None
    if len(widths) != 2 or any(len(side) != 2 for side in widths):
        raise TypeError(message)
    flat = [n for side in widths for n in side]
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in flat):
        raise TypeError(message)
    if min(flat) < 0:
        raise ValueError(message)
    return _core.pad(
        image, ((int(flat[0]), int(flat[1])), (int(flat[2]), int(flat[3]))), boundary, fillvalue
    )


# --------------------------------------------------------------------------
# The plan every version follows
# --------------------------------------------------------------------------


def _plan(
    image: np.ndarray, kernel: np.ndarray, mode: str, correlate: bool
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    """Reduce any call to one convolution ``image * kernel``.

    Correlation is convolution with the kernel flipped in both directions.
    In ``"valid"`` mode the larger input becomes the image. Returns the
    (possibly swapped) image and kernel, the index in the *full*
    convolution of ``output[0, 0]`` (``start``, per axis) and the output
    shape.
    """
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
    """The part of the boundary-extended image that the requested outputs read.

    Output ``p`` (full coordinates ``start + p``) reads image indices
    ``start + p - P + 1 ... start + p``. The region returned covers
    ``start - P + 1 ... start + L - 1`` along each axis (``L`` outputs), so
    that a *valid* convolution of it with the kernel gives the output.
    A view when no padding is needed, a new array otherwise.
    """
    first = [s - (p - 1) for s, p in zip(start, kernel_shape, strict=True)]
    last = [s + n - 1 for s, n in zip(start, shape, strict=True)]
    before = [max(0, -f) for f in first]
    after = [max(0, end - (n - 1)) for end, n in zip(last, image.shape, strict=True)]
    if any(before) or any(after):
        image = _core.pad(image, ((before[0], after[0]), (before[1], after[1])), boundary, fillvalue)
    return image[
        first[0] + before[0] : last[0] + before[0] + 1,
        first[1] + before[1] : last[1] + before[1] + 1,
    ]


def _valid_direct(region: np.ndarray, kernel: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Valid convolution as one multiply-add of shifted slices per kernel tap.

    ``output = sum_{m, n} g[m, n] * region[P0-1-m : P0-1-m+L0, P1-1-n : ...]``.
    Zero taps are skipped (inputs are finite, so this is exact).
    """
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
    """Valid convolution through the real FFT.

    A circular convolution of size ``S >= region.shape`` equals the linear one
    at every valid position (no wrapped-around term reaches them), so the
    transform only needs the region's size, rounded up to a fast length.
    """
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
    """The cost estimate behind ``method="auto"``.

    Direct: ``L0 * L1 * P0 * P1`` multiply-adds (outputs x kernel taps).
    FFT: about ``S log2 S`` for ``S`` the transform's number of points (three
    transforms and a product, folded into ``_FFT_COST_FACTOR``). For a
    kernel much smaller than the image this is "kernel area versus the
    logarithm of the image size".
    """
    direct = shape[0] * shape[1] * kernel_shape[0] * kernel_shape[1]
    points = region_shape[0] * region_shape[1]
    return direct > _FFT_COST_FACTOR * points * math.log2(max(points, 2))


def _convolve(
    image: Any,
    kernel: Any,
    mode: str,
    boundary: str,
    fillvalue: float,
    method: str,
    correlate: bool,
) -> np.ndarray:
    """Validate once, then convolve (or correlate) by ``method``."""
    image = real_array(image, "image", 2)
    kernel = real_array(kernel, "kernel", 2)
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    fillvalue = real(fillvalue, "fillvalue")
    method = choice(method, "method", METHODS)
    image, kernel, start, shape = _plan(image, kernel, mode, correlate)
    region = _extended_region(image, kernel.shape, start, shape, boundary, fillvalue)
    if method == "auto":
        method = "fft" if _fft_is_cheaper(region.shape, kernel.shape, shape) else "direct"
    if method == "fft":
        return _valid_fft(region, kernel, shape)
    return _valid_direct(region, kernel, shape)


_SHARED_PARAMETERS = """
    image : array_like, shape (rows, cols), real
        The image ``f`` (bool, int or float; converted to float64). Finite,
        non-empty.
    kernel : array_like, shape (k_rows, k_cols), real
        The kernel ``g``; any shape, even or larger than the image.
    mode : {"full", "same", "valid"}, default "full"
        Which outputs to return (see the module's notes). In ``"valid"``
        mode, a kernel at least as large as the image in both dimensions
        swaps roles with it.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the image is extended beyond its edges: ``fillvalue``, periodic,
        or mirrored with the edge pixel repeated (see :func:`pad_image`).
        Irrelevant in ``"valid"`` mode.
    fillvalue : float, default 0.0
        The constant for ``boundary="fill"``; a finite real scalar."""

_SHARED_RAISES = """
    TypeError
        If ``image`` or ``kernel`` holds complex numbers, objects or strings,
        ``fillvalue`` is not a real scalar, or a string option is not a
        string.
    ValueError
        If ``image`` or ``kernel`` is not 2-D, is empty or holds NaN/inf;
        ``fillvalue`` is NaN/inf; ``mode``, ``boundary`` or ``method`` is
        unknown; or (``"valid"``) neither input is at least as large as the
        other in both dimensions (as SciPy)."""


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

    ``(f * g)[i, j] = sum_m sum_n f[i - m, j - n] g[m, n]``: the kernel is
    flipped in both directions before it slides over the image.

    Parameters
    ----------{shared}
    method : {{"direct", "fft", "auto"}}, default "direct"
        ``"direct"``: one multiply-add of a shifted slice of the image per
        kernel tap (fast for small kernels). ``"fft"``: pad for the
        boundary, multiply real FFTs of fast sizes, crop (fast for large
        kernels; agrees with ``"direct"`` to rounding, about 1e-15 of the data's
        scale). ``"auto"``: ``"fft"`` when ``output pixels x kernel taps``
        exceeds ``2.5 S log2 S``, ``S`` the transform's size; for a kernel
        much smaller than the image, when the kernel's area exceeds about
        ``2.5 log2`` of the image's number of pixels.

    Returns
    -------
    numpy.ndarray, shape ``output_shape(image.shape, kernel.shape, mode)``, float64
        A new array.

    Raises
    ------{raises}

    See Also
    --------
    correlate2d : the same without flipping the kernel.
    convolve2d_loop : the definition written as loops.

    Notes
    -----
    Taught in: chapter 1 (``method="fft"`` and ``"auto"``: chapter 2).

    Examples
    --------
    >>> convolve2d([[1, 2, 3]], [[1, 0, -1]])
    array([[ 1.,  2.,  2., -2., -3.]])
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

    ``(f ⋆ g)[i, j] = sum_m sum_n f[i + m, j + n] g[m, n]``: the kernel
    slides over the image unflipped. This is what deep-learning libraries
    call "convolution". It equals :func:`convolve2d` with the kernel flipped
    (``kernel[::-1, ::-1]``), except that ``"same"`` centres an *even*
    kernel one pixel differently (SciPy's convention, kept here).

    Parameters
    ----------{shared}
    method : {{"direct", "fft", "auto"}}, default "direct"
        As in :func:`convolve2d`.

    Returns
    -------
    numpy.ndarray, shape ``output_shape(image.shape, kernel.shape, mode)``, float64
        A new array.

    Raises
    ------{raises}

    See Also
    --------
    convolve2d : the same with the kernel flipped.
    correlate2d_loop : the definition written as loops.

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> correlate2d([[1, 2, 3]], [[1, 0, -1]], mode="same")
    array([[-2., -2.,  2.]])
    """
    return _convolve(image, kernel, mode, boundary, fillvalue, method, correlate=True)


# --------------------------------------------------------------------------
# The teaching version: the definition as loops
# --------------------------------------------------------------------------


def _pixel(image: np.ndarray, row: int, col: int, boundary: str, fillvalue: float) -> float:
    """``f[row, col]`` for any integer indices, extended by ``boundary``."""
    rows, cols = image.shape
    if 0 <= row < rows and 0 <= col < cols:
        return image[row, col]
    if boundary == "fill":
        return fillvalue
    if boundary == "wrap":
        return image[row % rows, col % cols]
    return image[_mirror(row, rows), _mirror(col, cols)]


def _mirror(index: int, size: int) -> int:
    """Index into ``a b c | c b a | a b c ...`` (period ``2 * size``)."""
    index = index % (2 * size)
    return index if index < size else 2 * size - 1 - index


def _convolve_loop(
    image: Any, kernel: Any, mode: str, boundary: str, fillvalue: float, correlate: bool
) -> np.ndarray:
    image = real_array(image, "image", 2)
    kernel = real_array(kernel, "kernel", 2)
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    fillvalue = real(fillvalue, "fillvalue")
    image, kernel, (top, left), (rows, cols) = _plan(image, kernel, mode, correlate)
    k_rows, k_cols = kernel.shape

    output = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for m in range(k_rows):
                for n in range(k_cols):
                    f = _pixel(image, top + i - m, left + j - n, boundary, fillvalue)
                    total += f * kernel[m, n]
            output[i, j] = total
    return output


def convolve2d_loop(
    image: Any,
    kernel: Any,
    mode: str = "full",
    boundary: str = "fill",
    fillvalue: float = 0.0,
) -> np.ndarray:
    """2-D convolution written as the definition: four nested loops.

    ``c[i, j] = sum_m sum_n f[i - m, j - n] g[m, n]``, one output pixel at a
    time, reading pixels outside the image through ``boundary``. The result
    is that of :func:`convolve2d` (and SciPy) to rounding; it is hundreds of
    times slower, so use it on small images only.

    Parameters
    ----------{shared}

    Returns
    -------
    numpy.ndarray, shape ``output_shape(image.shape, kernel.shape, mode)``, float64

    Raises
    ------{raises}

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> convolve2d_loop([[1, 2, 3]], [[1, 0, -1]], mode="same")
    array([[ 2.,  2., -2.]])
    """
    return _convolve_loop(image, kernel, mode, boundary, fillvalue, correlate=False)


def correlate2d_loop(
    image: Any,
    kernel: Any,
    mode: str = "full",
    boundary: str = "fill",
    fillvalue: float = 0.0,
) -> np.ndarray:
    """2-D correlation written as loops: :func:`convolve2d_loop` with the kernel flipped.

    ``(f ⋆ g)[i, j] = sum_m sum_n f[i + m, j + n] g[m, n]``, computed as the
    convolution with ``g[::-1, ::-1]`` (and SciPy's centring of even kernels
    in ``"same"`` mode). The result is that of :func:`correlate2d`.

    Parameters
    ----------{shared}

    Returns
    -------
    numpy.ndarray, shape ``output_shape(image.shape, kernel.shape, mode)``, float64

    Raises
    ------{raises}

    Notes
    -----
    Taught in: no chapter (used by the tests, the loop for correlation beside convolve2d_loop).

    Examples
    --------
    >>> correlate2d_loop([[1, 2, 3]], [[1, 0, -1]], mode="same")
    array([[-2., -2.,  2.]])
    """
    return _convolve_loop(image, kernel, mode, boundary, fillvalue, correlate=True)


# --------------------------------------------------------------------------
# Separable kernels
# --------------------------------------------------------------------------


def _valid_direct_1d(region: np.ndarray, taps: np.ndarray, axis: int) -> np.ndarray:
    """Valid 1-D convolution of every row (axis=1) or column (axis=0)."""
    length = region.shape[axis] - taps.size + 1
    output = None
    for m in np.flatnonzero(taps):
        offset = taps.size - 1 - m
        window = (
            region[offset : offset + length] if axis == 0 else region[:, offset : offset + length]
        )
        if output is None:
            output = window * taps[m]
        else:
            output += window * taps[m]
    if output is None:  # all taps are zero
        shape = list(region.shape)
        shape[axis] = length
        output = np.zeros(shape)
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

    A kernel that is an outer product ``g[m, n] = column[m] * row[n]`` can be
    applied as a 1-D convolution down every column followed by a 1-D
    convolution along every row: ``P0 + P1`` multiply-adds per pixel instead
    of ``P0 * P1``. The image is first extended once by ``boundary`` (as the
    2-D convolution would see it), so the result equals
    ``convolve2d(image, np.outer(column, row), mode, boundary, fillvalue)``
    to rounding, for every mode and boundary.

    Parameters
    ----------
    image : array_like, shape (rows, cols), real
        The image (bool, int or float; converted to float64).
    column : array_like, shape (k_rows,), real
        The vertical 1-D kernel (the outer product's rows).
    row : array_like, shape (k_cols,), real
        The horizontal 1-D kernel (the outer product's columns).
    mode : {"full", "same", "valid"}, default "same"
        As in :func:`convolve2d` (note the different default). In
        ``"valid"`` mode, a kernel at least as large as the image in both
        dimensions is applied by :func:`convolve2d` (the image becomes the
        kernel, which is not separable).
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
        If ``image`` is not 2-D or ``column``/``row`` not 1-D, any is empty
        or holds NaN/inf, an option is unknown, or (``"valid"``) neither the
        image nor the kernel is at least as large as the other in both
        dimensions.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> fast = convolve_separable(image, [1, 2, 1], [1, 0, -1])
    >>> bool(np.allclose(fast, convolve2d(image, np.outer([1, 2, 1], [1, 0, -1]), "same")))
    True
    """
    image = real_array(image, "image", 2)
    column = real_array(column, "column", 1)
    row = real_array(row, "row", 1)
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    fillvalue = real(fillvalue, "fillvalue")
    kernel_shape = (column.size, row.size)
    if mode == "valid" and _swap_needed(image.shape, kernel_shape):
        return _convolve(
            image, np.outer(column, row), mode, boundary, fillvalue, "direct", correlate=False
        )
    image, _, start, shape = _plan(image, np.empty(kernel_shape), mode, correlate=False)
    region = _extended_region(image, kernel_shape, start, shape, boundary, fillvalue)
    return _valid_direct_1d(_valid_direct_1d(region, column, axis=0), row, axis=1)


for _function in (convolve2d, correlate2d, convolve2d_loop, correlate2d_loop):
    if _function.__doc__:  # None under ``python -OO``
        _function.__doc__ = _function.__doc__.format(
            shared=_SHARED_PARAMETERS, raises=_SHARED_RAISES
        )
del _function
