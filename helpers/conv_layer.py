"""A convolution seen as a neural-network layer: its matrix, its gradients, its training.

Modes and boundaries follow :mod:`helpers.convolution` (SciPy's rules), except
that ``"valid"`` never swaps the inputs: the kernel must fit inside the image.
A CNN layer (Keras ``Conv2D``) computes the correlation ``f ⋆ g`` with zero
padding, so the gradients and patches are those. Keras is imported only when a
Keras helper is called.

Taught in: chapter 4 (the matrix and the gradients) and chapter 5 (learning a kernel).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers import _core
from helpers._validate import choice, flag, integer, real, real_array, shape_pair
from helpers.convolution import BOUNDARIES, MODES

__all__ = [
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


def _placement(image_shape, kernel_shape, mode, correlate=True):
    """Check ``mode`` and that a ``"valid"`` kernel fits; ``_core.placement``'s answer."""
    mode = choice(mode, "mode", MODES)
    if mode == "valid" and (kernel_shape[0] > image_shape[0] or kernel_shape[1] > image_shape[1]):
        raise ValueError(f"for mode='valid' the kernel must fit inside the image; got kernel "
                         f"shape {kernel_shape} and image shape {image_shape}")
    return _core.placement(image_shape, kernel_shape, mode, correlate)


def _output_placement(array, name, image_shape, kernel_shape, mode):
    """:func:`_placement`, after checking that ``array`` (rows, cols[, F]) has the output shape."""
    placement = _placement(image_shape, kernel_shape, mode)
    if array.shape[:2] != placement[1]:
        raise ValueError(f"{name} must have the layer's output shape {placement[1]} (given the "
                         f"image shape, kernel shape and mode), got shape {array.shape}")
    return placement


def _padded(array, kernel_shape, boundary="fill", fillvalue=0.0):
    """``array`` padded by ``P - 1`` rows and ``Q - 1`` columns on each side."""
    widths = ((kernel_shape[0] - 1,) * 2, (kernel_shape[1] - 1,) * 2)
    return _core.pad(array, widths, boundary, fillvalue)


def _windows(padded, placement, kernel_shape):
    """``windows[i, j]``: the ``P x Q`` window of ``padded`` that output ``(i, j)`` reads."""
    (top, left), (rows, cols) = placement
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel_shape)
    return windows[top : top + rows, left : left + cols]


def _layer_matrix(kernel, image_shape, mode, boundary, sparse, correlate):
    kernel = real_array(kernel, "kernel", 2)
    image_shape = shape_pair(image_shape, "image_shape")
    boundary = choice(boundary, "boundary", BOUNDARIES)
    sparse = flag(sparse, "sparse")
    placement = _placement(image_shape, kernel.shape, mode, correlate)

    # which image pixel (index into image.ravel(), -1 for a zero) each tap of each output reads
    pixels = np.arange(image_shape[0] * image_shape[1]).reshape(image_shape)
    index = _windows(_padded(pixels, kernel.shape, boundary, -1), placement, kernel.shape)
    cols = index.reshape(index.shape[0] * index.shape[1], kernel.size)
    rows = np.broadcast_to(np.arange(cols.shape[0])[:, None], cols.shape)
    laid = kernel if correlate else kernel[::-1, ::-1]  # convolution flips the kernel
    values = np.broadcast_to(laid.reshape(-1), cols.shape)
    inside = cols >= 0  # "fill" pixels multiply zeros: no entry
    shape = (cols.shape[0], image_shape[0] * image_shape[1])
    import scipy.sparse

    # Duplicate (row, col) pairs (wrap/symm with a large kernel) are summed.
    matrix = scipy.sparse.coo_array((values[inside], (rows[inside], cols[inside])), shape=shape)
    return matrix.tocsr() if sparse else matrix.toarray()


def conv_matrix(
    kernel: Any, image_shape: tuple[int, int], mode: str = "full", *, boundary: str = "fill",
    sparse: bool = False,
):
    """The matrix ``W`` of ``image -> convolve2d(image, kernel, mode, boundary)``.

    ``W @ image.ravel()`` equals the convolution, raveled row-major; with
    ``boundary="fill"``, ``W`` is doubly block-Toeplitz.

    Parameters
    ----------
    kernel : array_like, shape (P, Q), real
        The kernel ``g``.
    image_shape : tuple of 2 int
        ``(N, M)``, the shape of the images the matrix applies to.
    mode : {"full", "same", "valid"}, default "full"
        As in :func:`helpers.convolution.convolve2d`; a ``"valid"`` kernel must fit the image.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the image is extended past its edges (``"fill"``: zeros).
    sparse : bool, default False
        Return a ``scipy.sparse.csr_array`` (for large images), not a dense float64 array.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array, shape (out_rows * out_cols, N * M)

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``kernel`` is not 2-D or finite, an option is unknown or a ``"valid"`` kernel is too big.

    Notes
    -----
    Taught in: chapter 4.

    Examples
    --------
    >>> conv_matrix([[1.0, 2.0]], (1, 3), mode="full")
    array([[1., 0., 0.],
           [2., 1., 0.],
           [0., 2., 1.],
           [0., 0., 2.]])
    """
    return _layer_matrix(kernel, image_shape, mode, boundary, sparse, correlate=False)


def corr_matrix(
    kernel: Any, image_shape: tuple[int, int], mode: str = "full", *, boundary: str = "fill",
    sparse: bool = False,
):
    """The matrix of ``image -> correlate2d(image, kernel, mode, boundary)``: a CNN layer.

    :func:`conv_matrix` of the flipped kernel, except for ``"same"`` with
    even-sized kernels (SciPy's placement).

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
    return _layer_matrix(kernel, image_shape, mode, boundary, sparse, correlate=True)


def kernel_gradient(
    image: Any, upstream_grad: Any, kernel_shape: tuple[int, int], mode: str = "valid"
) -> np.ndarray:
    """Gradient of a loss with respect to the shared kernel of ``y = correlate2d(f, g, mode)``.

    Every output uses the same kernel, so ``dL/dg[m, n]`` is the sum over
    output positions of ``dL/dy[i, j] * f[i + m, j + n]``: in ``"valid"``
    mode, ``correlate2d(f, dL/dy, "valid")``.

    Parameters
    ----------
    image : array_like, shape (N, M), real
        The layer's input ``f``.
    upstream_grad : array_like, real
        ``dL/dy``, with the layer's output shape.
    kernel_shape : tuple of 2 int
        ``(P, Q)``.
    mode : {"full", "same", "valid"}, default "valid"
        The layer's output size (Keras' ``padding="same"`` is ``"same"``).

    Returns
    -------
    numpy.ndarray, shape (P, Q), float64
        ``dL/dg``, computed tap by tap: one sum over all output positions per tap.

    Raises
    ------
    TypeError
        If an array is not real, ``kernel_shape`` not a pair of ints or ``mode`` not a string.
    ValueError
        If an array has the wrong shape or is not finite, or ``mode`` is unknown, or (``"valid"``) the kernel does not fit inside
        the image.

    Notes
    -----
    Taught in: chapter 4.

    Examples
    --------
    >>> kernel_gradient([[1.0, 2.0, 3.0]], [[1.0, 1.0]], (1, 2))
    array([[3., 5.]])
    """
    image = real_array(image, "image", 2)
    upstream_grad = real_array(upstream_grad, "upstream_grad", 2)
    kernel_shape = shape_pair(kernel_shape, "kernel_shape")
    (top, left), (rows, cols) = _output_placement(
        upstream_grad, "upstream_grad", image.shape, kernel_shape, mode)

    padded = _padded(image, kernel_shape)
    grad = np.empty(kernel_shape)
    for m in range(kernel_shape[0]):
        for n in range(kernel_shape[1]):
            seen = padded[top + m : top + m + rows, left + n : left + n + cols]
            grad[m, n] = np.sum(upstream_grad * seen)  # the sum over positions
    return grad


def input_gradient(
    kernel: Any, upstream_grad: Any, image_shape: tuple[int, int], mode: str = "valid"
) -> np.ndarray:
    """Gradient of a loss with respect to the input of ``y = correlate2d(f, g, mode)``.

    Each pixel reaches every output whose window covers it: in ``"valid"``
    mode ``dL/df`` is the full correlation of ``dL/dy`` with the flipped
    kernel, i.e. ``W.T @ dL/dy``; other modes crop it.

    Parameters
    ----------
    kernel : array_like, shape (P, Q), real
        The layer's kernel ``g``.
    upstream_grad : array_like, real
        ``dL/dy``, with the layer's output shape.
    image_shape : tuple of 2 int
        ``(N, M)``, the input's shape.
    mode : {"full", "same", "valid"}, default "valid"
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
    (top, left), (rows, cols) = _output_placement(
        upstream_grad, "upstream_grad", image_shape, kernel.shape, mode)

    padded_grad = _padded(np.zeros(image_shape), kernel.shape)
    for m in range(kernel.shape[0]):
        for n in range(kernel.shape[1]):
            # tap (m, n) sends upstream_grad, scaled by its weight, back to the pixels it read
            padded_grad[top + m : top + m + rows, left + n : left + n + cols] += (
                kernel[m, n] * upstream_grad
            )
    p, q = kernel.shape[0] - 1, kernel.shape[1] - 1  # the zero padding gets no gradient
    return padded_grad[p : p + image_shape[0], q : q + image_shape[1]].copy()


def numerical_gradient(
    func: Callable[[np.ndarray], float], x: Any, *, eps: float = 1e-6
) -> np.ndarray:
    """Gradient of a scalar function of an array by central finite differences.

    ``(func(x + eps e_k) - func(x - eps e_k)) / (2 eps)`` for every entry
    ``k``: two calls per entry, so keep ``x`` small.

    Parameters
    ----------
    func : callable
        ``func(array) -> float``, called with float64 arrays of ``x``'s shape.
    x : array_like, real, any shape
        Where to take the gradient; not modified.
    eps : float > 0, default 1e-6
        Step size: the error is about ``eps**2`` times the third derivative plus
        ``1e-16 |func| / eps`` (rounding); a quadratic has no ``eps**2`` term.

    Returns
    -------
    numpy.ndarray, same shape as ``x``, float64

    Raises
    ------
    TypeError
        If ``func`` is not callable or returns no real scalar, or ``x``/``eps`` are not real.
    ValueError
        If ``x`` is empty or not finite, or ``eps`` is not positive.

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

    def value() -> float:
        result = func(x)
        if isinstance(result, (bool, np.bool_)) or np.ndim(result) != 0:
            raise TypeError(f"func must return a real scalar, got {result!r}")
        return float(result)

    return _core.central_differences(value, x, eps)


def image_patches(image: Any, kernel_shape: tuple[int, int], mode: str = "valid") -> np.ndarray:
    """Every patch a kernel sees, one per row: a correlation as a matrix product.

    ``image_patches(f, g.shape, mode) @ g.ravel()`` equals
    ``correlate2d(f, g, mode).ravel()`` (zero padding): the image fixed and
    the kernel varying, where :func:`corr_matrix` fixes the kernel.

    Parameters
    ----------
    image : array_like, shape (N, M), real
        The image ``f``.
    kernel_shape : tuple of 2 int
        ``(P, Q)``.
    mode : {"valid", "same", "full"}, default "valid"
        As in :func:`helpers.convolution.correlate2d` (``"same"``: Keras' ``padding="same"``).

    Returns
    -------
    numpy.ndarray, shape (out_rows * out_cols, P * Q), float64
        A new array, rows the output positions, columns the taps (row-major).

    Raises
    ------
    TypeError, ValueError
        As for :func:`kernel_gradient`.

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
    placement = _placement(image.shape, kernel_shape, mode)
    windows = _windows(_padded(image, kernel_shape), placement, kernel_shape)
    return windows.reshape(-1, kernel_shape[0] * kernel_shape[1]).copy()


def least_squares_kernel(
    image: Any, target: Any, kernel_shape: tuple[int, int], mode: str = "valid"
) -> np.ndarray:
    """The kernel whose correlation with ``image`` is closest to ``target``.

    Solves ``patches @ g.ravel() ≈ target.ravel()`` (:func:`image_patches`)
    with :func:`numpy.linalg.lstsq`: the exact minimum of the MSE loss a
    one-filter CNN without bias is trained on. A 3-D ``target`` gives one
    kernel per channel.

    Parameters
    ----------
    image : array_like, shape (N, M), real
        The input ``f``.
    target : array_like, shape (out_rows, out_cols) or (out_rows, out_cols, F), real
        The desired output, with the output shape of ``mode``.
    kernel_shape : tuple of 2 int
        ``(P, Q)``.
    mode : {"valid", "same", "full"}, default "valid"
        As for :func:`image_patches`.

    Returns
    -------
    numpy.ndarray, shape (P, Q) or (P, Q, F), float64
        The minimum-norm solution if the problem is rank-deficient.

    Raises
    ------
    TypeError, ValueError
        As for :func:`kernel_gradient` (``target`` has the output shape, 2-D or 3-D).

    Notes
    -----
    Taught in: chapter 5.

    Examples
    --------
    >>> f = np.random.default_rng(0).random((8, 8))
    >>> target = image_patches(f, (1, 2)) @ [1.0, -1.0]
    >>> least_squares_kernel(f, target.reshape(8, 7), (1, 2)).round(6)
    array([[ 1., -1.]])
    """
    image = real_array(image, "image", 2)
    target = real_array(target, "target", (2, 3))
    kernel_shape = shape_pair(kernel_shape, "kernel_shape")
    _output_placement(target, "target", image.shape, kernel_shape, mode)
    patches = image_patches(image, kernel_shape, mode)
    rhs = target.reshape(patches.shape[0], -1)
    solution, *_ = np.linalg.lstsq(patches, rhs, rcond=None)
    return solution.reshape(kernel_shape + target.shape[2:])


def one_filter_cnn(
    kernel_size: int = 3, filters: int = 1, *, padding: str = "valid",
    kernel_initializer: Any = "glorot_uniform", dtype: str = "float32",
):
    """A Keras model that is one ``Conv2D`` layer without bias: ``y = f ⋆ g``.

    It takes a batch of grey images of any size, channels last, and returns
    ``filters`` maps.

    Parameters
    ----------
    kernel_size : int, default 3
        The kernel is ``kernel_size x kernel_size``.
    filters : int, default 1
        Number of kernels (output channels).
    padding : {"valid", "same"}, default "valid"
        Keras' padding; ``"same"`` pads with zeros.
    kernel_initializer : str or keras initializer, default "glorot_uniform"
        The starting kernel; seed Keras for a repeatable start.
    dtype : {"float32", "float64"}, default "float32"
        The layer's computation and weight type.

    Returns
    -------
    keras.Sequential
        Not compiled (:func:`fit_kernel` compiles it).

    Raises
    ------
    TypeError
        If ``kernel_size``/``filters`` are not ints or ``padding``/``dtype`` not strings.
    ValueError
        If a size is below 1 or ``padding``/``dtype`` are unknown.

    Notes
    -----
    Taught in: chapter 5. Imports Keras on first call.

    Examples
    --------
    >>> tuple(one_filter_cnn(3).layers[0].kernel.shape)
    (3, 3, 1, 1)
    """
    kernel_size = integer(kernel_size, "kernel_size", minimum=1)
    filters = integer(filters, "filters", minimum=1)
    padding = choice(padding, "padding", ("valid", "same"))
    dtype = choice(dtype, "dtype", ("float32", "float64"))
    import keras

    conv = keras.layers.Conv2D(filters, kernel_size, padding=padding, use_bias=False,
                               kernel_initializer=kernel_initializer, dtype=dtype, name="conv")
    return keras.Sequential([keras.Input(shape=(None, None, 1), dtype=dtype), conv],
                            name="one_filter_cnn")


def fit_kernel(
    model: Any, image: Any, target: Any, *, epochs: int = 200, optimizer: str = "adam",
    lr: float = 0.01, steps_per_epoch: int = 1,
) -> dict[str, np.ndarray]:
    """Train a one-layer model on one (image, target) pair, full batch, MSE loss.

    Runs ``epochs * steps_per_epoch`` gradient steps, each on the whole image,
    recording the loss and the first layer's kernel after every epoch.

    Parameters
    ----------
    model : keras.Model
        Its first layer has a ``kernel`` (as :func:`one_filter_cnn`'s); trained in place.
    image : array_like, shape (N, M), real
        The input ``f``.
    target : array_like, shape (out_rows, out_cols) or (out_rows, out_cols, F)
        The desired output: the model's output shape for an ``N x M`` image.
    epochs : int, default 200
        Number of epochs recorded.
    optimizer : {"adam", "sgd"}, default "adam"
        The optimizer, with learning rate ``lr``.
    lr : float > 0, default 0.01
        Learning rate.
    steps_per_epoch : int, default 1
        Gradient steps per epoch, run as one compiled call (faster than as many epochs).

    Returns
    -------
    dict
        ``"loss"``: array (epochs,), the mean loss over each epoch's steps;
        ``"kernels"``: array (epochs + 1, P, Q, F), the kernel before
        training and after each epoch (input channel dropped).

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model or another argument has the wrong type.
    ValueError
        If an array has the wrong shape or is not finite, or an option is unknown or not positive.

    Notes
    -----
    Taught in: chapter 5. Imports Keras and TensorFlow on first call.

    Examples
    --------
    >>> image = np.random.default_rng(0).random((8, 8))
    >>> target = np.zeros((6, 6))
    >>> run = fit_kernel(one_filter_cnn(3), image, target, epochs=5)
    >>> run["kernels"].shape
    (6, 3, 3, 1)
    """
    image = real_array(image, "image", 2)
    target = real_array(target, "target", (2, 3))
    epochs = integer(epochs, "epochs", minimum=1)
    steps_per_epoch = integer(steps_per_epoch, "steps_per_epoch", minimum=1)
    lr = real(lr, "lr", positive=True)
    optimizer = choice(optimizer, "optimizer", ("adam", "sgd"))
    import keras
    import tensorflow as tf

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if target.ndim == 2:
        target = target[..., None]
    expected = tuple(model.compute_output_shape((1, *image.shape, 1))[1:])
    if target.shape != expected:
        raise ValueError(f"target must have the model's output shape {expected[:2]} with "
                         f"{expected[2]} channel(s) for a {image.shape} image, got shape "
                         f"{target.shape}")
    dtype = model.layers[0].compute_dtype
    pair = (image[None, :, :, None].astype(dtype), target[None].astype(dtype))
    # a repeated tf.data dataset costs far less per epoch than NumPy arrays
    dataset = tf.data.Dataset.from_tensors(pair).repeat()

    # one graph call per epoch: Keras' per-step Python overhead dominates such a small model
    optimizer = keras.optimizers.Adam(lr) if optimizer == "adam" else keras.optimizers.SGD(lr)
    model.compile(optimizer=optimizer, loss="mse", jit_compile=False,
                  steps_per_execution=steps_per_epoch)
    kernels = []

    def record(*_):
        kernels.append(np.array(model.layers[0].kernel.numpy()))

    recorder = keras.callbacks.LambdaCallback(on_train_begin=record, on_epoch_end=record)
    fitted = model.fit(dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, shuffle=False,
                       verbose=0, callbacks=[recorder])
    return {"loss": np.asarray(fitted.history["loss"], dtype=float),
            "kernels": np.stack(kernels)[:, :, :, 0, :]}
