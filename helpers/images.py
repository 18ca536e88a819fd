"""Images to filter and the figures that show them.

- :func:`sample_image`: a grey photograph (Grace Hopper, bundled with
  Matplotlib, so no download), as float64 in ``[0, 1]``.
- :func:`step_edge`: a tiny generated image whose filtered versions can
  be worked out by hand.
- :func:`show_images`: images side by side with colour bars; signed
  results (derivatives, differences) get a diverging map centred on 0.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from helpers._validate import choice, flag, integer, real, real_array, size_pair

__all__ = [
    "BT601_WEIGHTS",
    "MAX_SIDE",
    "SIGNED_CMAP",
    "sample_image",
    "show_images",
    "step_edge",
]

#: ITU-R BT.601 luma weights for (R, G, B), as in JPEG and Pillow's "L" mode.
BT601_WEIGHTS = (0.299, 0.587, 0.114)
#: Largest side :func:`sample_image` will produce (the photo is 600 x 512).
MAX_SIDE = 4096
#: Diverging colour map for signed values.
SIGNED_CMAP = "RdBu_r"


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# The sample photograph
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _grace_hopper() -> np.ndarray:
    """The decoded photo in grey, read-only (decoded once per process)."""
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as file, Image.open(file) as photo:
        rgb = np.asarray(photo.convert("RGB"), dtype=np.float64) / 255.0
    grey = rgb @ np.array(BT601_WEIGHTS)
    grey.setflags(write=False)
    return grey


def _centre_crop(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """The largest centred part of ``image`` with aspect ratio ``cols / rows``."""
    height, width = image.shape
    if width * rows > height * cols:  # too wide: keep the full height
        keep = max(1, round(height * cols / rows))
        left = (width - keep) // 2
        return image[:, left : left + keep]
    keep = max(1, round(width * rows / cols))
    top = (height - keep) // 2
    return image[top : top + keep, :]


def _resize(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Pillow's Lanczos resampling (area-aware when shrinking), in 32-bit float."""
    from PIL import Image

    if image.shape == (rows, cols):
        return image.copy()
    resized = Image.fromarray(image.astype(np.float32)).resize(
        (cols, rows), resample=Image.Resampling.LANCZOS
    )
    return np.asarray(resized, dtype=np.float64)


def sample_image(size: int | tuple[int, int] | None = None) -> np.ndarray:
    """A grey photograph (Grace Hopper, bundled with Matplotlib) in ``[0, 1]``.

    Parameters
    ----------
    size : int or (int, int), optional
        ``None``: the photo's native 600 x 512 pixels. ``(rows, cols)``: the
        largest centred part of the photo with that aspect ratio, resized
        to that shape. An int ``n`` means ``(n, n)`` (a centred square crop,
        the face). Each side from 1 to ``MAX_SIDE`` (4096).

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        Luma ``0.299 R + 0.587 G + 0.114 B`` (ITU-R BT.601) of the RGB photo
        scaled to ``[0, 1]``; after resizing (Pillow's Lanczos filter, which
        averages over the covered area when shrinking) clipped back to
        ``[0, 1]``. A new array each call: changing it is safe.

    Raises
    ------
    TypeError
        If ``size`` is not None, an int or a pair of ints.
    ValueError
        If a side is below 1 or above ``MAX_SIDE``.

    Notes
    -----
    The photo is decoded once per process and cached. Same ``size``, same
    pixels: the result is deterministic.

    Taught in: chapters 2, 4 and 5.

    Examples
    --------
    >>> image = sample_image(64)
    >>> image.shape, image.dtype, bool(0 <= image.min() <= image.max() <= 1)
    ((64, 64), dtype('float64'), True)
    """
    photo = _grace_hopper()
    if size is None:
        return photo.copy()
    rows, cols = size_pair(size, "size")
    if max(rows, cols) > MAX_SIDE:
        raise ValueError(f"size must be at most {MAX_SIDE} on each side, got {size!r}")
    resized = _resize(_centre_crop(photo, rows, cols), rows, cols)
    return np.clip(resized, 0.0, 1.0)


# --------------------------------------------------------------------------
# Generated test images
# --------------------------------------------------------------------------


def step_edge(
    size: int | tuple[int, int] = 16, position: int | None = None, *, direction: str = "x"
) -> np.ndarray:
    """An image that is 0 on one side of a straight edge and 1 on the other.

    Parameters
    ----------
    size : int or (int, int), default 16
        ``(rows, cols)``; an int ``n`` means ``(n, n)``. At least 2 along
        the direction of the step.
    position : int, optional
        ``direction="x"``: the first column that is 1 (columns before it are
        0); ``"y"``: the first row that is 1. From 1 to ``cols - 1`` (or
        ``rows - 1``) so that the edge is inside the image. Default: the
        middle, ``cols // 2`` (``rows // 2``).
    direction : {"x", "y"}, default "x"
        ``"x"``: a vertical edge, brightness increasing to the right (with the
        column index); ``"y"``: a horizontal edge, brightness increasing
        downwards (with the row index). Correlating with ``sobel(direction)``
        gives a response of +4 along the edge.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        Values 0.0 and 1.0.

    Raises
    ------
    TypeError
        If ``size`` or ``position`` is not an int (pair), or ``direction``
        not a string.
    ValueError
        If a size is too small, ``position`` is outside the image, or
        ``direction`` is not ``"x"`` or ``"y"``.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> step_edge((2, 4))
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.]])
    """
    direction = choice(direction, "direction", ("x", "y"))
    rows, cols = size_pair(size, "size")
    length = cols if direction == "x" else rows
    if length < 2:
        raise ValueError(
            f"size must be at least 2 along direction {direction!r} to hold an edge, got {size!r}"
        )
    if position is None:
        position = length // 2
    position = integer(position, "position")
    if not 1 <= position <= length - 1:
        raise ValueError(
            f"position must be between 1 and {length - 1} (inside the image), got {position}"
        )
    image = np.zeros((rows, cols))
    if direction == "x":
        image[:, position:] = 1.0
    else:
        image[position:, :] = 1.0
    return image


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def show_images(
    images: Sequence[Any],
    titles: Sequence[str] | None = None,
    *,
    cmap: Any = "gray",
    colorbar: bool = True,
    signed: bool | None = None,
    ncols: int | None = None,
    size: float = 3.0,
    suptitle: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
):
    """Show 2-D arrays side by side, each with its colour bar.

    Parameters
    ----------
    images : sequence of array_like, each shape (rows_k, cols_k), real
        The images, any shapes (a single 2-D array is shown alone). Finite
        values; bool and ints are shown as numbers.
    titles : sequence of str, optional
        One title per image.
    cmap : str or matplotlib.colors.Colormap, default "gray"
        Colour map of the unsigned images.
    colorbar : bool, default True
        Draw a colour bar next to each image.
    signed : bool, optional
        ``True``: show every image as signed, with the diverging map
        ``"RdBu_r"`` centred on 0 (limits ``-m, m``, ``m`` the largest
        absolute value, or ``max(|vmin|, |vmax|)`` when given), so that 0 is
        white, positive red and negative blue. ``False``: every image uses
        ``cmap``. ``None`` (default): decide per image, signed when the image
        holds both negative and positive values (``min < 0 < max``).
    ncols : int, optional
        Images per row; default ``min(len(images), 4)``.
    size : float, default 3.0
        Width and height of each panel, in inches.
    suptitle : str, optional
        A title above all panels.
    vmin, vmax : float, optional
        Colour limits of the unsigned images (default: each image's own
        range, Matplotlib's default). For signed images see ``signed``.

    Returns
    -------
    matplotlib.figure.Figure
        Made with ``pyplot``, so a notebook shows it when the cell ends:
        end the cell with ``plt.show()`` (leaving the figure as the cell's
        last value would show it twice). Close it (``plt.close(fig)``) when
        making many figures outside a notebook.

    Raises
    ------
    TypeError
        If an argument has the wrong type (``images`` not a sequence, a
        title not a string, ...).
    ValueError
        If an image is not 2-D, is empty or holds NaN/inf, ``titles`` has a
        different length, or ``images`` is empty.

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = show_images([step_edge(8), step_edge(8) - 0.5], ["edge", "signed"])
    >>> len(fig.axes)  # two images and their colour bars
    4
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    if isinstance(images, np.ndarray):
        if images.ndim != 2:
            raise ValueError(
                f"images must be a list of 2-D arrays (or one 2-D array), got an array of "
                f"shape {images.shape}"
            )
        images = [images]
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise TypeError(f"images must be a list of 2-D arrays, got {type(images).__name__}")
    if len(images) == 0:
        raise ValueError("images must hold at least one image, got an empty sequence")
    arrays = [real_array(image, f"images[{k}]", 2) for k, image in enumerate(images)]
    if titles is not None:
        if isinstance(titles, str) or not isinstance(titles, Sequence):
            raise TypeError(f"titles must be a list of strings, got {type(titles).__name__}")
        if len(titles) != len(arrays):
            raise ValueError(
                f"titles must have one entry per image ({len(arrays)}), got {len(titles)}"
            )
        for k, title in enumerate(titles):
            if not isinstance(title, str):
                raise TypeError(f"titles[{k}] must be a string, got {type(title).__name__}")
    if signed is not None and not isinstance(signed, (bool, np.bool_)):
        raise TypeError(f"signed must be True, False or None, got {signed!r}")
    colorbar = flag(colorbar, "colorbar")
    if ncols is None:
        ncols = min(len(arrays), 4)
    ncols = integer(ncols, "ncols", minimum=1)
    size = real(size, "size", positive=True)
    if suptitle is not None and not isinstance(suptitle, str):
        raise TypeError(f"suptitle must be a string, got {type(suptitle).__name__}")
    vmin, vmax = real(vmin, "vmin", optional=True), real(vmax, "vmax", optional=True)
    if vmin is not None and vmax is not None and vmin >= vmax:
        raise ValueError(f"vmin must be below vmax, got vmin={vmin}, vmax={vmax}")

    ncols = min(ncols, len(arrays))
    nrows = math.ceil(len(arrays) / ncols)
    width = size * ncols * (1.25 if colorbar else 1.0)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, size * nrows), squeeze=False, layout="constrained"
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(arrays):  # spare panels of the last row
            ax.remove()
            continue
        image = arrays[k]
        is_signed = bool(signed) if signed is not None else image.min() < 0 < image.max()
        if is_signed:
            given = [abs(v) for v in (vmin, vmax) if v is not None]
            limit = max(given) if given else float(np.abs(image).max())
            limit = limit or 1.0  # an all-zero image
            shown = ax.imshow(image, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        else:
            shown = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[k])
        if colorbar:
            fig.colorbar(shown, ax=ax, shrink=0.8)
    if suptitle is not None:
        fig.suptitle(suptitle)
    return fig
