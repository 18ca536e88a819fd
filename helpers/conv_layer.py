"""A convolution seen as a neural-network layer: its matrix, its gradients, its training.

Chapter 4 writes a convolution as a matrix-vector product with a very
sparse, weight-tied matrix and derives the two gradients back-propagation
needs; chapter 5 trains a one-filter Keras model to recover a known kernel
and compares it with the least-squares answer.

- :func:`conv_matrix`, :func:`corr_matrix`: the dense (or ``scipy.sparse``)
  matrix ``W`` with ``W @ image.ravel() == convolve2d(image, kernel, mode).ravel()``
  (``correlate2d`` for the second).
- :func:`kernel_gradient`, :func:`input_gradient`: the gradients of a loss
  with respect to the shared kernel and to the input, given the gradient
  with respect to the layer's output.
- :func:`numerical_gradient`: central finite differences of any scalar
  function of an array, to check the two above.
- :func:`image_patches`, :func:`least_squares_kernel`: a correlation as
  ``patches @ kernel.ravel()``, and the kernel that best maps an image to a
  target in the least-squares sense.
- :func:`one_filter_cnn`, :func:`fit_kernel`, :class:`KernelHistory`: a
  Keras model made of one ``Conv2D`` layer, its full-batch training on one
  image pair, and a callback that records the kernel after every epoch.

Conventions
-----------
Everything follows :mod:`helpers.convolution` (SciPy's rules): modes
``"full"``, ``"same"``, ``"valid"``; boundaries ``"fill"`` (zeros; a
non-zero fill value would make the layer affine, not linear, so there is no
``fillvalue``), ``"wrap"`` and ``"symm"``. Convolution flips the kernel,
correlation does not:

.. math::

    (f * g)[i, j] = \\sum_{m, n} f[i - m, j - n]\\, g[m, n], \\qquad
    (f \\star g)[i, j] = \\sum_{m, n} f[i + m, j + n]\\, g[m, n].

A CNN layer (Keras ``Conv2D``) computes the **correlation**; so the
gradient functions default to ``operation="correlate"`` and the patch
functions are correlations. Unlike SciPy, ``"valid"`` never swaps the
inputs: the kernel must fit inside the image.

Importing this module does not import TensorFlow or Keras; the Keras
helpers import it when called, and :class:`KernelHistory` (a subclass of
``keras.callbacks.Callback``) is created on first access, which is why it
is not in ``__all__``.

Taught in: chapter 4 (the matrix and the gradients) and chapter 5 (learning
a kernel).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers import _core, convolution
from helpers._validate import choice, integer, real, real_array, shape_pair

__all__ = [
    "BOUNDARIES",
    "MODES",
    "OPERATIONS",
    "conv_matrix",
    "corr_matrix",
    "fit_kernel",
    "image_patches",
    "input_gradient",
    "kernel_gradient",
    "least_squares_kernel",
    "numerical_gradient",
    "one_filter_cnn",
]

#: Output sizes, as in :func:`scipy.signal.convolve2d`.
MODES = convolution.MODES
#: Edge rules, as in :func:`scipy.signal.convolve2d` (``"fill"`` pads with zeros).
BOUNDARIES = convolution.BOUNDARIES
#: Whether the layer computes the convolution ``f * g`` or the correlation ``f ⋆ g``.
OPERATIONS = ("convolve", "correlate")
#: Keras padding names understood by :func:`one_filter_cnn`.
PADDINGS = ("valid", "same")



# --------------------------------------------------------------------------
# Validation (public boundary only)
# --------------------------------------------------------------------------


def _check_fits(image_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str) -> None:
    if mode == "valid" and (kernel_shape[0] > image_shape[0] or kernel_shape[1] > image_shape[1]):
        raise ValueError(
            f"for mode='valid' the kernel must fit inside the image; got kernel shape "
            f"{kernel_shape} and image shape {image_shape}"
        )


def _check_output(array: np.ndarray, name: str, expected: tuple[int, int]) -> None:
    if array.shape != expected:
        raise ValueError(
            f"{name} must have the layer's output shape {expected} (given the image shape, "
            f"kernel shape and mode), got shape {array.shape}"
        )


# --------------------------------------------------------------------------
# The plan shared by every function: where each tap of each output reads
# --------------------------------------------------------------------------


def _padded_index(
    image_shape: tuple[int, int], kernel_shape: tuple[int, int], boundary: str
) -> np.ndarray:
    """Index into ``image.ravel()`` of each pixel of the image padded by ``P - 1`` all round.

    ``-1`` marks a zero (``boundary="fill"``); ``"wrap"`` and ``"symm"``
    repeat image pixels, so one image pixel may appear several times.
    """
    rows, cols = image_shape
    pad = ((kernel_shape[0] - 1,) * 2, (kernel_shape[1] - 1,) * 2)
    index = np.arange(rows * cols).reshape(rows, cols)
    return _core.pad(index, pad, boundary, fillvalue=-1)


def _tap_index(
    image_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str, boundary: str,
    operation: str,
) -> np.ndarray:
    """``index[i, j, m, n]``: the image pixel that output ``(i, j)`` multiplies by tap ``(m, n)``.

    In correlation orientation: the tap ``(m, n)`` of the kernel as given
    for ``"correlate"``, of the flipped kernel for ``"convolve"``.
    """
    (top, left), (out_rows, out_cols) = _core.placement(image_shape, kernel_shape, mode, operation == "correlate")
    padded = _padded_index(image_shape, kernel_shape, boundary)
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel_shape)
    return windows[top : top + out_rows, left : left + out_cols]


def _oriented(kernel: np.ndarray, operation: str) -> np.ndarray:
    """The kernel as laid over the image: flipped for convolution."""
    return kernel[::-1, ::-1] if operation == "convolve" else kernel


# --------------------------------------------------------------------------
# The layer as a matrix
# --------------------------------------------------------------------------


def _layer_matrix(kernel, image_shape, mode, boundary, sparse, operation):
    kernel = real_array(kernel, "kernel", 2)
    image_shape = shape_pair(image_shape, "image_shape")
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    if not isinstance(sparse, (bool, np.bool_)):
        raise TypeError(f"sparse must be a bool, got {type(sparse).__name__} {sparse!r}")
    _check_fits(image_shape, kernel.shape, mode)

    index = _tap_index(image_shape, kernel.shape, mode, boundary, operation)
    n_out = index.shape[0] * index.shape[1]
    taps = kernel.size
    rows = np.repeat(np.arange(n_out), taps)
    cols = index.reshape(-1)
    values = np.tile(_oriented(kernel, operation).reshape(-1), n_out)
    inside = cols >= 0  # "fill" pixels multiply zeros: no entry
    rows, cols, values = rows[inside], cols[inside], values[inside]
    shape = (n_out, image_shape[0] * image_shape[1])
    if sparse:
        import scipy.sparse

        # Duplicate (row, col) pairs (wrap/symm with a large kernel) are summed.
        return scipy.sparse.coo_array((values, (rows, cols)), shape=shape).tocsr()
    matrix = np.zeros(shape)
    np.add.at(matrix, (rows, cols), values)
    return matrix


def conv_matrix(
    kernel: Any,
    image_shape: tuple[int, int],
    mode: str = "full",
    *,
    boundary: str = "fill",
    sparse: bool = False,
):
    """The matrix of the linear map ``image -> convolve2d(image, kernel, mode, boundary)``.

    Row ``r`` of the matrix holds the weights that output pixel ``r``
    (row-major) gives to each image pixel (row-major), so that
    ``W @ image.ravel()`` equals ``convolve2d(image, kernel, mode,
    boundary).ravel()``. With ``boundary="fill"`` (zeros) it is *doubly
    block-Toeplitz*: a grid of blocks, one per (output row, image row) pair,
    constant along each diagonal of blocks, each block itself Toeplitz.

    Parameters
    ----------
    kernel : array_like, shape (P, Q), real
        The kernel ``g``.
    image_shape : tuple of 2 int
        ``(N, M)``, the shape of the images the matrix applies to.
    mode : {"full", "same", "valid"}, default "full"
        As in :func:`helpers.convolution.convolve2d`. For ``"valid"`` the
        kernel must fit inside the image (no swapping).
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the image is extended past its edges; ``"fill"`` uses zeros.
    sparse : bool, default False
        ``False``: a dense ``numpy.ndarray`` (float64), fine for small
        images (a 28 x 28 image gives 784 columns). ``True``: a
        ``scipy.sparse.csr_array``, for larger images (a dense 128 x 128
        ``"same"`` matrix would take 2 GB).

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array, shape (out_rows * out_cols, N * M)
        ``out_rows, out_cols`` as in :func:`helpers.convolution.output_shape`.

    Raises
    ------
    TypeError
        If ``kernel`` is not real, ``image_shape`` is not a pair of ints,
        ``mode``/``boundary`` are not strings or ``sparse`` is not a bool.
    ValueError
        If ``kernel`` is not 2-D, is empty or holds NaN/inf, a size is below
        1, ``mode``/``boundary`` are unknown, or (``"valid"``) the kernel is
        larger than the image.

    Notes
    -----
    Taught in: chapter 4.

    Examples
    --------
    >>> W = conv_matrix([[1.0, 2.0]], (1, 3), mode="full")
    >>> W
    array([[1., 0., 0.],
           [2., 1., 0.],
           [0., 2., 1.],
           [0., 0., 2.]])
    """
    return _layer_matrix(kernel, image_shape, mode, boundary, sparse, "convolve")


def corr_matrix(
    kernel: Any,
    image_shape: tuple[int, int],
    mode: str = "full",
    *,
    boundary: str = "fill",
    sparse: bool = False,
):
    """The matrix of ``image -> correlate2d(image, kernel, mode, boundary)``.

    What a CNN layer computes. Same as :func:`conv_matrix` with the kernel
    flipped, except for the placement of ``"same"`` with even-sized kernels
    (SciPy's rule, see :mod:`helpers.convolution`).

    Parameters
    ----------
    kernel, image_shape, mode, boundary, sparse
        As for :func:`conv_matrix`.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array, shape (out_rows * out_cols, N * M)

    Raises
    ------
    TypeError, ValueError
        As for :func:`conv_matrix`.

    Notes
    -----
    Taught in: chapter 4.

    Examples
    --------
    >>> corr_matrix([[1.0, 2.0]], (1, 3), mode="valid")
    array([[1., 2., 0.],
           [0., 1., 2.]])
    """
    return _layer_matrix(kernel, image_shape, mode, boundary, sparse, "correlate")


# --------------------------------------------------------------------------
# Gradients
# --------------------------------------------------------------------------


def _padded_values(image: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The image padded as :func:`_padded_index` says (zeros where ``-1``)."""
    return np.where(index >= 0, image.reshape(-1)[np.maximum(index, 0)], 0.0)


def _check_gradient_args(mode, boundary, operation):
    return (
        choice(mode, "mode", MODES),
        choice(boundary, "boundary", BOUNDARIES),
        choice(operation, "operation", OPERATIONS),
    )


def kernel_gradient(
    image: Any,
    upstream_grad: Any,
    kernel_shape: tuple[int, int],
    mode: str = "valid",
    *,
    boundary: str = "fill",
    operation: str = "correlate",
) -> np.ndarray:
    """Gradient of a loss with respect to a layer's shared kernel.

    For the layer ``y = f ⋆ g`` (``operation="correlate"``, what Keras'
    ``Conv2D`` computes) every output pixel uses the same kernel, so the
    kernel's gradient is the **sum over output positions** of the upstream
    gradient times the image patch that position sees:

    .. math::

        \\frac{\\partial L}{\\partial g[m, n]} = \\sum_{i, j}
        \\frac{\\partial L}{\\partial y[i, j]}\\, f[i + m, j + n],

    i.e. ``correlate2d(f, dL/dy, "valid")`` in ``"valid"`` mode. For
    ``y = f * g`` (``"convolve"``) the result is the same array flipped.

    Parameters
    ----------
    image : array_like, shape (N, M), real
        The layer's input ``f``.
    upstream_grad : array_like, real
        ``dL/dy``, with the layer's output shape (as
        :func:`helpers.convolution.output_shape` gives for ``mode``).
    kernel_shape : tuple of 2 int
        ``(P, Q)``, the kernel's shape.
    mode : {"full", "same", "valid"}, default "valid"
        The layer's output size (Keras' ``padding="valid"`` is ``"valid"``;
        ``padding="same"`` is ``"same"`` with zeros).
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the layer extends the image past its edges.
    operation : {"correlate", "convolve"}, default "correlate"
        Whether the layer computes ``f ⋆ g`` (CNN layers) or ``f * g``.

    Returns
    -------
    numpy.ndarray, shape (P, Q), float64
        ``dL/dg``.

    Raises
    ------
    TypeError
        If an array is not real, ``kernel_shape`` is not a pair of ints or a
        string option is not a string.
    ValueError
        If ``image`` is not 2-D, an array is empty or holds NaN/inf, an
        option is unknown, the kernel does not fit (``"valid"``), or
        ``upstream_grad`` does not have the output shape.

    Notes
    -----
    Taught in: chapter 4. Works tap by tap: for each of the ``P Q`` taps,
    one sum over all output positions (memory of one image).

    Examples
    --------
    >>> kernel_gradient([[1.0, 2.0, 3.0]], [[1.0, 1.0]], (1, 2))
    array([[3., 5.]])
    """
    image = real_array(image, "image", 2)
    upstream_grad = real_array(upstream_grad, "upstream_grad", 2)
    kernel_shape = shape_pair(kernel_shape, "kernel_shape")
    mode, boundary, operation = _check_gradient_args(mode, boundary, operation)
    _check_fits(image.shape, kernel_shape, mode)
    (top, left), out_shape = _core.placement(image.shape, kernel_shape, mode, operation == "correlate")
    _check_output(upstream_grad, "upstream_grad", out_shape)

    padded = _padded_values(image, _padded_index(image.shape, kernel_shape, boundary))
    rows, cols = out_shape
    grad = np.empty(kernel_shape)
    for m in range(kernel_shape[0]):
        for n in range(kernel_shape[1]):
            seen = padded[top + m : top + m + rows, left + n : left + n + cols]
            grad[m, n] = np.sum(upstream_grad * seen)  # the sum over positions
    return _oriented(grad, operation).copy()


def input_gradient(
    kernel: Any,
    upstream_grad: Any,
    image_shape: tuple[int, int],
    mode: str = "valid",
    *,
    boundary: str = "fill",
    operation: str = "correlate",
) -> np.ndarray:
    """Gradient of a loss with respect to a layer's input.

    For ``y = f ⋆ g`` in ``"valid"`` mode each image pixel reaches every
    output whose window covers it, so

    .. math::

        \\frac{\\partial L}{\\partial f[a, b]} = \\sum_{m, n}
        \\frac{\\partial L}{\\partial y[a - m, b - n]}\\, g[m, n]
        = \\Big(\\frac{\\partial L}{\\partial y} \\star \\tilde g\\Big)_{\\text{full}}[a, b],

    a **full correlation with the flipped kernel** ``g~[m, n] = g[P-1-m,
    Q-1-n]`` (equivalently a full convolution with ``g``): the transpose of
    the layer, ``W.T @ dL/dy``. For ``"convolve"`` it is a full correlation
    with ``g`` itself. Other modes crop the result; ``"wrap"``/``"symm"``
    add the gradient of each padding pixel back to the pixel it copies.

    Parameters
    ----------
    kernel : array_like, shape (P, Q), real
        The layer's kernel ``g``.
    upstream_grad : array_like, real
        ``dL/dy``, with the layer's output shape.
    image_shape : tuple of 2 int
        ``(N, M)``, the input's shape.
    mode, boundary, operation
        As for :func:`kernel_gradient`.

    Returns
    -------
    numpy.ndarray, shape (N, M), float64
        ``dL/df``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`kernel_gradient` (``kernel`` must be 2-D).

    Notes
    -----
    Taught in: chapter 4.

    Examples
    --------
    >>> input_gradient([[1.0, 2.0]], [[1.0, 1.0]], (1, 3))
    array([[1., 3., 2.]])
    """
    kernel = real_array(kernel, "kernel", 2)
    upstream_grad = real_array(upstream_grad, "upstream_grad", 2)
    image_shape = shape_pair(image_shape, "image_shape")
    mode, boundary, operation = _check_gradient_args(mode, boundary, operation)
    _check_fits(image_shape, kernel.shape, mode)
    (top, left), out_shape = _core.placement(image_shape, kernel.shape, mode, operation == "correlate")
    _check_output(upstream_grad, "upstream_grad", out_shape)

    index = _padded_index(image_shape, kernel.shape, boundary)
    laid = _oriented(kernel, operation)
    rows, cols = out_shape
    padded_grad = np.zeros(index.shape)
    for m in range(kernel.shape[0]):
        for n in range(kernel.shape[1]):
            # tap (m, n) sends upstream_grad, scaled by its weight, back to the pixels it read
            padded_grad[top + m : top + m + rows, left + n : left + n + cols] += (
                laid[m, n] * upstream_grad
            )
    inside = index >= 0
    grad = np.bincount(
        index[inside], weights=padded_grad[inside], minlength=image_shape[0] * image_shape[1]
    )
    return grad.reshape(image_shape)


def numerical_gradient(
    func: Callable[[np.ndarray], float], x: Any, *, eps: float = 1e-6
) -> np.ndarray:
    """Gradient of a scalar function of an array by central finite differences.

    ``(func(x + eps e_k) - func(x - eps e_k)) / (2 eps)`` for every entry
    ``k``: two calls per entry, so keep ``x`` small (a few hundred
    entries). Independent of any back-propagation code, it checks it. (The
    same idea as :func:`helpers.nn.numerical_gradient`, which works on an
    MLP's parameter list.)

    Parameters
    ----------
    func : callable
        ``func(array) -> float``, called with float64 arrays of ``x``'s shape.
    x : array_like, real, any shape
        Where to take the gradient; not modified.
    eps : float > 0, default 1e-6
        Step size. In float64 the error is about ``eps**2`` times the third
        derivative (truncation) plus ``1e-16 |func| / eps`` (rounding). A
        quadratic ``func`` has no truncation error at all, so any step is
        exact up to rounding.

    Returns
    -------
    numpy.ndarray, same shape as ``x``, float64

    Raises
    ------
    TypeError
        If ``func`` is not callable, ``x`` is not real, ``eps`` is not a
        number, or ``func`` does not return a real scalar.
    ValueError
        If ``x`` is empty or holds NaN/inf, or ``eps`` is not positive.

    Notes
    -----
    Taught in: chapter 4.

    Examples
    --------
    >>> numerical_gradient(lambda v: float(np.sum(v**2)), [1.0, -2.0]).round(6)
    array([ 2., -4.])
    """
    if not callable(func):
        raise TypeError(f"func must be callable as func(array) -> float, got {type(func).__name__}")
    x = real_array(x, "x", None).copy()
    eps = real(eps, "eps", positive=True)

    def value(array: np.ndarray) -> float:
        result = func(array)
        if isinstance(result, (bool, np.bool_)) or np.ndim(result) != 0:
            raise TypeError(f"func must return a real scalar, got {result!r}")
        return float(result)

    return _core.central_differences(lambda: value(x), x, eps)


# --------------------------------------------------------------------------
# Least squares on patches
# --------------------------------------------------------------------------


def image_patches(
    image: Any, kernel_shape: tuple[int, int], mode: str = "valid", *, boundary: str = "fill"
) -> np.ndarray:
    """Every patch a kernel sees, one per row: a correlation as a matrix product.

    ``image_patches(f, g.shape, mode) @ g.ravel()`` equals
    ``correlate2d(f, g, mode).ravel()``: the rows are the output positions
    (row-major), the columns the kernel taps (row-major). It is the
    transpose view of :func:`corr_matrix`: there the kernel is fixed and the
    image varies; here the image is fixed and the kernel varies.

    Parameters
    ----------
    image : array_like, shape (N, M), real
        The image ``f``.
    kernel_shape : tuple of 2 int
        ``(P, Q)``.
    mode : {"valid", "same", "full"}, default "valid"
        As in :func:`helpers.convolution.correlate2d`. ``"same"`` with
        ``boundary="fill"`` is Keras' ``padding="same"``.
    boundary : {"fill", "wrap", "symm"}, default "fill"

    Returns
    -------
    numpy.ndarray, shape (out_rows * out_cols, P * Q), float64
        A new array (no view of ``image``).

    Raises
    ------
    TypeError, ValueError
        For a non-real or non-2-D image, a bad shape or option, or a kernel
        larger than the image in ``"valid"`` mode.

    Notes
    -----
    Taught in: chapter 5.

    Examples
    --------
    >>> image_patches([[1.0, 2.0, 3.0]], (1, 2))
    array([[1., 2.],
           [2., 3.]])
    """
    image = real_array(image, "image", 2)
    kernel_shape = shape_pair(kernel_shape, "kernel_shape")
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    _check_fits(image.shape, kernel_shape, mode)
    index = _tap_index(image.shape, kernel_shape, mode, boundary, "correlate")
    taps = kernel_shape[0] * kernel_shape[1]
    return _padded_values(image, index).reshape(-1, taps)


def least_squares_kernel(
    image: Any,
    target: Any,
    kernel_shape: tuple[int, int],
    mode: str = "valid",
    *,
    boundary: str = "fill",
) -> np.ndarray:
    """The kernel whose correlation with ``image`` is closest to ``target``.

    Solves ``min_g sum (correlate2d(image, g, mode, boundary) - target)**2``:
    an ordinary least-squares problem ``patches @ g.ravel() ≈
    target.ravel()`` (:func:`image_patches`), with one unknown per tap. It
    is the exact minimum of the mean-squared-error loss a one-filter CNN
    without bias is trained on. A 3-D ``target`` (one channel per filter)
    gives one kernel per channel.

    Parameters
    ----------
    image : array_like, shape (N, M), real
    target : array_like, shape (out_rows, out_cols) or (out_rows, out_cols, F), real
        The desired output, with the output shape of ``mode``.
    kernel_shape : tuple of 2 int
        ``(P, Q)``.
    mode : {"valid", "same", "full"}, default "valid"
    boundary : {"fill", "wrap", "symm"}, default "fill"

    Returns
    -------
    numpy.ndarray, shape (P, Q) or (P, Q, F), float64

    Raises
    ------
    TypeError, ValueError
        As for :func:`image_patches`, or when ``target`` is not 2-D or 3-D
        or its first two sizes are not the output shape.

    Notes
    -----
    Taught in: chapter 5. Uses :func:`numpy.linalg.lstsq` (an SVD), so a
    rank-deficient problem (a flat image) returns the minimum-norm kernel.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.random((8, 8))
    >>> g = np.array([[1.0, -1.0]])
    >>> target = image_patches(f, g.shape) @ g.ravel()
    >>> least_squares_kernel(f, target.reshape(8, 7), (1, 2)).round(6)
    array([[ 1., -1.]])
    """
    image = real_array(image, "image", 2)
    target = real_array(target, "target", (2, 3))
    kernel_shape = shape_pair(kernel_shape, "kernel_shape")
    mode = choice(mode, "mode", MODES)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    _check_fits(image.shape, kernel_shape, mode)
    _, out_shape = _core.placement(image.shape, kernel_shape, mode, correlate=True)
    _check_output(target[..., 0] if target.ndim == 3 else target, "target", out_shape)
    patches = image_patches(image, kernel_shape, mode, boundary=boundary)
    rhs = target.reshape(patches.shape[0], -1)
    solution, *_ = np.linalg.lstsq(patches, rhs, rcond=None)
    if target.ndim == 2:
        return solution.reshape(kernel_shape)
    return solution.reshape(*kernel_shape, -1)


# --------------------------------------------------------------------------
# Keras: a one-filter CNN and its training
# --------------------------------------------------------------------------


def one_filter_cnn(
    kernel_size: int = 3,
    filters: int = 1,
    *,
    padding: str = "valid",
    kernel_initializer: Any = "glorot_uniform",
    dtype: str = "float32",
):
    """A Keras model that is one ``Conv2D`` layer without bias: ``y = f ⋆ g``.

    ``keras.Sequential([keras.Input((None, None, 1)), Conv2D(filters,
    kernel_size, padding=padding, use_bias=False)])``: it takes a batch of
    grey images of any size, channels last, and returns ``filters`` maps.

    Parameters
    ----------
    kernel_size : int, default 3
        The kernel is ``kernel_size x kernel_size``.
    filters : int, default 1
        Number of kernels (output channels).
    padding : {"valid", "same"}, default "valid"
        Keras' padding: ``"valid"`` shrinks the output by ``kernel_size - 1``;
        ``"same"`` pads with zeros (as ``correlate2d(..., "same")``).
    kernel_initializer : str or keras initializer, default "glorot_uniform"
        The starting kernel (Keras' default). Seed it (or call
        ``keras.utils.set_random_seed``) for a repeatable start.
    dtype : {"float32", "float64"}, default "float32"
        The layer's computation and weight type; float64 lets a trained
        kernel approach the exact one more closely.

    Returns
    -------
    keras.Sequential
        Not compiled (:func:`fit_kernel` compiles it).

    Raises
    ------
    TypeError
        If ``kernel_size``/``filters`` are not ints or ``padding``/``dtype``
        are not strings.
    ValueError
        If a size is below 1 or ``padding``/``dtype`` are unknown.

    Notes
    -----
    Taught in: chapter 5. Imports Keras on first call.

    Examples
    --------
    >>> model = one_filter_cnn(3)  # doctest: +SKIP
    >>> model.layers[0].kernel.shape  # doctest: +SKIP
    (3, 3, 1, 1)
    """
    kernel_size = integer(kernel_size, "kernel_size", minimum=1)
    filters = integer(filters, "filters", minimum=1)
    padding = choice(padding, "padding", PADDINGS)
    dtype = choice(dtype, "dtype", ("float32", "float64"))
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(None, None, 1), dtype=dtype),
            keras.layers.Conv2D(
                filters, kernel_size, padding=padding, use_bias=False,
                kernel_initializer=kernel_initializer, dtype=dtype, name="conv",
            ),
        ],
        name="one_filter_cnn",
    )


def _make_kernel_history():
    import keras

    class KernelHistory(keras.callbacks.Callback):
        """Record a layer's kernel before training and after every epoch.

        Parameters
        ----------
        layer : int or str, default 0
            The layer whose ``kernel`` is recorded: its index in
            ``model.layers`` or its name.

        Attributes
        ----------
        kernels : list of numpy.ndarray
            ``kernels[0]`` is the starting kernel, ``kernels[e]`` the kernel
            after epoch ``e``; each of the layer's kernel shape
            (``(P, Q, in_channels, filters)`` for ``Conv2D``).

        Notes
        -----
        Taught in: chapter 5. A Keras callback: pass it to ``model.fit(...,
        callbacks=[history])``. Created on first use, so that importing
        :mod:`helpers.conv_layer` does not import Keras.
        """

        def __init__(self, layer: int | str = 0):
            super().__init__()
            if isinstance(layer, bool) or not isinstance(layer, (numbers.Integral, str)):
                raise TypeError(
                    f"layer must be an int index or a layer name, got {type(layer).__name__}"
                )
            self.layer = layer
            self.kernels: list[np.ndarray] = []

        def _kernel(self) -> np.ndarray:
            if isinstance(self.layer, str):
                layer = self.model.get_layer(self.layer)
            else:
                layer = self.model.layers[self.layer]
            return np.array(layer.kernel.numpy())

        def on_train_begin(self, logs=None):
            if not self.kernels:  # a second fit() continues the record
                self.kernels.append(self._kernel())

        def on_epoch_end(self, epoch, logs=None):
            self.kernels.append(self._kernel())

    KernelHistory.__module__ = __name__
    return KernelHistory


_LAZY: dict[str, type] = {}


def __getattr__(name: str):
    """Create :class:`KernelHistory` (a Keras callback) on first access."""
    if name == "KernelHistory":
        if name not in _LAZY:
            _LAZY[name] = _make_kernel_history()
        return _LAZY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def fit_kernel(
    model: Any,
    image: Any,
    target: Any,
    *,
    epochs: int = 200,
    optimizer: Any = "adam",
    lr: float = 0.01,
    steps_per_epoch: int = 1,
) -> dict[str, np.ndarray]:
    """Train a one-layer model on one (image, target) pair, full batch, MSE loss.

    Compiles ``model`` with the optimizer and ``loss="mse"``, then runs
    ``epochs * steps_per_epoch`` gradient steps, each on the whole image
    (one batch of one image), recording the loss and the first layer's
    kernel after every epoch with :class:`KernelHistory`.

    Parameters
    ----------
    model : keras.Model
        Its first layer has a ``kernel`` (e.g. from :func:`one_filter_cnn`).
        Its weights are updated in place.
    image : array_like, shape (N, M), real
        The input ``f``.
    target : array_like, shape (out_rows, out_cols) or (out_rows, out_cols, F)
        The desired output: the model's output shape for an ``N x M`` image.
    epochs : int, default 200
        Number of epochs recorded.
    optimizer : {"adam", "sgd"} or keras optimizer, default "adam"
        A name (with learning rate ``lr``) or an optimizer instance (then
        ``lr`` is ignored).
    lr : float > 0, default 0.01
        Learning rate for a named optimizer.
    steps_per_epoch : int, default 1
        Gradient steps per epoch, each on the same full batch. They run as
        one compiled call (``steps_per_execution``), so ten steps per epoch
        train about twice as fast as ten epochs of one step, at the price
        of recording the kernel less often.

    Returns
    -------
    dict
        ``"loss"``: array (epochs,), the mean loss over each epoch's steps;
        ``"kernels"``: array (epochs + 1, P, Q, F), the kernel before
        training and after each epoch (input channel dropped).

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model, an array is not real, a count is
        not an int, ``lr`` is not a number or ``optimizer`` is neither a
        known name nor an optimizer.
    ValueError
        If the arrays have the wrong number of dimensions, hold NaN/inf,
        ``target`` does not match the model's output shape, or a count or
        ``lr`` is not positive.

    Notes
    -----
    Taught in: chapter 5. Imports Keras and TensorFlow on first call;
    the data are fed as a repeated ``tf.data`` dataset, whose per-epoch
    cost is far below that of NumPy arrays.

    Examples
    --------
    >>> model = one_filter_cnn(3)  # doctest: +SKIP
    >>> run = fit_kernel(model, image, target, epochs=100, lr=0.05)  # doctest: +SKIP
    >>> run["kernels"].shape  # doctest: +SKIP
    (101, 3, 3, 1)
    """
    image = real_array(image, "image", 2)
    target = real_array(target, "target", (2, 3))
    epochs = integer(epochs, "epochs", minimum=1)
    steps_per_epoch = integer(steps_per_epoch, "steps_per_epoch", minimum=1)
    lr = real(lr, "lr", positive=True)
    import keras
    import tensorflow as tf

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(optimizer, str):
        optimizer = choice(optimizer, "optimizer", ("adam", "sgd"))
        optimizer = keras.optimizers.Adam(lr) if optimizer == "adam" else keras.optimizers.SGD(lr)
    elif not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(
            f"optimizer must be 'adam', 'sgd' or a keras optimizer, got {type(optimizer).__name__}"
        )
    if target.ndim == 2:
        target = target[..., None]
    expected = tuple(model.compute_output_shape((1, *image.shape, 1))[1:])
    if target.shape != expected:
        raise ValueError(
            f"target must have the model's output shape {expected[:2]} with "
            f"{expected[2]} channel(s) for a {image.shape} image, got shape {target.shape}"
        )
    dtype = model.layers[0].compute_dtype
    pair = (image[None, :, :, None].astype(dtype), target[None].astype(dtype))
    dataset = tf.data.Dataset.from_tensors(pair).repeat()

    # one graph call per epoch: Keras' per-step Python overhead dominates such a small model
    model.compile(optimizer=optimizer, loss="mse", jit_compile=False,
                  steps_per_execution=steps_per_epoch)
    history = __getattr__("KernelHistory")(layer=0)
    fitted = model.fit(
        dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, shuffle=False, verbose=0,
        callbacks=[history],
    )
    kernels = np.stack(history.kernels)[:, :, :, 0, :]
    return {"loss": np.asarray(fitted.history["loss"], dtype=float), "kernels": kernels}
