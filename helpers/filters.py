"""Image filtering for chapter 2: blurs, Sobel gradients, edge maps, timings, a kernel explorer.

Each function filters one grey 2-D float image and keeps its shape (``mode="same"``),
by :mod:`helpers.convolution` with the kernels of :mod:`helpers.kernels`. *Filtering*
means correlation (the kernel laid over the image as printed), so ``gx > 0`` where
brightness increases to the right and ``gy > 0`` where it increases downwards, as in
:func:`scipy.ndimage.sobel`. Boundaries are named as in :func:`scipy.signal.convolve2d`:
``"fill"``, ``"wrap"`` (periodic) and ``"symm"`` (mirror).
"""

from __future__ import annotations

import timeit
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import signal

from helpers import convolution, kernels
from helpers._validate import choice, flag, integer, real, real_array

__all__ = [
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
    size : int, default 3
        Side of the square kernel, odd and >= 1; Sobel is 3 x 3 only.
    normalize : bool, default True
        Divide by the sum of the positive weights: a blur sums to 1, Sobel is divided by 4.
    sigma : float, optional
        Gaussian standard deviation in pixels (``kind="gaussian"`` only).

    Returns
    -------
    numpy.ndarray of float, shape (size, size)

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value, or Sobel is asked for with ``size != 3``.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> make_kernel("sobel-x", normalize=False)[1]
    array([-2.,  0.,  2.])
    """
    kind = choice(kind, "kind", KERNEL_KINDS)
    size = integer(size, "size", minimum=1, odd=True)
    normalize = flag(normalize, "normalize")
    sigma = real(sigma, "sigma", positive=True, optional=True)
    if sigma is not None and kind != "gaussian":
        raise ValueError(f"sigma only applies to kind='gaussian', got kind={kind!r}")
    if kind == "box":
        kernel = kernels.box(size, normalize=False)
    elif kind == "gaussian":
        kernel = kernels.gaussian(size, sigma=sigma, normalize=False)
    elif size != 3:
        raise ValueError(f"size must be 3 for kind={kind!r} (Sobel is 3 x 3), got {size}")
    else:
        kernel = kernels.sobel(kind[-1])
    return kernel / kernel[kernel > 0].sum() if normalize else kernel


def kernel_output_range(kernel) -> tuple[float, float]:
    """Smallest and largest output a kernel can give for inputs in ``[0, 1]``.

    Parameters
    ----------
    kernel : array_like of float, shape (m, n)

    Returns
    -------
    (float, float)
        The sum of the negative weights and the sum of the positive ones.

    Raises
    ------
    TypeError, ValueError
        If ``kernel`` is not a finite 2-D array.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> kernel_output_range([[-1.0, 0.0, 1.0]])
    (-1.0, 1.0)
    """
    kernel = real_array(kernel, "kernel", 2)
    return float(kernel[kernel < 0].sum()), float(kernel[kernel > 0].sum())


def frequency_response(kernel_1d, n: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Frequency response of a symmetric 1-D kernel, from 0 to 0.5 cycles per pixel.

    The response is the factor by which the kernel multiplies a cosine of
    each frequency (negative: inverted); a symmetric kernel shifts no phase.

    Parameters
    ----------
    kernel_1d : array_like of float, shape (k,)
        A kernel equal to its own reverse, such as :func:`helpers.kernels.box_1d`.
    n : int, default 256

    Returns
    -------
    frequencies, response : numpy.ndarray, shape (n,)

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
    kernel_1d = real_array(kernel_1d, "kernel_1d", 1)
    if not np.allclose(kernel_1d, kernel_1d[::-1]):
        raise ValueError("kernel_1d must be symmetric (equal to its reverse)")
    n = integer(n, "n", minimum=2)
    frequencies = np.linspace(0.0, 0.5, n)
    # The chapter's cosine sum, written out: scipy.signal.freqz would add a phase to undo.
    offsets = np.arange(kernel_1d.size) - (kernel_1d.size - 1) / 2
    response = np.cos(2 * np.pi * np.outer(frequencies, offsets)) @ kernel_1d
    return frequencies, response


# --------------------------------------------------------------------------- filtering
def apply_kernel(image, kernel, *, boundary: str = "symm") -> np.ndarray:
    """Filter ``image`` with ``kernel`` (correlation), keeping the image's shape.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    kernel : array_like of float, shape (m, n)
    boundary : {"symm", "fill", "wrap"}, default "symm"
        Beyond the border: the image mirrored, zeros, or the opposite side.

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
    return convolution.correlate2d(image, kernel, "same", boundary)


def blur(image, size: int, kind: str = "box", *, sigma: float | None = None,
         normalize: bool = True, boundary: str = "symm") -> np.ndarray:
    """Blur ``image`` with a ``size`` x ``size`` box or Gaussian kernel.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    size : int
        Odd kernel side, >= 1.
    kind : {"box", "gaussian"}, default "box"
    sigma, normalize
        As in :func:`make_kernel`.
    boundary : {"symm", "fill", "wrap"}, default "symm"

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
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> bool(np.isclose(blur(image, 3, boundary="wrap").mean(), image.mean()))
    True
    """
    kind = choice(kind, "kind", ("box", "gaussian"))
    kernel = make_kernel(kind, size, normalize=normalize, sigma=sigma)
    return apply_kernel(image, kernel, boundary=boundary)


# --------------------------------------------------------------------------- edges
def sobel_gradients(image, *, boundary: str = "symm",
                    normalize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical Sobel derivatives of ``image``.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    boundary : {"symm", "fill", "wrap"}, default "symm"
        ``"symm"`` matches :func:`scipy.ndimage.sobel`'s default ``mode="reflect"``.
    normalize : bool, default False
        Divide by 4, so a step from 0 to 1 gives 1 (else 4).

    Returns
    -------
    gx, gy : numpy.ndarray, shape (H, W)
        Positive where brightness increases to the right (``gx``) or downwards (``gy``).

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> step = np.repeat([[0.0, 0.0, 1.0, 1.0]], 4, axis=0)
    >>> gx, gy = sobel_gradients(step)
    >>> gx[0], gy[0]
    (array([0., 4., 4., 0.]), array([0., 0., 0., 0.]))
    """
    gx, gy = (apply_kernel(image, make_kernel(kind, normalize=normalize), boundary=boundary)
              for kind in ("sobel-x", "sobel-y"))
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
    return np.hypot(*_check_pair(gx, gy))


def gradient_direction(gx, gy) -> np.ndarray:
    """Direction of the gradient in radians, ``arctan2(gy, gx)``, in ``(-pi, pi]``.

    From +x (right) towards +y (down): clockwise on screen. It points from dark to bright.

    Parameters
    ----------
    gx, gy : array_like of float, shape (H, W)

    Returns
    -------
    numpy.ndarray of float, shape (H, W)

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient_magnitude`.

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

    Parameters
    ----------
    magnitude : array_like of float, shape (H, W)
        From :func:`gradient_magnitude`, values >= 0.
    threshold : float, optional
        Pixels with ``magnitude > threshold`` are edges.
    quantile : float in [0, 1), optional
        Instead of ``threshold``: use ``numpy.quantile(magnitude, quantile)``.

    Returns
    -------
    numpy.ndarray of bool, shape (H, W)

    Raises
    ------
    TypeError, ValueError
        If not exactly one of ``threshold`` and ``quantile`` is given, or a value is out of range.

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

    The minimum is the one least disturbed by other programs.

    Parameters
    ----------
    function : callable taking no arguments
    repeat, number : int, default 3 and 1
        Runs, and calls per run.

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
    Taught in: chapter 2. Also used by ``tools/bench.py``.

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


def _timed_operation(method: str, image: np.ndarray, size: int):
    """A no-argument callable: ``image`` blurred by a ``size`` Gaussian by ``method``."""
    kernel_1d = kernels.gaussian_1d(size, sigma=size / 6)
    kernel = np.outer(kernel_1d, kernel_1d)
    if method == "separable":
        return lambda: convolution.convolve_separable(image, kernel_1d, kernel_1d)
    if method == "scipy":
        return lambda: signal.convolve2d(image, kernel, mode="same")
    return lambda: convolution.convolve2d(image, kernel, mode="same", method=method)


def time_convolution_methods(image, kernel_sizes: Iterable[int], *,
                             methods: Sequence[str] = ("direct", "separable", "fft", "scipy"),
                             repeat: int = 3) -> dict[str, np.ndarray]:
    """Time a Gaussian blur of ``image`` by several methods, for each kernel size.

    Each computes one ``mode="same"``, zero-filled convolution with a normalised
    Gaussian (``sigma = size / 6``): by :func:`helpers.convolution.convolve2d` with
    that method, in two 1-D passes (``"separable"``) or by :func:`scipy.signal.convolve2d`.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    kernel_sizes : iterable of int
        Odd kernel sides, each >= 1.
    methods : sequence of str, default ("direct", "separable", "fft", "scipy")
        Any of :data:`TIMING_METHODS`.
    repeat : int, default 3
        As in :func:`time_call`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"kernel_size"``: the sizes; then, for each method, seconds per call for each size.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Notes
    -----
    Taught in: chapter 2 (direct versus FFT).

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
    repeat = integer(repeat, "repeat", minimum=1)
    result = {"kernel_size": np.array(sizes)}
    for method in methods:
        result[method] = np.array([time_call(_timed_operation(method, image, size), repeat=repeat)
                                   for size in sizes])
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
        ``fast`` wins where ``fast * margin < slow``; say 1.25 so that noise cannot decide a tie.

    Returns
    -------
    int or None
        ``None`` if ``fast`` loses at the largest size.

    Raises
    ------
    TypeError, ValueError
        If the arrays are empty or differ in length, or ``margin`` is not a real number >= 1.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> crossover_size([3, 5, 7, 9], [1, 2, 3, 4], [2, 2.5, 2, 2])
    7
    """
    sizes = np.asarray(kernel_sizes)
    slow, fast = real_array(slow, "slow", 1), real_array(fast, "fast", 1)
    if not sizes.shape == slow.shape == fast.shape:
        raise ValueError("kernel_sizes, slow and fast must be 1-D of one length, got shapes "
                         f"{sizes.shape}, {slow.shape}, {fast.shape}")
    margin = real(margin, "margin")
    if margin < 1:
        raise ValueError(f"margin must be >= 1, got {margin}")
    faster = fast * margin < slow
    if not faster[-1]:
        return None
    first = sizes.size - np.argmin(faster[::-1]) if not faster.all() else 0
    return int(sizes[first])


# --------------------------------------------------------------------------- figures
def _filtered(image, kind, size, normalize, boundary) -> tuple[np.ndarray, str]:
    """``image`` filtered with one setting (Sobel always 3 x 3), and the setting's label."""
    size = 3 if kind.startswith("sobel") else size
    output = apply_kernel(image, make_kernel(kind, size, normalize=normalize), boundary=boundary)
    return output, f"{kind} {size}x{size}, {'normalised' if normalize else 'raw'}, {boundary}"


def _draw_filtered(ax_image, ax_hist, output, title, *, colorbar: bool = True):
    """Show ``output`` on a fixed scale (grey, or RdBu_r centred on 0) over its histogram.

    The histogram spans the colour scale, so it doubles as a colour bar.
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
    ax_hist.hist(output.ravel(), bins=64, range=hist_range, color="0.3", histtype="stepfilled")
    ax_hist.set_xlim(hist_range)
    ax_hist.set_yticks([])
    ax_hist.tick_params(labelsize=8)


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
        choice(full["boundary"], f"settings[{i}]['boundary']", convolution.BOUNDARIES)
        checked.append(full)
    if not checked:
        raise ValueError("settings must hold at least one dict")
    return checked


def filter_grid(image, settings, *, columns: int = 3):
    """Static figure: the image filtered with each setting, its histogram beneath.

    The website's stand-in for :func:`kernel_explorer`, which needs a live Python kernel.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
    settings : list of dict
        Any of the keys ``kind`` (default ``"box"``), ``size`` (3), ``normalize`` (True)
        and ``boundary`` (``"symm"``), as in :func:`make_kernel` and :func:`apply_kernel`.
    columns : int, default 3

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If ``settings`` is not a non-empty list of valid dicts or ``columns`` not a positive int.

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
    rows, width = -(-len(settings) // columns), 2.6  # width: inches per panel
    height = 1.5 * width * rows
    fig = plt.figure(figsize=(width * columns, height))
    outer = fig.add_gridspec(rows, columns, left=0.03, right=0.97, bottom=0.3 / height,
                             top=1 - 0.45 / height, wspace=0.12, hspace=0.22)
    for index, item in enumerate(settings):
        inner = outer[divmod(index, columns)].subgridspec(2, 1, height_ratios=[3.2, 1],
                                                          hspace=0.05)
        _draw_filtered(fig.add_subplot(inner[0]), fig.add_subplot(inner[1]),
                       *_filtered(image, **item), colorbar=False)
    return fig


def kernel_explorer(image, *, max_size: int = 21):
    """An ipywidgets explorer: pick a kernel, see the filtered image and its histogram.

    It needs a running Python kernel; :func:`filter_grid` is its static stand-in.

    Parameters
    ----------
    image : array_like of float, shape (H, W)
        Keep it small (say 256 x 256) so each redraw is quick.
    max_size : int, default 21
        Largest (odd) kernel side offered.

    Returns
    -------
    ipywidgets.VBox

    Raises
    ------
    TypeError, ValueError
        If ``image`` is not a finite 2-D array or ``max_size`` is not odd and >= 3.

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
    boundary = widgets.Dropdown(options=list(convolution.BOUNDARIES), value="symm",
                                description="boundary", style=style)

    def lock_size(change):  # Sobel is 3 x 3 only
        size.disabled = change["new"].startswith("sobel")

    kind.observe(lock_size, names="value")

    def draw(kind, size, normalize, boundary):
        fig, (ax_image, ax_hist) = plt.subplots(1, 2, figsize=(8, 3.4), layout="constrained",
                                                gridspec_kw={"width_ratios": [1.2, 1]})
        _draw_filtered(ax_image, ax_hist, *_filtered(image, kind, size, normalize, boundary))
        ax_hist.set_title("histogram of the output", fontsize=9)
        plt.show()

    controls = {"kind": kind, "size": size, "normalize": normalize, "boundary": boundary}
    output = widgets.interactive_output(draw, controls)
    return widgets.VBox([widgets.HBox([kind, size]), widgets.HBox([normalize, boundary]), output])
