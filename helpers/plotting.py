"""Figures that explain: number grids, the sliding kernel, and animations.

Three tools that every chapter can reuse:

- :func:`draw_number_grid` draws a small array as a grid of coloured cells,
  each labelled with its value: the picture of a hand-worked example.
- :func:`draw_sliding_step` draws one step of a convolution (or
  correlation): the input with the kernel's window outlined, the kernel as
  it is applied, the element-wise products with their sum, and the output
  computed so far. An ``ipywidgets`` slider and an animation both call it.
- :func:`draw_flip_and_slide` draws the continuous 1-D convolution at one
  shift ``x``: the signal ``f(s)``, the flipped and shifted kernel
  ``g(x - s)``, their product shaded, and the curve ``c(x)`` traced so far.
- :func:`animate` turns any "draw frame ``k``" function into an animation
  embedded in the page (``to_jshtml``): the static fallback the book gives
  website readers for every interactive widget, since widgets need a
  running kernel.

None of these functions calls ``plt.show()``; the notebook decides when a
figure is shown.
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
from helpers._validate import choice, integer, real, real_array

__all__ = ["animate", "draw_flip_and_slide", "draw_number_grid", "draw_sliding_step"]

_MODES = ("full", "same", "valid")


# ---------------------------------------------------------------------------
# Annotated grid of numbers
# ---------------------------------------------------------------------------


def _rectangles(highlight) -> list[tuple[int, int, int, int]]:
    """Normalise ``highlight`` to a list of ``(row, col, height, width)``."""
    if highlight is None:
        return []
    if isinstance(highlight, tuple) and all(isinstance(v, numbers.Number) for v in highlight):
        highlight = [highlight]
    if isinstance(highlight, (str, bytes)) or not isinstance(highlight, Iterable):
        raise TypeError(
            "highlight must be (row, col), (row, col, height, width) or a list of them, "
            f"got {type(highlight).__name__}"
        )
    boxes = []
    for box in highlight:
        if not isinstance(box, (tuple, list)) or len(box) not in (2, 4):
            raise ValueError(
                f"each highlight must be (row, col) or (row, col, height, width), got {box!r}"
            )
        for v in box:
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"highlight entries must be ints, got {box!r}")
        row, col, height, width = (*box, 1, 1) if len(box) == 2 else box
        if height < 1 or width < 1:
            raise ValueError(f"highlight height and width must be >= 1, got {box!r}")
        boxes.append((int(row), int(col), int(height), int(width)))
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
    """Draw a small 2-D array as a grid of coloured cells labelled with their values.

    The picture of a hand-worked example: each cell shows its number, rows
    go down and columns go right (matrix order, as ``array[row, col]``).

    Parameters
    ----------
    values : array_like of float, shape (rows, cols)
        The numbers to draw. ``NaN`` cells are left blank (white, no label),
        which suits outputs that are not computed yet.
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: a new figure of a size that fits the grid.
    fmt : str, default ".3g"
        Format specification for each label, as in ``format(value, fmt)``.
    cmap : str, optional
        Colour map of the cells. Default ``"RdBu_r"`` when ``signed``,
        ``"viridis"`` otherwise; ``"gray"`` suits images.
    signed : bool, default False
        Centre the colour scale on 0 (``vmin=-m, vmax=m`` with ``m`` the
        largest absolute value), for kernels and differences.
    vmin, vmax : float, optional
        Colour limits. Default: the range of the finite values (or the
        symmetric range when ``signed``). Pass fixed limits to keep colours
        steady from one animation frame to the next.
    highlight : tuple or list of tuples, optional
        Cells to outline: ``(row, col)`` or ``(row, col, height, width)``,
        or a list of them. They may extend past the grid.
    highlight_color : str or sequence of str, default "tab:red"
        Outline colour, or one colour per highlighted box.
    highlight_label : str or sequence of str, optional
        A legend entry for each highlighted box (placed right of the grid).
    dim : array_like of bool, shape (rows, cols), optional
        Cells drawn faded, for example the padding added around an image.
    index_offset : (int, int) or None, default (0, 0)
        Index of the top-left cell, used for the tick labels (padding cells
        get negative indices with an offset such as ``(-1, -1)``). ``None``
        hides the ticks.
    title : str, optional
        Axes title.
    fontsize : float, optional
        Size of the cell labels. Default: shrinks as the grid grows.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If ``values`` is not numeric, or an argument has the wrong type.
    ValueError
        If ``values`` is not 2-D, is empty or holds infinities, if ``dim``
        has another shape, or if ``vmin >= vmax``.

    Notes
    -----
    Taught in: chapter 1 (the 5x5 image worked by hand); reused wherever a
    small array is shown with its numbers.

    Examples
    --------
    >>> import numpy as np
    >>> ax = draw_number_grid(np.arange(9).reshape(3, 3), highlight=(0, 0, 2, 2))
    >>> len(ax.texts)
    9
    """
    array = real_array(values, "values", 2, allow_nan=True)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format spec str such as '.3g', got {type(fmt).__name__}")
    try:
        format(1.5, fmt)
    except ValueError as error:
        raise ValueError(f"fmt {fmt!r} is not a valid float format spec: {error}") from None
    if cmap is not None and not isinstance(cmap, str):
        raise TypeError(f"cmap must be a colour map name, got {type(cmap).__name__}")
    boxes = _rectangles(highlight)
    colours = [highlight_color] * len(boxes) if isinstance(highlight_color, str) else list(highlight_color)
    if len(colours) != len(boxes):
        raise ValueError(
            f"highlight_color has {len(colours)} colours for {len(boxes)} highlighted boxes"
        )
    if highlight_label is None:
        legend = [None] * len(boxes)
    else:
        legend = [highlight_label] if isinstance(highlight_label, str) else list(highlight_label)
        if len(legend) != len(boxes) or not all(isinstance(t, str) for t in legend):
            raise ValueError(
                f"highlight_label needs one str per highlighted box ({len(boxes)}), "
                f"got {highlight_label!r}"
            )
    if dim is not None:
        dim = np.asarray(dim, dtype=bool)
        if dim.shape != array.shape:
            raise ValueError(f"dim must have the shape of values {array.shape}, got {dim.shape}")
    if index_offset is not None:
        if not isinstance(index_offset, (tuple, list)) or len(index_offset) != 2:
            raise TypeError(f"index_offset must be a pair of ints or None, got {index_offset!r}")
        index_offset = (integer(index_offset[0], "index_offset[0]"),
                        integer(index_offset[1], "index_offset[1]"))

    finite = array[np.isfinite(array)]
    if signed:
        largest = float(np.abs(finite).max()) if finite.size else 1.0
        largest = largest or 1.0
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
    norm = Normalize(vmin=low, vmax=high)
    rgba = colour_map(norm(np.ma.masked_invalid(array)))
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


# ---------------------------------------------------------------------------
# One step of the sliding kernel
# ---------------------------------------------------------------------------


def _sliding_setup(image: np.ndarray, kernel: np.ndarray, mode: str, boundary: str,
                   fillvalue: float, flip: bool):
    """The geometry of a sliding-window convolution or correlation.

    Returns ``(padded, offset, applied, products, output)``: the part of the
    padded image the windows visit, the image index of its top-left cell,
    the kernel as applied (flipped for a convolution), every window's
    element-wise products, shape ``(out_rows, out_cols, k_rows, k_cols)``,
    and the output, equal to ``scipy.signal.convolve2d`` (``flip=True``) or
    ``scipy.signal.correlate2d`` (``flip=False``) with the same arguments.
    """
    k_rows, k_cols = kernel.shape
    pad_rows, pad_cols = k_rows - 1, k_cols - 1
    full = _core.pad(image, ((pad_rows, pad_rows), (pad_cols, pad_cols)), boundary, fillvalue)
    start, out_shape = _core.placement(image.shape, kernel.shape, mode, correlate=not flip)
    padded = full[start[0]:start[0] + out_shape[0] + pad_rows,
                  start[1]:start[1] + out_shape[1] + pad_cols]
    applied = kernel[::-1, ::-1] if flip else kernel
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape)
    products = windows * applied
    output = products.sum(axis=(2, 3))
    offset = (start[0] - pad_rows, start[1] - pad_cols)
    return padded, offset, applied, products, output


def _remove_drawing(ax: Axes) -> None:
    """Remove what :func:`draw_number_grid` drew, keeping the axes and its ticks."""
    for artist in [*ax.images, *ax.texts, *ax.patches, *ax.collections, *ax.lines]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_title("")


def draw_sliding_step(
    image,
    kernel,
    step: int,
    *,
    mode: str = "valid",
    boundary: str = "fill",
    fillvalue: float = 0.0,
    flip: bool = True,
    fig: Figure | None = None,
    fmt: str = ".3g",
) -> Figure:
    """Draw step ``step`` of sliding ``kernel`` over ``image``.

    Four panels, left to right: the input (padding faded) with the window
    of this step outlined; the kernel as it is applied (rotated by 180
    degrees for a convolution); the element-wise products of window and
    kernel, titled with their sum; and the output so far, with this step's
    cell outlined and the cells still to come left blank. Steps run over
    the output in row-major order, so the last step shows the whole output,
    which equals ``scipy.signal.convolve2d(image, kernel, mode, boundary,
    fillvalue)`` (or ``correlate2d`` with ``flip=False``).

    Colour limits are fixed over all steps, so successive steps can be
    shown as frames of one animation (see :func:`animate`).

    Parameters
    ----------
    image : array_like of float, shape (rows, cols)
        A small image (up to about 10 x 10 stays readable).
    kernel : array_like of float, shape (k_rows, k_cols)
        The kernel. For ``mode="valid"`` it must fit inside the image.
    step : int
        Which output pixel to compute, ``0 <= step < out_rows * out_cols``.
    mode : {"valid", "same", "full"}, default "valid"
        Output size, as in :func:`scipy.signal.convolve2d`.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the image is extended beyond its border: a constant
        ``fillvalue``, periodic, or mirrored (edge repeated).
    fillvalue : float, default 0.0
        The constant for ``boundary="fill"``.
    flip : bool, default True
        ``True`` for convolution (the kernel is flipped), ``False`` for
        correlation, which is what deep-learning libraries compute.
    fig : matplotlib.figure.Figure, optional
        A figure to clear and draw on (an animation reuses one figure).
        Default: a new pyplot figure.
    fmt : str, default ".3g"
        Format specification for the numbers in the cells.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with four axes.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an array is not 2-D, is empty or not finite, if ``mode`` or
        ``boundary`` is unknown, if the kernel does not fit for
        ``mode="valid"``, or if ``step`` is out of range.

    Notes
    -----
    Taught in: chapter 1 (the slider and the animation of the sliding kernel).

    Examples
    --------
    >>> import numpy as np
    >>> fig = draw_sliding_step(np.eye(4), np.ones((2, 2)), step=0)
    >>> len(fig.axes)
    4
    """
    image = real_array(image, "image", 2)
    kernel = real_array(kernel, "kernel", 2)
    choice(mode, "mode", _MODES)
    choice(boundary, "boundary", tuple(_core.PAD_MODES))
    fillvalue = real(fillvalue, "fillvalue")
    if not isinstance(flip, (bool, np.bool_)):
        raise TypeError(f"flip must be a bool, got {type(flip).__name__}")
    if fig is not None and not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if mode == "valid" and (kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]):
        raise ValueError(
            f"for mode='valid' the kernel {kernel.shape} must fit inside the image {image.shape}"
        )
    padded, offset, applied, products, output = _sliding_setup(
        image, kernel, mode, boundary, fillvalue, bool(flip))
    out_rows, out_cols = output.shape
    step = integer(step, "step", minimum=0)
    if step >= output.size:
        raise ValueError(f"step must be below {output.size} (the number of output pixels), got {step}")
    row, col = divmod(step, out_cols)
    k_rows, k_cols = kernel.shape

    layout = (padded.shape, kernel.shape, output.shape)
    if fig is None:  # about 0.45 inch per cell, whatever the sizes
        cells_wide = padded.shape[1] + 2 * k_cols + out_cols
        fig = plt.figure(figsize=(0.45 * cells_wide + 2.4, 0.45 * padded.shape[0] + 1.1))
    if getattr(fig, "_sliding_step_layout", None) == layout and len(fig.axes) == 4:
        # The previous frame of the same geometry: keep the axes (making them is
        # most of the cost of a frame) and remove only what they show.
        axes = fig.axes
        for ax in axes:
            _remove_drawing(ax)
    else:
        fig.clear()
        grid = fig.add_gridspec(1, 4, width_ratios=[padded.shape[1], k_cols, k_cols, out_cols],
                                wspace=0.3, left=0.03, right=0.99, bottom=0.02, top=0.8)
        axes = [fig.add_subplot(cell) for cell in grid]
        fig._sliding_step_layout = layout
    # Padding: the cells of ``padded`` outside the original image.
    inside = np.zeros(padded.shape, dtype=bool)
    top, left = -offset[0], -offset[1]
    inside[max(top, 0):top + image.shape[0], max(left, 0):left + image.shape[1]] = True
    image_range = (min(image.min(), fillvalue), max(image.max(), fillvalue))
    draw_number_grid(padded, ax=axes[0], fmt=fmt, cmap="gray", vmin=image_range[0],
                     vmax=image_range[1], dim=~inside, index_offset=offset,
                     highlight=(row, col, k_rows, k_cols), title="input $f$ and window")
    name = "kernel $g$ flipped" if flip else "kernel $g$ (not flipped)"
    draw_number_grid(applied, ax=axes[1], fmt=fmt, signed=True, index_offset=None, title=name)
    largest = float(np.abs(products).max()) or 1.0
    total = output[row, col]
    draw_number_grid(products[row, col], ax=axes[2], fmt=fmt, signed=True, vmin=-largest,
                     vmax=largest, index_offset=None,
                     title=f"products, sum = {format(total + 0.0, fmt)}")
    so_far = np.full(output.shape, np.nan)
    so_far.flat[: step + 1] = output.flat[: step + 1]
    draw_number_grid(so_far, ax=axes[3], fmt=fmt, signed=bool(output.min() < 0),
                     vmin=float(output.min()), vmax=float(output.max()), highlight=(row, col),
                     title="output $c$ so far")
    operation = "convolution" if flip else "correlation"
    fig.suptitle(f"{operation}, mode '{mode}': step {step + 1} of {output.size}, "
                 f"c[{row}, {col}] = {format(total + 0.0, fmt)}", fontsize=11, y=0.98)
    return fig


# ---------------------------------------------------------------------------
# The continuous convolution in 1-D: flip, slide, multiply, integrate
# ---------------------------------------------------------------------------


def _sample(name: str, function: Callable, s: np.ndarray) -> np.ndarray:
    """``function(s)`` as a finite float array of ``s``'s shape, or a clear error."""
    values = np.asarray(function(s), dtype=float)
    if values.shape != s.shape:
        raise ValueError(
            f"{name} must map an array of shape {s.shape} to one of the same shape, "
            f"got shape {values.shape}"
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{name} returned NaN or infinite values")
    return values


def draw_flip_and_slide(
    f: Callable,
    g: Callable,
    shift: float,
    *,
    span: tuple[float, float] = (-2.0, 3.0),
    samples: int = 2001,
    axes: Sequence[Axes] | None = None,
    legend: bool = True,
    variable: str = "s",
) -> float:
    """Draw the convolution integral ``c(x) = integral f(s) g(x - s) ds`` at one shift.

    Top panel: the signal ``f(s)``, the kernel flipped and shifted,
    ``g(x - s)``, and their product, shaded; the shaded area is ``c(x)``.
    Bottom panel: the curve ``c`` over the whole span (faint) and the part
    traced up to ``x`` (solid), with a dot at ``(x, c(x))``. Both integrals
    are computed with the trapezoidal rule on ``samples`` points of
    ``span``, so ``f`` and ``g`` should vanish outside it.

    Parameters
    ----------
    f, g : callable
        Vectorised real functions: ``f(s)`` maps an array to an array of the
        same shape (finite values).
    shift : float
        The point ``x`` at which to draw; inside ``span``.
    span : (float, float), default (-2.0, 3.0)
        The interval of ``s`` (and of ``x``) shown and integrated over.
    samples : int, default 2001
        Grid points on ``span``; at least 3. Where ``f`` or ``g`` jumps,
        the trapezoidal rule errs by about the grid step times the jump.
    axes : pair of matplotlib Axes, optional
        ``(top, bottom)`` to draw on; they are cleared first (an animation
        redraws the same pair). Default: a new figure with two rows.
    legend : bool, default True
        Label the curves (turn off in small multiples).
    variable : str, default "s"
        The name of the integration variable in the labels (chapter 1 writes
        ``u``): the legend reads ``f(u)``, ``g(x - u)`` and the axis ``u and x``.
        A plain name, used inside TeX math.

    Returns
    -------
    float
        ``c(shift)``, the shaded area.

    Raises
    ------
    TypeError
        If ``f`` or ``g`` is not callable, a number has the wrong type,
        ``axes`` is not a pair of Axes, or ``variable`` is not a str.
    ValueError
        If ``span`` is empty, ``shift`` lies outside it, ``samples < 3``,
        ``f``/``g`` return values of the wrong shape or not finite, or
        ``variable`` is not one or more letters.

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
    if not isinstance(span, (tuple, list)) or len(span) != 2:
        raise TypeError(f"span must be a pair (low, high) of real numbers, got {span!r}")
    low, high = real(span[0], "span[0]"), real(span[1], "span[1]")
    if not low < high:
        raise ValueError(f"span must satisfy low < high, got {span!r}")
    if not low <= shift <= high:
        raise ValueError(f"shift must lie in span [{low}, {high}], got {shift}")
    samples = integer(samples, "samples", minimum=3)
    if not isinstance(legend, (bool, np.bool_)):
        raise TypeError(f"legend must be a bool, got {type(legend).__name__}")
    if not isinstance(variable, str):
        raise TypeError(f"variable must be a str, got {type(variable).__name__}")
    if not (variable.isascii() and variable.isalpha()):
        raise ValueError(f"variable must be one or more letters, got {variable!r}")
    if axes is None:
        fig = plt.figure(figsize=(7.0, 4.6))
        axes = fig.subplots(2, 1, sharex=True)
    elif not (isinstance(axes, (tuple, list, np.ndarray)) and len(axes) == 2
              and all(isinstance(ax, Axes) for ax in axes)):
        raise TypeError("axes must be a pair (top, bottom) of matplotlib Axes")
    ax_top, ax_bottom = axes

    s = np.linspace(low, high, samples)
    f_values = _sample("f", f, s)
    flipped = _sample("g", g, shift - s)
    product = f_values * flipped
    area = float(np.trapezoid(product, s))
    # c(x) on a coarser grid of shifts: one integral per shift.
    shifts = np.linspace(low, high, 161)
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
    ax_bottom.set(xlim=(low, high), ylim=(min(curve.min(), 0.0) * 1.05, top), xlabel=f"${v}$ and $x$",
                  title=f"integrate: $c({shift:.2f}) = {area:.3f}$")
    if legend:
        ax_top.legend(loc="upper left", fontsize=8)
        ax_bottom.legend(loc="upper left", fontsize=8)
    return area


# ---------------------------------------------------------------------------
# Animations
# ---------------------------------------------------------------------------


def animate(
    fig: Figure,
    update: Callable[[object], object],
    frames,
    *,
    interval: float = 600,
    repeat: bool = True,
    alt: str | None = None,
):
    """Make an animation embedded in the page, as HTML with play controls.

    A static fallback for interactive widgets: a website shows no
    ``ipywidgets`` (they need a running kernel), but it plays this. Each
    frame is drawn by ``update(frame)`` on ``fig`` and stored as an image
    inside the HTML (:meth:`matplotlib.animation.Animation.to_jshtml`).
    The figure is closed afterwards, so the notebook does not also show it
    as a still image.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure that ``update`` draws on.
    update : callable
        ``update(frame)`` redraws ``fig`` for one frame; its return value is
        ignored. It may clear the figure (``fig.clear()``) and draw afresh.
    frames : int or iterable
        ``n`` for the frames ``0, 1, ..., n - 1``, or the frame values
        themselves (each passed to ``update``). Keep it to a few dozen:
        every frame is embedded as an image.
    interval : float, default 600
        Milliseconds between frames.
    repeat : bool, default True
        Start in "loop" mode (``False``: play once).
    alt : str, optional
        Text alternative of the animation's image, read by screen readers
        (the HTML's ``alt`` attribute). Describe what the frames show.

    Returns
    -------
    IPython.display.HTML
        The animation; the last expression of a cell displays it.

    Raises
    ------
    TypeError
        If ``fig`` is not a Figure, ``update`` is not callable, ``frames``
        is neither an int nor an iterable, or ``interval`` is not a number.
    ValueError
        If there are no frames or ``interval`` is not positive.

    Notes
    -----
    Taught in: chapter 1 (the sliding kernel); used by every chapter that
    has a widget. Frames larger in total than ``rcParams["animation.embed_limit"]``
    (megabytes; :func:`helpers.book.setup` sets 40) are cut off by
    matplotlib.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
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
    if isinstance(frames, bool):
        raise TypeError("frames must be an int or an iterable of frame values, got bool")
    if isinstance(frames, numbers.Integral):
        frames = range(integer(frames, "frames", minimum=1))
    elif isinstance(frames, Iterable) and not isinstance(frames, (str, bytes)):
        frames = list(frames)
        if not frames:
            raise ValueError("frames must not be empty")
    else:
        raise TypeError(f"frames must be an int or an iterable, got {type(frames).__name__}")
    interval = real(interval, "interval")
    if not interval > 0:
        raise ValueError(f"interval must be > 0 milliseconds, got {interval}")
    if not isinstance(repeat, (bool, np.bool_)):
        raise TypeError(f"repeat must be a bool, got {type(repeat).__name__}")
    if alt is not None and not isinstance(alt, str):
        raise TypeError(f"alt must be a str, got {type(alt).__name__}")

    def _draw(frame):
        update(frame)
        return []

    animation = FuncAnimation(fig, _draw, frames=frames, init_func=lambda: [],
                              interval=interval, repeat=bool(repeat), cache_frame_data=False)
    try:
        html = animation.to_jshtml(default_mode="loop" if repeat else "once")
    finally:
        plt.close(fig)
    if alt is not None:  # matplotlib's template gives the frame image no alt text
        html = html.replace('<img id="', f'<img alt="{escape(alt, quote=True)}" id="', 1)
    return HTML(html)
