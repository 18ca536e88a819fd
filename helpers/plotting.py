"""Figures that explain: number grids, one step of a convolution, animations.

:func:`animate` turns any "draw frame ``k``" function into an animation in the
page, the website's stand-in for a widget. No function calls ``plt.show()``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from html import escape

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import _core
from helpers._validate import choice, flag, integer, real, real_array

__all__ = ["animate", "draw_flip_and_slide", "draw_number_grid", "draw_sliding_step"]

_SPAN = (-2.0, 3.0)  # the s and x range of draw_flip_and_slide
_SAMPLES = 2001  # its trapezoidal-rule grid


def _boxes(highlight) -> list[tuple[int, int, int, int]]:
    """``highlight`` as a list of ``(row, col, height, width)``."""
    if highlight is None:
        return []
    if isinstance(highlight, tuple) and all(isinstance(v, numbers.Number) for v in highlight):
        highlight = [highlight]
    if isinstance(highlight, (str, bytes)) or not isinstance(highlight, Iterable):
        raise TypeError("highlight must be (row, col), (row, col, height, width) or a list of "
                        f"them, got {type(highlight).__name__}")
    boxes = []
    for box in highlight:
        if not isinstance(box, (tuple, list)) or len(box) not in (2, 4):
            raise ValueError(
                f"each highlight must be (row, col) or (row, col, height, width), got {box!r}")
        row, col, height, width = (*box, 1, 1) if len(box) == 2 else box
        boxes.append((integer(row, "highlight row"), integer(col, "highlight col"),
                      integer(height, "highlight height", minimum=1),
                      integer(width, "highlight width", minimum=1)))
    return boxes


def _text_colour(rgba) -> str:
    """Black on light cells, white on dark ones (relative luminance)."""
    red, green, blue = rgba[:3]
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def draw_number_grid(
    values,
    *,
    ax: Axes | None = None,
    fmt: str = ".3g",
    cmap: str | None = None,
    signed: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    highlight=None,
    highlight_color: str | Sequence[str] = "tab:red",
    highlight_label: str | Sequence[str] | None = None,
    dim=None,
    index_offset: tuple[int, int] | None = (0, 0),
    title: str | None = None,
    fontsize: float | None = None,
) -> Axes:
    """Draw a small 2-D array as a grid of cells labelled with their values (``array[row, col]``).

    Parameters
    ----------
    values : array_like of float, shape (rows, cols)
        The numbers; ``NaN`` cells are left blank (outputs not computed yet).
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: a new figure sized to the grid.
    fmt : str, default ".3g"
        Format specification of each label, as in ``format(value, fmt)``.
    cmap : str, optional
        Colour map. Default ``"RdBu_r"`` when ``signed``, else ``"viridis"``.
    signed : bool, default False
        Centre the colour scale on 0, for kernels and differences.
    vmin, vmax : float, optional
        Colour limits (default: the finite values' range); fix them for animations.
    highlight : tuple or list of tuples, optional
        Boxes to outline: ``(row, col)`` or ``(row, col, height, width)``.
    highlight_color : str or sequence of str, default "tab:red"
        Outline colour, or one per box.
    highlight_label : str or sequence of str, optional
        A legend entry per box, placed right of the grid.
    dim : array_like of bool, shape (rows, cols), optional
        Cells drawn faded, such as padding.
    index_offset : (int, int) or None, default (0, 0)
        Index of the top-left cell in the tick labels (negative for padding); None: no ticks.
    title : str, optional
        Axes title.
    fontsize : float, optional
        Size of the labels. Default: shrinks as the grid grows.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``values`` is not 2-D, is empty or infinite, ``dim`` or a highlight list
        does not match, or ``vmin > vmax``.

    Notes
    -----
    Taught in: chapter 1 (the 5x5 image worked by hand); reused for small arrays.

    Examples
    --------
    >>> ax = draw_number_grid(np.arange(9).reshape(3, 3), highlight=(0, 0, 2, 2))
    >>> len(ax.texts)
    9
    """
    array = real_array(values, "values", 2, allow_nan=True)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    try:
        format(1.5, fmt)
    except (TypeError, ValueError) as error:  # TypeError: fmt is not a str
        raise type(error)(f"fmt must be a float format spec such as '.3g', got {fmt!r}: "
                          f"{error}") from None
    if cmap is not None and not isinstance(cmap, str):
        raise TypeError(f"cmap must be a colour map name, got {type(cmap).__name__}")
    boxes = _boxes(highlight)
    colours = ([highlight_color] * len(boxes) if isinstance(highlight_color, str)
               else list(highlight_color))
    legend = [None] * len(boxes) if highlight_label is None else (
        [highlight_label] if isinstance(highlight_label, str) else list(highlight_label))
    for name, given in (("highlight_color", colours), ("highlight_label", legend)):
        if len(given) != len(boxes):
            raise ValueError(f"{name} must give one entry per highlighted box ({len(boxes)}), "
                             f"got {len(given)}")
    if dim is not None:
        dim = np.asarray(dim, dtype=bool)
        if dim.shape != array.shape:
            raise ValueError(f"dim must have the shape of values {array.shape}, got {dim.shape}")
    if index_offset is not None:
        if not isinstance(index_offset, (tuple, list)) or len(index_offset) != 2:
            raise TypeError(f"index_offset must be a pair of ints or None, got {index_offset!r}")
        index_offset = [integer(v, "index_offset") for v in index_offset]

    finite = array[np.isfinite(array)]
    if signed:
        largest = (float(np.abs(finite).max()) if finite.size else 0.0) or 1.0
        low, high = -largest, largest
        cmap = cmap or "RdBu_r"
    else:
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        cmap = cmap or "viridis"
    low = low if vmin is None else real(vmin, "vmin")
    high = high if vmax is None else real(vmax, "vmax")
    if low == high:  # a constant array: any non-empty range will do
        low, high = low - 1.0, high + 1.0
    if low > high:
        raise ValueError(f"vmin must be below vmax, got vmin={low}, vmax={high}")

    rows, cols = array.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * cols + 0.8, 0.5 * rows + 0.8))
    colour_map = plt.get_cmap(cmap).with_extremes(bad="white")
    rgba = colour_map(Normalize(vmin=low, vmax=high)(np.ma.masked_invalid(array)))
    if dim is not None:  # blend the faded cells towards white
        rgba[dim, :3] = 0.4 * rgba[dim, :3] + 0.6
    ax.imshow(rgba, interpolation="nearest")

    labels = {index: format(value + 0.0, fmt)
              for index, value in np.ndenumerate(array) if not np.isnan(value)}
    if fontsize is None:  # smaller for bigger grids and for longer labels
        fontsize = float(np.clip(13 - 0.6 * max(rows, cols), 6, 11))
        longest = max((len(label) for label in labels.values()), default=1)
        fontsize = max(fontsize * min(1.0, 4.0 / longest), 5.0)
    for (row, col), label in labels.items():
        ax.text(col, row, label, ha="center", va="center", fontsize=fontsize,
                color=_text_colour(rgba[row, col]))

    # Cell borders as two line collections: far cheaper than one tick per line.
    ax.hlines(np.arange(-0.5, rows + 0.5), -0.5, cols - 0.5, colors="0.75", linewidth=0.8,
              clip_on=False)
    ax.vlines(np.arange(-0.5, cols + 0.5), -0.5, rows - 0.5, colors="0.75", linewidth=0.8,
              clip_on=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if index_offset is None:
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        ax.set_xticks(np.arange(cols), [str(j + index_offset[1]) for j in range(cols)])
        ax.set_yticks(np.arange(rows), [str(i + index_offset[0]) for i in range(rows)])
        ax.xaxis.tick_top()
        ax.tick_params(length=0, labelsize=max(fontsize - 2, 6), colors="0.4")
    for (row, col, height, width), colour, label in zip(boxes, colours, legend, strict=True):
        ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False,
                               edgecolor=colour, linewidth=2.5, clip_on=False, zorder=3,
                               label=label))
    if highlight_label is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9, frameon=False)
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    if title is not None:
        ax.set_title(str(title), fontsize=max(fontsize, 9))
    return ax


def _sliding_setup(image: np.ndarray, kernel: np.ndarray, mode: str):
    """The zero-padded image part the windows visit, the image index of its top-left
    cell, the flipped kernel, each window's products (out_rows, out_cols, k_rows,
    k_cols) and the output, equal to ``scipy.signal.convolve2d(image, kernel, mode)``."""
    pad_rows, pad_cols = kernel.shape[0] - 1, kernel.shape[1] - 1
    full = np.pad(image, ((pad_rows, pad_rows), (pad_cols, pad_cols)))
    start, out_shape = _core.placement(image.shape, kernel.shape, mode, correlate=False)
    padded = full[start[0]:start[0] + out_shape[0] + pad_rows,
                  start[1]:start[1] + out_shape[1] + pad_cols]
    flipped = kernel[::-1, ::-1]
    products = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape) * flipped
    offset = (start[0] - pad_rows, start[1] - pad_cols)
    return padded, offset, flipped, products, products.sum(axis=(2, 3))


def draw_sliding_step(
    image, kernel, step: int, *, mode: str = "valid", fig: Figure | None = None, fmt: str = ".3g"
) -> Figure:
    """Draw step ``step`` of sliding ``kernel`` over ``image`` (a convolution).

    Four panels: the input (zero padding faded) with the window outlined; the
    kernel flipped; the window's products, titled with their sum; the output so
    far. Steps run over the output in row-major order; colour limits are the
    same at every step, so steps can be frames of one :func:`animate`.

    Parameters
    ----------
    image : array_like of float, shape (rows, cols)
        A small image (up to about 10 x 10 stays readable).
    kernel : array_like of float, shape (k_rows, k_cols)
        The kernel; for ``mode="valid"`` it must fit inside the image.
    step : int
        The output pixel to compute, ``0 <= step < out_rows * out_cols``.
    mode : {"valid", "same", "full"}, default "valid"
        Output size, as in :func:`scipy.signal.convolve2d`.
    fig : matplotlib.figure.Figure, optional
        A figure to draw on (an animation reuses one). Default: a new figure.
    fmt : str, default ".3g"
        Format specification of the numbers in the cells.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with four axes.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an array is not 2-D, empty or not finite, ``mode`` is unknown, the kernel
        does not fit for ``mode="valid"``, or ``step`` is out of range.

    Notes
    -----
    Taught in: chapter 1 (the slider and the animation of the sliding kernel).

    Examples
    --------
    >>> fig = draw_sliding_step(np.eye(4), np.ones((2, 2)), step=0)
    >>> len(fig.axes)
    4
    """
    image = real_array(image, "image", 2)
    kernel = real_array(kernel, "kernel", 2)
    choice(mode, "mode", ("full", "same", "valid"))
    if fig is not None and not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if mode == "valid" and (kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]):
        raise ValueError(
            f"for mode='valid' the kernel {kernel.shape} must fit inside the image {image.shape}")
    padded, offset, flipped, products, output = _sliding_setup(image, kernel, mode)
    step = integer(step, "step", minimum=0)
    if step >= output.size:
        raise ValueError(f"step must be below {output.size} (the number of output pixels), "
                         f"got {step}")
    row, col = divmod(step, output.shape[1])
    k_rows, k_cols = kernel.shape

    layout = (padded.shape, kernel.shape, output.shape)
    if fig is None:  # about 0.45 inch per cell, whatever the sizes
        cells_wide = padded.shape[1] + 2 * k_cols + output.shape[1]
        fig = plt.figure(figsize=(0.45 * cells_wide + 2.4, 0.45 * padded.shape[0] + 1.1))
    if getattr(fig, "_sliding_step_layout", None) == layout and len(fig.axes) == 4:
        # The previous frame's geometry: keep the axes (making them is most of
        # a frame's cost) and remove only what they show.
        axes = fig.axes
        for ax in axes:
            for artist in [*ax.images, *ax.texts, *ax.patches, *ax.collections]:
                artist.remove()
            ax.set_title("")
    else:
        fig.clear()
        grid = fig.add_gridspec(1, 4, width_ratios=[padded.shape[1], k_cols, k_cols,
                                                    output.shape[1]],
                                wspace=0.3, left=0.03, right=0.99, bottom=0.02, top=0.8)
        axes = [fig.add_subplot(cell) for cell in grid]
        fig._sliding_step_layout = layout
    inside = np.zeros(padded.shape, dtype=bool)  # the cells of the image, not padding
    top, left = -offset[0], -offset[1]
    inside[max(top, 0):top + image.shape[0], max(left, 0):left + image.shape[1]] = True
    draw_number_grid(padded, ax=axes[0], fmt=fmt, cmap="gray", vmin=min(image.min(), 0.0),
                     vmax=max(image.max(), 0.0), dim=~inside, index_offset=offset,
                     highlight=(row, col, k_rows, k_cols), title="input $f$ and window")
    draw_number_grid(flipped, ax=axes[1], fmt=fmt, signed=True, index_offset=None,
                     title="kernel $g$ flipped")
    largest = float(np.abs(products).max()) or 1.0
    total = format(output[row, col] + 0.0, fmt)
    draw_number_grid(products[row, col], ax=axes[2], fmt=fmt, signed=True, vmin=-largest,
                     vmax=largest, index_offset=None, title=f"products, sum = {total}")
    so_far = np.full(output.shape, np.nan)
    so_far.flat[: step + 1] = output.flat[: step + 1]
    draw_number_grid(so_far, ax=axes[3], fmt=fmt, signed=bool(output.min() < 0),
                     vmin=float(output.min()), vmax=float(output.max()), highlight=(row, col),
                     title="output $c$ so far")
    fig.suptitle(f"convolution, mode '{mode}': step {step + 1} of {output.size}, "
                 f"c[{row}, {col}] = {total}", fontsize=11, y=0.98)
    return fig


def _sample(name: str, function: Callable, s: np.ndarray) -> np.ndarray:
    """``function(s)`` as a finite float array of ``s``'s shape, or a clear error."""
    values = np.asarray(function(s), dtype=float)
    if values.shape != s.shape:
        raise ValueError(f"{name} must map an array of shape {s.shape} to one of the same "
                         f"shape, got shape {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} returned NaN or infinite values")
    return values


def draw_flip_and_slide(
    f: Callable, g: Callable, shift: float, *, axes: Sequence[Axes] | None = None,
    legend: bool = True, variable: str = "s"
) -> float:
    """Draw the convolution integral ``c(x) = integral f(s) g(x - s) ds`` at one shift.

    Top: ``f(s)``, the flipped and shifted ``g(x - s)`` and their product, shaded;
    its area is ``c(x)``. Bottom: the curve ``c`` (faint), traced up to ``x``.
    Integrals use the trapezoidal rule on 2001 points of ``s`` in [-2, 3], so
    ``f`` and ``g`` should vanish outside it.

    Parameters
    ----------
    f, g : callable
        Vectorised real functions mapping an array to a finite array of its shape.
    shift : float
        The point ``x`` to draw, in [-2, 3].
    axes : pair of matplotlib Axes, optional
        ``(top, bottom)``, cleared first. Default: a new figure with two rows.
    legend : bool, default True
        Label the curves (turn off in small multiples).
    variable : str, default "s"
        Letters naming the integration variable in the (TeX) labels; chapter 1 uses ``u``.

    Returns
    -------
    float
        ``c(shift)``, the shaded area.

    Raises
    ------
    TypeError
        If an argument has the wrong type (``f`` or ``g`` not callable).
    ValueError
        If ``shift`` is outside [-2, 3], ``f`` or ``g`` returns a wrong shape or
        non-finite values, or ``variable`` is not letters.

    Notes
    -----
    Taught in: chapter 1 (the convolution integral, flip and slide).

    Examples
    --------
    >>> box = lambda s: (np.abs(s) <= 0.5).astype(float)
    >>> area = draw_flip_and_slide(box, box, 0.0)  # two unit boxes overlap fully
    >>> round(area, 2)
    1.0
    """
    for name, function in (("f", f), ("g", g)):
        if not callable(function):
            raise TypeError(f"{name} must be callable, got {type(function).__name__}")
    shift = real(shift, "shift")
    low, high = _SPAN
    if not low <= shift <= high:
        raise ValueError(f"shift must lie in [{low}, {high}], got {shift}")
    legend = flag(legend, "legend")
    if not isinstance(variable, str):
        raise TypeError(f"variable must be a str, got {type(variable).__name__}")
    if not (variable.isascii() and variable.isalpha()):
        raise ValueError(f"variable must be one or more letters, got {variable!r}")
    if axes is None:
        axes = plt.figure(figsize=(7.0, 4.6)).subplots(2, 1, sharex=True)
    elif not (isinstance(axes, (tuple, list, np.ndarray)) and len(axes) == 2
              and all(isinstance(ax, Axes) for ax in axes)):
        raise TypeError("axes must be a pair (top, bottom) of matplotlib Axes")
    ax_top, ax_bottom = axes

    s = np.linspace(low, high, _SAMPLES)
    f_values = _sample("f", f, s)
    flipped = _sample("g", g, shift - s)
    product = f_values * flipped
    area = float(np.trapezoid(product, s))
    shifts = np.linspace(low, high, 161)  # c(x) on a coarser grid: one integral per shift
    curve = np.array([np.trapezoid(f_values * _sample("g", g, x - s), s) for x in shifts])

    for ax in (ax_top, ax_bottom):
        ax.clear()
    v = variable
    ax_top.plot(s, f_values, color="0.2", lw=2, label=f"$f({v})$")
    ax_top.plot(s, flipped, color="tab:blue", lw=2, label=f"$g(x - {v})$")
    ax_top.fill_between(s, product, color="tab:orange", alpha=0.5,
                        label=f"$f({v})\\,g(x - {v})$, area $= c(x)$")
    ax_top.axvline(shift, color="tab:blue", lw=0.8, ls=":")
    top = max(1.05 * max(f_values.max(), flipped.max(), curve.max()), 1e-12)
    bottom = min(1.05 * min(f_values.min(), flipped.min(), 0.0), 0.0)
    ax_top.set(ylim=(bottom, top), title=f"$x = {shift:.2f}$: flip, slide, multiply")
    ax_bottom.plot(shifts, curve, color="0.8", lw=1.5)
    traced = shifts <= shift
    ax_bottom.plot(np.append(shifts[traced], shift), np.append(curve[traced], area),
                   color="tab:orange", lw=2, label="$c(x) = (f * g)(x)$")
    ax_bottom.plot([shift], [area], "o", color="tab:orange", mec="black")
    ax_bottom.set(xlim=(low, high), ylim=(min(curve.min(), 0.0) * 1.05, top),
                  xlabel=f"${v}$ and $x$", title=f"integrate: $c({shift:.2f}) = {area:.3f}$")
    if legend:
        ax_top.legend(loc="upper left", fontsize=8)
        ax_bottom.legend(loc="upper left", fontsize=8)
    return area


def animate(
    fig: Figure, update: Callable[[object], object], frames, *, interval: float = 600,
    alt: str | None = None
):
    """Make an animation embedded in the page, as HTML with play controls.

    The website's stand-in for a widget (which needs a running kernel): each
    ``update(frame)`` on ``fig`` becomes an image in the HTML
    (:meth:`matplotlib.animation.Animation.to_jshtml`), played in a loop. ``fig``
    is closed afterwards, so the notebook does not also show it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure that ``update`` draws on.
    update : callable
        ``update(frame)`` redraws ``fig``; its return value is ignored.
    frames : int or iterable
        ``n`` for frames ``0, ..., n - 1``, or the frame values; a few dozen at most.
    interval : float, default 600
        Milliseconds between frames.
    alt : str, optional
        Text alternative of the animation (the image's ``alt``), for screen readers.

    Returns
    -------
    IPython.display.HTML
        The animation; the last expression of a cell displays it.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If there are no frames or ``interval`` is not positive.

    Notes
    -----
    Taught in: chapter 1 (the sliding kernel); used by every chapter with a widget.
    Frames beyond ``rcParams["animation.embed_limit"]`` MB (``setup`` sets 40) are cut off.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> html = animate(fig, lambda k: ax.plot([0, k], [0, k]), frames=3)
    >>> "<script" in html.data
    True
    """
    from IPython.display import HTML  # IPython comes with Jupyter; imported on use

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not callable(update):
        raise TypeError(f"update must be callable as update(frame), got {type(update).__name__}")
    if isinstance(frames, numbers.Integral):
        frames = range(integer(frames, "frames", minimum=1))
    elif isinstance(frames, Iterable) and not isinstance(frames, (str, bytes)):
        frames = list(frames)
        if not frames:
            raise ValueError("frames must not be empty")
    else:
        raise TypeError(f"frames must be an int or an iterable, got {type(frames).__name__}")
    interval = real(interval, "interval", positive=True)
    if alt is not None and not isinstance(alt, str):
        raise TypeError(f"alt must be a str, got {type(alt).__name__}")

    # init_func: no extra call of update before the first frame.
    animation = FuncAnimation(fig, update, frames=frames, init_func=lambda: [],
                              interval=interval, cache_frame_data=False)
    try:
        html = animation.to_jshtml(default_mode="loop")
    finally:
        plt.close(fig)
    if alt is not None:  # matplotlib's template gives the frame image no alt text
        html = html.replace('<img id="', f'<img alt="{escape(alt, quote=True)}" id="', 1)
    return HTML(html)
