"""Image filtering: blurs, Sobel gradients, edge maps, timings and a kernel explorer.

Everything here works on one grey image, a 2-D float array (values in
``[0, 1]`` for :func:`helpers.images.sample_image`), and returns an array of
the same shape (``mode="same"``). The arithmetic itself lives in
:mod:`helpers.convolution` and the kernels in :mod:`helpers.kernels`; this
module names the operations chapter 2 teaches and measures them.

Taught in: chapter 2 (image filtering).

Conventions
-----------
- *Filtering* means **correlation**: the kernel is laid over the image as
  printed, the convention of image-processing texts and of CNN layers. For
  the symmetric blur kernels it is the same as convolution; for Sobel it
  fixes the sign (``gx > 0`` where brightness increases to the right).
- Rows grow downwards, so ``gy > 0`` where brightness increases downwards,
  as in :func:`scipy.ndimage.sobel` with ``axis=0``.
- Boundaries are named as in :func:`scipy.signal.convolve2d`: ``"fill"``
  (pad with ``fillvalue``), ``"wrap"`` (periodic) and ``"symm"`` (mirror,
  the edge pixel repeated; ``mode="reflect"`` in :mod:`scipy.ndimage`).
"""

from __future__ import annotations

import timeit
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from helpers import convolution, kernels
from helpers._validate import choice, integer, real, real_array

__all__ = [
    "BOUNDARIES",
    "KERNEL_KINDS",
    "TIMING_METHODS",
    "apply_kernel",
    "blur",
    "crossover_size",
    "filter_grid",
    "frequency_response",
    "gradient_direction",
    "gradient_magnitude",
    "kernel_explorer",
    "kernel_output_range",
    "make_kernel",
    "sobel_gradients",
    "threshold_edges",
    "time_call",
    "time_convolution_methods",
]

#: Boundary modes understood by :mod:`helpers.convolution`.
BOUNDARIES = convolution.BOUNDARIES
#: Kernel names understood by :func:`make_kernel` (and the explorer).
KERNEL_KINDS = ("box", "gaussian", "sobel-x", "sobel-y")
#: Methods :func:`time_convolution_methods` can time.
TIMING_METHODS = ("direct", "separable", "fft", "auto", "scipy")


# --------------------------------------------------------------------------- kernels
def make_kernel(kind: str, size: int = 3, *, normalize: bool = True, sigma: float | None = None):
    """Build one of the chapter's kernels by name.

    Parameters
    ----------
    kind : {"box", "gaussian", "sobel-x", "sobel-y"}
        Which kernel: a box (mean) filter, a Gaussian, or Sobel's horizontal
        (``"sobel-x"``) or vertical (``"sobel-y"``) derivative.
    size : int, default 3
        Side of the square kernel, odd and >= 1. Sobel kernels are 3 x 3 only.
    normalize : bool, default True
        Divide by the sum of the positive weights, so that for inputs in
        ``[0, 1]`` the output never exceeds 1: a blur then sums to 1 (it keeps
        the mean grey level) and Sobel is divided by 4 (a unit step gives 1).
    sigma : float, optional
        Standard deviation of the Gaussian in pixels (Gaussian only); ``None``
        uses :func:`helpers.kernels.gaussian`'s default for ``size``.

    Returns
    -------
    numpy.ndarray of float, shape (size, size)

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``kind`` is unknown, ``size`` is not odd and positive, or a Sobel
        kernel is asked for with ``size != 3``.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> float(make_kernel("box", 3).sum())
    1.0
    >>> make_kernel("sobel-x", normalize=False)[1]
    array([-2.,  0.,  2.])
    """
    kind = choice(kind, "kind", KERNEL_KINDS)
    size = integer(size, "size", minimum=1, odd=True)
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False, got {normalize!r}")
    if sigma is not None:
        sigma = real(sigma, "sigma")
        if sigma <= 0:
            raise ValueError(f"sigma must be > 0, got {sigma}")
        if kind != "gaussian":
            raise ValueError(f"sigma only applies to kind='gaussian', got kind={kind!r}")
    if kind == "box":
        kernel = kernels.box(size, normalize=False)
    elif kind == "gaussian":
        kernel = kernels.gaussian(size, sigma=sigma, normalize=False)
    else:
        if size != 3:
            raise ValueError(f"size must be 3 for kind={kind!r} (Sobel is 3 x 3), got {size}")
        kernel = kernels.sobel(kind[-1])
    kernel = np.asarray(kernel, dtype=float)
    if normalize:
        kernel = kernel / kernel[kernel > 0].sum()
    return kernel


def kernel_output_range(kernel, low: float = 0.0, high: float = 1.0) -> tuple[float, float]:
    """Smallest and largest output a kernel can give for inputs in ``[low, high]``.

    Filtering is linear, so the extremes come from putting ``high`` under
    every positive weight and ``low`` under every negative one (or the other
    way round).

    Parameters
    ----------
    kernel : array_like of float, shape (m, n)
    low, high : float, default 0 and 1
        The range of the input pixels, ``low <= high``.

    Returns
    -------
    (float, float)
        ``(minimum, maximum)`` of the output.

    Raises
    ------
    TypeError, ValueError
        If ``kernel`` is not a finite 2-D array or ``low > high``.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> kernel_output_range([[1.0, 1.0], [1.0, 1.0]])
    (0.0, 4.0)
    >>> kernel_output_range([[-1.0, 0.0, 1.0]])
    (-1.0, 1.0)
    """
    kernel = real_array(kernel, "kernel", 2)
    low, high = real(low, "low"), real(high, "high")
    if low > high:
        raise ValueError(f"low must be <= high, got low={low}, high={high}")
    positive, negative = kernel[kernel > 0].sum(), kernel[kernel < 0].sum()
    return float(positive * low + negative * high), float(positive * high + negative * low)


def frequency_response(kernel_1d, n: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Frequency response of a symmetric 1-D kernel, from 0 to 0.5 cycles per pixel.

    A symmetric kernel shifts no phase, so its response is real: the factor
    by which it multiplies a cosine of each frequency. Negative values mean
    the cosine comes out inverted (bright and dark swapped).

    Parameters
    ----------
    kernel_1d : array_like of float, shape (k,)
        A kernel equal to its own reverse, such as
        :func:`helpers.kernels.box_1d` or :func:`helpers.kernels.gaussian_1d`.
    n : int, default 256
        Number of frequencies.

    Returns
    -------
    frequencies : numpy.ndarray, shape (n,)
        In cycles per pixel, from 0 to 0.5 (the Nyquist frequency).
    response : numpy.ndarray, shape (n,)

    Raises
    ------
    TypeError, ValueError
        If ``kernel_1d`` is not a finite 1-D array that equals its reverse.

    Notes
    -----
    Taught in: chapter 2 (why a box blur rings).

    Examples
    --------
    >>> freqs, response = frequency_response([0.25, 0.5, 0.25], n=3)
    >>> np.round(response, 3)
    array([1. , 0.5, 0. ])
    """
    if isinstance(kernel_1d, (str, bytes)):
        raise TypeError(f"kernel_1d must be a 1-D array of numbers, got {kernel_1d!r}")
    try:
        kernel_1d = np.asarray(kernel_1d, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"kernel_1d must be a 1-D array of numbers, got {kernel_1d!r}") from error
    if kernel_1d.ndim != 1 or kernel_1d.size == 0:
        raise ValueError(f"kernel_1d must be 1-D and non-empty, got shape {kernel_1d.shape}")
    if not np.all(np.isfinite(kernel_1d)):
        raise ValueError("kernel_1d must hold finite numbers")
    if not np.allclose(kernel_1d, kernel_1d[::-1]):
        raise ValueError("kernel_1d must be symmetric (equal to its reverse)")
    n = integer(n, "n", minimum=2)
    frequencies = np.linspace(0.0, 0.5, n)
    offsets = np.arange(kernel_1d.size) - (kernel_1d.size - 1) / 2
    response = np.cos(2 * np.pi * np.outer(frequencies, offsets)) @ kernel_1d
    return frequencies, response


# --------------------------------------------------------------------------- filtering
def apply_kernel(image, kernel, *, boundary: str = "symm", fillvalue: float = 0.0,
                 method: str = "direct") -> np.ndarray:
    """Filter ``image`` with ``kernel`` (correlation), keeping the image's shape.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    kernel : array_like of float, shape (m, n)
        Laid over the image as printed (correlation).
    boundary : {"symm", "fill", "wrap"}, default "symm"
        How pixels beyond the border are invented: mirrored, ``fillvalue``,
        or taken from the opposite side.
    fillvalue : float, default 0.0
        The value outside the image when ``boundary="fill"``.
    method : {"direct", "fft", "auto"}, default "direct"
        Passed to :func:`helpers.convolution.correlate2d`.

    Returns
    -------
    numpy.ndarray of float, shape (H, W)

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> float(apply_kernel(np.ones((4, 4)), make_kernel("box", 3)).min().round(6))
    1.0
    """
    image = real_array(image, "image", 2)
    kernel = real_array(kernel, "kernel", 2)
    boundary = choice(boundary, "boundary", BOUNDARIES)
    fillvalue = real(fillvalue, "fillvalue")
    method = choice(method, "method", ("direct", "fft", "auto"))
    return convolution.correlate2d(image, kernel, mode="same", boundary=boundary,
                                   fillvalue=fillvalue, method=method)


def blur(image, size: int, kind: str = "box", *, sigma: float | None = None,
         normalize: bool = True, boundary: str = "symm", fillvalue: float = 0.0,
         method: str = "direct") -> np.ndarray:
    """Blur ``image`` with a ``size`` x ``size`` box or Gaussian kernel.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    size : int
        Odd kernel side, >= 1 (1 returns the image unchanged when normalised).
    kind : {"box", "gaussian"}, default "box"
    sigma : float, optional
        Gaussian standard deviation in pixels; ``None`` for the default.
    normalize : bool, default True
        Weights sum to 1 (the mean grey level is kept); ``False`` uses raw
        ones (box) or raw exponentials (Gaussian), which brighten the image.
    boundary : {"symm", "fill", "wrap"}, default "symm"
    fillvalue : float, default 0.0
    method : {"direct", "fft", "auto"}, default "direct"

    Returns
    -------
    numpy.ndarray of float, shape (H, W)

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value (the message names it).

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> bool(np.isclose(blur(image, 3, boundary="wrap").mean(), image.mean()))
    True
    """
    kind = choice(kind, "kind", ("box", "gaussian"))
    kernel = make_kernel(kind, size, normalize=normalize, sigma=sigma)
    return apply_kernel(image, kernel, boundary=boundary, fillvalue=fillvalue, method=method)


# --------------------------------------------------------------------------- edges
def sobel_gradients(image, *, boundary: str = "symm", fillvalue: float = 0.0,
                    normalize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical Sobel derivatives of ``image``.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    boundary : {"symm", "fill", "wrap"}, default "symm"
        ``"symm"`` matches :func:`scipy.ndimage.sobel`'s default
        ``mode="reflect"``.
    fillvalue : float, default 0.0
    normalize : bool, default False
        Divide by 4, so a step from 0 to 1 gives a response of 1.

    Returns
    -------
    gx : numpy.ndarray, shape (H, W)
        Positive where brightness increases to the right.
    gy : numpy.ndarray, shape (H, W)
        Positive where brightness increases downwards (rows grow down).

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Notes
    -----
    Taught in: chapter 2. For inputs in ``[0, 1]`` each of ``gx`` and ``gy``
    lies in ``[-4, 4]`` (``[-1, 1]`` normalised).

    Examples
    --------
    >>> step = np.repeat([[0.0, 0.0, 1.0, 1.0]], 4, axis=0)
    >>> gx, gy = sobel_gradients(step)
    >>> gx[0], gy[0]
    (array([0., 4., 4., 0.]), array([0., 0., 0., 0.]))
    """
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False, got {normalize!r}")
    gx = apply_kernel(image, make_kernel("sobel-x", normalize=normalize),
                      boundary=boundary, fillvalue=fillvalue)
    gy = apply_kernel(image, make_kernel("sobel-y", normalize=normalize),
                      boundary=boundary, fillvalue=fillvalue)
    return gx, gy


def _check_pair(gx, gy) -> tuple[np.ndarray, np.ndarray]:
    gx, gy = real_array(gx, "gx", 2), real_array(gy, "gy", 2)
    if gx.shape != gy.shape:
        raise ValueError(f"gx and gy must have the same shape, got {gx.shape} and {gy.shape}")
    return gx, gy


def gradient_magnitude(gx, gy) -> np.ndarray:
    """Length of the gradient, ``sqrt(gx**2 + gy**2)``, pixel by pixel.

    Parameters
    ----------
    gx, gy : array_like of float, shape (H, W)
        From :func:`sobel_gradients`.

    Returns
    -------
    numpy.ndarray of float, shape (H, W), values >= 0

    Raises
    ------
    TypeError, ValueError
        If the arrays are not finite 2-D arrays of the same shape.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> gradient_magnitude([[3.0]], [[4.0]])
    array([[5.]])
    """
    gx, gy = _check_pair(gx, gy)
    return np.hypot(gx, gy)


def gradient_direction(gx, gy) -> np.ndarray:
    """Direction of the gradient in radians, ``arctan2(gy, gx)``, in ``(-pi, pi]``.

    The angle is measured from the +x axis (to the right) towards +y, which
    points *down* the image, so on screen positive angles turn clockwise.
    The gradient points from dark to bright, across the edge.

    Parameters
    ----------
    gx, gy : array_like of float, shape (H, W)

    Returns
    -------
    numpy.ndarray of float, shape (H, W)

    Raises
    ------
    TypeError, ValueError
        If the arrays are not finite 2-D arrays of the same shape.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> gradient_direction([[0.0]], [[2.0]]) / np.pi
    array([[0.5]])
    """
    gx, gy = _check_pair(gx, gy)
    return np.arctan2(gy, gx)


def threshold_edges(magnitude, threshold: float | None = None, *,
                    quantile: float | None = None) -> np.ndarray:
    """Mark edge pixels: those whose gradient magnitude exceeds a threshold.

    Give exactly one of ``threshold`` (an absolute value) or ``quantile``
    (keep the strongest ``1 - quantile`` fraction of pixels).

    Parameters
    ----------
    magnitude : array_like of float, shape (H, W)
        From :func:`gradient_magnitude`, values >= 0.
    threshold : float, optional
        Pixels with ``magnitude > threshold`` are edges.
    quantile : float in [0, 1), optional
        Use ``numpy.quantile(magnitude, quantile)`` as the threshold.

    Returns
    -------
    numpy.ndarray of bool, shape (H, W)

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If neither or both of ``threshold`` and ``quantile`` are given, the
        quantile is outside ``[0, 1)``, or ``magnitude`` has negative values.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> threshold_edges([[0.0, 1.0], [2.0, 3.0]], threshold=1.5)
    array([[False, False],
           [ True,  True]])
    """
    magnitude = real_array(magnitude, "magnitude", 2)
    if magnitude.min() < 0:
        raise ValueError(f"magnitude must be >= 0, got a minimum of {magnitude.min():.3g}")
    if (threshold is None) == (quantile is None):
        raise ValueError("give exactly one of threshold= or quantile=")
    if quantile is not None:
        quantile = real(quantile, "quantile")
        if not 0 <= quantile < 1:
            raise ValueError(f"quantile must be in [0, 1), got {quantile}")
        threshold = float(np.quantile(magnitude, quantile))
    else:
        threshold = real(threshold, "threshold")
    return magnitude > threshold


# --------------------------------------------------------------------------- timing
def time_call(function: Callable[[], object], *, repeat: int = 3, number: int = 1) -> float:
    """Best time of ``function()`` in seconds, over ``repeat`` runs of ``number`` calls.

    The minimum is the least disturbed by other programs. Compare times
    measured in the same session as ratios; absolute seconds depend on the
    machine.

    Parameters
    ----------
    function : callable taking no arguments
    repeat : int, default 3
    number : int, default 1
        Calls per run; the result is divided by it.

    Returns
    -------
    float
        Seconds per call.

    Raises
    ------
    TypeError, ValueError
        If ``function`` is not callable or the counts are not positive ints.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> time_call(lambda: sum(range(10))) > 0
    True
    """
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    repeat = integer(repeat, "repeat", minimum=1)
    number = integer(number, "number", minimum=1)
    return min(timeit.repeat(function, repeat=repeat, number=number)) / number


def _timed_operation(method: str, image: np.ndarray, size: int, boundary: str):
    """A no-argument callable that blurs ``image`` with a ``size`` Gaussian by ``method``."""
    sigma = size / 6
    kernel_1d = np.asarray(kernels.gaussian_1d(size, sigma=sigma), dtype=float)
    kernel = np.outer(kernel_1d, kernel_1d)
    if method == "separable":
        return lambda: convolution.convolve_separable(image, kernel_1d, kernel_1d,
                                                      mode="same", boundary=boundary)
    if method == "scipy":
        from scipy import signal

        return lambda: signal.convolve2d(image, kernel, mode="same", boundary=boundary)
    return lambda: convolution.convolve2d(image, kernel, mode="same", boundary=boundary,
                                          method=method)


def time_convolution_methods(image, kernel_sizes: Iterable[int], *,
                             methods: Sequence[str] = ("direct", "separable", "fft", "scipy"),
                             repeat: int = 3, number: int = 1,
                             boundary: str = "fill") -> dict[str, np.ndarray]:
    """Time a Gaussian blur of ``image`` by several methods, for each kernel size.

    Each method computes the same ``mode="same"`` convolution with a
    normalised Gaussian (``sigma = size / 6``):

    - ``"direct"``: :func:`helpers.convolution.convolve2d`, ``method="direct"``
      (about ``size**2`` multiplications per pixel);
    - ``"separable"``: :func:`helpers.convolution.convolve_separable`, two 1-D
      passes (about ``2 * size``);
    - ``"fft"`` / ``"auto"``: :func:`helpers.convolution.convolve2d` with that
      method (cost nearly independent of ``size``);
    - ``"scipy"``: :func:`scipy.signal.convolve2d`, compiled direct code.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    kernel_sizes : iterable of int
        Odd kernel sides, each >= 1.
    methods : sequence of str, default ("direct", "separable", "fft", "scipy")
        Any of :data:`TIMING_METHODS`.
    repeat, number : int, default 3 and 1
        As in :func:`time_call` (best of ``repeat``).
    boundary : {"fill", "wrap", "symm"}, default "fill"

    Returns
    -------
    dict of str to numpy.ndarray
        ``"kernel_size"``: the sizes (int array); then one float array of
        seconds per call for each method, aligned with the sizes. Turn it into
        a table with ``pandas.DataFrame(result)``.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Notes
    -----
    Taught in: chapter 2 (direct versus FFT). Also used by ``tools/bench.py``.

    Examples
    --------
    >>> times = time_convolution_methods(np.ones((32, 32)), [3, 5], methods=["fft"], repeat=1)
    >>> sorted(times), times["fft"].shape
    (['fft', 'kernel_size'], (2,))
    """
    image = real_array(image, "image", 2)
    if isinstance(kernel_sizes, (str, bytes)) or not isinstance(kernel_sizes, Iterable):
        raise TypeError(f"kernel_sizes must be an iterable of ints, got {kernel_sizes!r}")
    sizes = [integer(size, "kernel_sizes[i]", minimum=1, odd=True) for size in kernel_sizes]
    if not sizes:
        raise ValueError("kernel_sizes must hold at least one size")
    if isinstance(methods, str) or not isinstance(methods, Iterable):
        raise TypeError(f"methods must be a sequence of str, got {methods!r}")
    methods = [choice(method, "methods[i]", TIMING_METHODS) for method in methods]
    boundary = choice(boundary, "boundary", BOUNDARIES)
    repeat = integer(repeat, "repeat", minimum=1)
    number = integer(number, "number", minimum=1)
    result = {"kernel_size": np.array(sizes)}
    for method in methods:
        result[method] = np.array([
            time_call(_timed_operation(method, image, size, boundary), repeat=repeat, number=number)
            for size in sizes
        ])
    return result


def crossover_size(kernel_sizes, slow, fast, *, margin: float = 1.0):
    """Smallest kernel size from which ``fast`` stays faster than ``slow``.

    Parameters
    ----------
    kernel_sizes : array_like of int, shape (n,)
        Increasing sizes.
    slow, fast : array_like of float, shape (n,)
        Seconds for each size, e.g. ``times["direct"]`` and ``times["fft"]``.
    margin : float, default 1.0
        How much faster ``fast`` must be to count: ``fast * margin < slow``.
        A margin above 1 (say 1.25, a quarter faster) keeps timing noise
        from deciding a near tie.

    Returns
    -------
    int or None
        The first size at which ``fast * margin < slow`` holds for it and
        every larger size; ``None`` if it fails at the largest size.

    Raises
    ------
    TypeError
        If ``margin`` is not a real number.
    ValueError
        If the arrays differ in length or are empty, or ``margin < 1``.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> crossover_size([3, 5, 7, 9], [1, 2, 3, 4], [2, 2.5, 2, 2])
    7
    >>> crossover_size([3, 5, 7, 9], [1, 2, 3, 4], [2, 2.5, 2, 2], margin=1.75)
    9
    """
    sizes = np.asarray(kernel_sizes)
    slow, fast = np.asarray(slow, dtype=float), np.asarray(fast, dtype=float)
    if not (sizes.ndim == slow.ndim == fast.ndim == 1) or not (
        sizes.size == slow.size == fast.size
    ):
        raise ValueError(
            "kernel_sizes, slow and fast must be 1-D of one length, got shapes "
            f"{sizes.shape}, {slow.shape}, {fast.shape}"
        )
    if sizes.size == 0:
        raise ValueError("kernel_sizes must not be empty")
    margin = real(margin, "margin")
    if margin < 1:
        raise ValueError(f"margin must be >= 1, got {margin}")
    faster = fast * margin < slow
    if not faster[-1]:
        return None
    first = sizes.size - np.argmin(faster[::-1]) if not faster.all() else 0
    return int(sizes[first])


# --------------------------------------------------------------------------- figures
def _settings_label(kind, size, normalize, boundary) -> str:
    size_text = "3x3" if kind.startswith("sobel") else f"{size}x{size}"
    norm = "normalised" if normalize else "raw"
    return f"{kind} {size_text}, {norm}, {boundary}"


def _draw_filtered(ax_image, ax_hist, output, title, *, bins: int = 64, colorbar: bool = True):
    """Show ``output`` honestly (fixed grey scale, or RdBu_r centred on 0) and its histogram.

    The histogram's x-axis spans the same range as the colour scale, so it
    doubles as a colour bar when ``colorbar=False``.
    """
    low, high = float(output.min()), float(output.max())
    if low < 0:
        bound = max(abs(low), abs(high), 1e-12)
        shown = ax_image.imshow(output, cmap="RdBu_r", vmin=-bound, vmax=bound)
        hist_range = (-bound, bound)
    else:  # the input's grey scale: values above 1 saturate, as they would on screen
        shown = ax_image.imshow(output, cmap="gray", vmin=0.0, vmax=1.0)
        hist_range = (0.0, max(1.0, high))
    stats = f"min {low:.2f}, max {high:.2f}, mean {output.mean():.3f}"
    ax_image.set_title(f"{title}\n{stats}", fontsize=8)
    ax_image.set_axis_off()
    if colorbar:
        ax_image.figure.colorbar(shown, ax=ax_image, fraction=0.046, pad=0.03)
    ax_hist.hist(output.ravel(), bins=bins, range=hist_range, color="0.3",
                 histtype="stepfilled")
    ax_hist.set_xlim(hist_range)
    ax_hist.set_yticks([])
    ax_hist.tick_params(labelsize=8)
    return shown


def _check_settings(settings) -> list[dict]:
    if isinstance(settings, dict) or not isinstance(settings, Iterable):
        raise TypeError(f"settings must be a list of dicts, got {type(settings).__name__}")
    checked = []
    for i, item in enumerate(settings):
        if not isinstance(item, dict):
            raise TypeError(f"settings[{i}] must be a dict, got {type(item).__name__}")
        unknown = set(item) - {"kind", "size", "normalize", "boundary"}
        if unknown:
            raise ValueError(f"settings[{i}] has unknown keys {sorted(unknown)}")
        full = {"kind": "box", "size": 3, "normalize": True, "boundary": "symm", **item}
        choice(full["boundary"], f"settings[{i}]['boundary']", BOUNDARIES)
        checked.append(full)
    if not checked:
        raise ValueError("settings must hold at least one dict")
    return checked


def filter_grid(image, settings, *, columns: int = 3, bins: int = 64, width: float = 2.6):
    """Static figure: the image filtered with each setting, its histogram beneath.

    The website's stand-in for :func:`kernel_explorer`, which needs a live
    Python kernel: one panel (image over histogram) per setting, ``columns``
    panels to a row.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    settings : list of dict
        Each with any of the keys ``kind`` (default ``"box"``), ``size`` (3),
        ``normalize`` (True) and ``boundary`` (``"symm"``), as in
        :func:`make_kernel` and :func:`apply_kernel`.
    columns : int, default 3
        Panels per row.
    bins : int, default 64
        Histogram bins.
    width : float, default 2.6
        Figure width per panel, in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If ``settings`` is not a non-empty list of valid dicts, or ``columns``
        or ``bins`` is not a positive int.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> fig = filter_grid(np.eye(8), [{"size": 3}, {"kind": "sobel-x"}])
    >>> len([ax for ax in fig.axes if ax.images])
    2
    """
    import matplotlib.pyplot as plt

    image = real_array(image, "image", 2)
    settings = _check_settings(settings)
    columns = min(integer(columns, "columns", minimum=1), len(settings))
    bins = integer(bins, "bins", minimum=1)
    rows = -(-len(settings) // columns)
    height = 1.5 * width * rows
    fig = plt.figure(figsize=(width * columns, height))
    outer = fig.add_gridspec(rows, columns, left=0.03, right=0.97, bottom=0.3 / height,
                             top=1 - 0.45 / height, wspace=0.12, hspace=0.22)
    for index, item in enumerate(settings):
        inner = outer[index // columns, index % columns].subgridspec(
            2, 1, height_ratios=[3.2, 1], hspace=0.05)
        ax_image, ax_hist = fig.add_subplot(inner[0]), fig.add_subplot(inner[1])
        size = 3 if item["kind"].startswith("sobel") else item["size"]
        kernel = make_kernel(item["kind"], size, normalize=item["normalize"])
        output = apply_kernel(image, kernel, boundary=item["boundary"])
        _draw_filtered(ax_image, ax_hist, output,
                       _settings_label(item["kind"], size, item["normalize"], item["boundary"]),
                       bins=bins, colorbar=False)
    return fig


def kernel_explorer(image, *, max_size: int = 21):
    """An ipywidgets explorer: pick a kernel, see the filtered image and its histogram.

    Controls: kernel kind (:data:`KERNEL_KINDS`), size (odd, up to
    ``max_size``; Sobel is fixed at 3), normalisation and boundary mode.
    Every change re-filters the image and redraws. It needs a running Python
    kernel (JupyterLab, Binder, Colab); a static web page shows only the
    controls, so pair it with :func:`filter_grid`.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
        Keep it small (say 256 x 256) so each redraw is quick.
    max_size : int, default 21
        Largest kernel side offered, odd.

    Returns
    -------
    ipywidgets.VBox
        Display it by making it a cell's last expression.

    Raises
    ------
    TypeError, ValueError
        If ``image`` is not a finite 2-D array or ``max_size`` is not odd.

    Notes
    -----
    Taught in: chapter 2.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    image = real_array(image, "image", 2)
    max_size = integer(max_size, "max_size", minimum=3, odd=True)
    style = {"description_width": "initial"}
    kind = widgets.Dropdown(options=list(KERNEL_KINDS), value="box", description="kernel",
                            style=style)
    size = widgets.IntSlider(value=5, min=1, max=max_size, step=2, description="size",
                             continuous_update=False, style=style)
    normalize = widgets.Checkbox(value=True, description="normalise", indent=False)
    boundary = widgets.Dropdown(options=list(BOUNDARIES), value="symm", description="boundary",
                                style=style)

    def lock_size(change):
        size.disabled = change["new"].startswith("sobel")

    kind.observe(lock_size, names="value")

    def draw(kind, size, normalize, boundary):
        side = 3 if kind.startswith("sobel") else size
        output = apply_kernel(image, make_kernel(kind, side, normalize=normalize),
                              boundary=boundary)
        fig, (ax_image, ax_hist) = plt.subplots(1, 2, figsize=(8, 3.4), layout="constrained",
                                                gridspec_kw={"width_ratios": [1.2, 1]})
        _draw_filtered(ax_image, ax_hist, output, _settings_label(kind, side, normalize, boundary))
        ax_hist.set_title("histogram of the output", fontsize=9)
        plt.show()

    controls = {"kind": kind, "size": size, "normalize": normalize, "boundary": boundary}
    output = widgets.interactive_output(draw, controls)
    return widgets.VBox([widgets.HBox([kind, size]), widgets.HBox([normalize, boundary]), output])
