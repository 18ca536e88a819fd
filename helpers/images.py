"""Images to filter and the figures that show them.

:func:`sample_image` is a grey photograph (bundled with Matplotlib, so no
download); :func:`step_edge` a tiny image whose filtered versions can be worked
out by hand; :func:`show_images` draws images side by side, signed ones
(derivatives, differences) with a diverging map centred on 0.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from helpers._validate import choice, flag, integer, real, real_array, size_pair

__all__ = ["MAX_SIDE", "sample_image", "show_images", "step_edge"]

#: Largest side :func:`sample_image` will produce (the photo is 600 x 512).
MAX_SIDE = 4096


@functools.lru_cache(maxsize=1)
def _grace_hopper() -> np.ndarray:
    """The decoded photo in grey (ITU-R BT.601 luma, as JPEG), read-only."""
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as file, Image.open(file) as photo:
        rgb = np.asarray(photo.convert("RGB"), dtype=np.float64) / 255.0
    grey = rgb @ np.array([0.299, 0.587, 0.114])
    grey.setflags(write=False)
    return grey


# By hand rather than PIL.ImageOps.fit, whose sub-pixel crop would resample (and round to
# float32) even a crop that needs no resizing.
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


def sample_image(size: int | tuple[int, int] | None = None) -> np.ndarray:
    """A grey photograph (Grace Hopper, bundled with Matplotlib) in ``[0, 1]``.

    Parameters
    ----------
    size : int or (int, int), optional
        ``None``: the native 600 x 512 pixels. ``(rows, cols)``: the largest centred
        part with that aspect ratio, resized (Lanczos) to that shape; ``n`` means
        ``(n, n)``, the face. Each side from 1 to ``MAX_SIDE``.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        Luma ``0.299 R + 0.587 G + 0.114 B`` in ``[0, 1]``; the same pixels for the same
        ``size``, in a new array each call.

    Raises
    ------
    TypeError
        If ``size`` is not None, an int or a pair of ints.
    ValueError
        If a side is below 1 or above ``MAX_SIDE``.

    Notes
    -----
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
    crop = _centre_crop(photo, rows, cols)
    if crop.shape != (rows, cols):  # Pillow's Lanczos (area-aware when shrinking), in float32
        from PIL import Image

        resized = Image.fromarray(crop.astype(np.float32)).resize(
            (cols, rows), resample=Image.Resampling.LANCZOS
        )
        crop = np.asarray(resized, dtype=np.float64)
    return np.clip(crop, 0.0, 1.0)


def step_edge(
    size: int | tuple[int, int] = 16, position: int | None = None, *, direction: str = "x"
) -> np.ndarray:
    """An image that is 0 on one side of a straight edge and 1 on the other.

    Parameters
    ----------
    size : int or (int, int), default 16
        ``(rows, cols)``; ``n`` means ``(n, n)``. At least 2 along ``direction``.
    position : int, optional
        The first column (``"x"``) or row (``"y"``) that is 1; from 1 to
        ``cols - 1`` (``rows - 1``). Default: the middle, ``cols // 2`` (``rows // 2``).
    direction : {"x", "y"}, default "x"
        ``"x"``: a vertical edge, brighter to the right; ``"y"``: a horizontal edge,
        brighter downwards. Correlating with ``sobel(direction)`` gives +4 along it.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        Values 0.0 and 1.0.

    Raises
    ------
    TypeError
        If ``size`` or ``position`` is not an int (pair), or ``direction`` not a string.
    ValueError
        If ``size`` is too small, ``position`` outside the image, or ``direction`` unknown.

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


def show_images(
    images: Sequence[Any],
    titles: Sequence[str] | None = None,
    *,
    cmap: Any = "gray",
    colorbar: bool = True,
    ncols: int | None = None,
    size: float = 3.0,
    vmin: float | None = None,
    vmax: float | None = None,
):
    """Show 2-D arrays side by side, each with its colour bar.

    An image holding both negative and positive values is shown signed: with the
    diverging map ``"RdBu_r"``, 0 white, limits ``-m, m`` (``m`` its largest absolute
    value, or the larger of ``|vmin|`` and ``|vmax|`` when given).

    Parameters
    ----------
    images : sequence of array_like, each shape (rows_k, cols_k), real
        The images, any shapes; finite.
    titles : sequence of str, optional
        One title per image.
    cmap : str or matplotlib.colors.Colormap, default "gray"
        Colour map of the unsigned images.
    colorbar : bool, default True
        Draw a colour bar next to each image.
    ncols : int, optional
        Images per row; default ``min(len(images), 4)``.
    size : float, default 3.0
        Width and height of each panel, in inches.
    vmin, vmax : float, optional
        Colour limits of the unsigned images (default: each image's own range).

    Returns
    -------
    matplotlib.figure.Figure
        Made with ``pyplot``: end the cell with ``plt.show()`` (the figure as the cell's
        last value would show twice); ``plt.close(fig)`` when making many.

    Raises
    ------
    TypeError
        If an argument has the wrong type (``images`` not a sequence, a title not a string).
    ValueError
        If ``images`` is empty, an image is not 2-D, empty or not finite, or ``titles``
        has a different length.

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

    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise TypeError(f"images must be a list of 2-D arrays, got {type(images).__name__}")
    if len(images) == 0:
        raise ValueError("images must hold at least one image, got an empty sequence")
    arrays = [real_array(image, f"images[{k}]", 2) for k, image in enumerate(images)]
    if titles is not None:
        strings = isinstance(titles, Sequence) and all(isinstance(t, str) for t in titles)
        if isinstance(titles, str) or not strings:
            raise TypeError(f"titles must be a list of strings, got {titles!r}")
        if len(titles) != len(arrays):
            raise ValueError(
                f"titles must have one entry per image ({len(arrays)}), got {len(titles)}"
            )
    colorbar = flag(colorbar, "colorbar")
    ncols = min(len(arrays), 4) if ncols is None else integer(ncols, "ncols", minimum=1)
    size = real(size, "size", positive=True)
    vmin, vmax = real(vmin, "vmin", optional=True), real(vmax, "vmax", optional=True)
    if vmin is not None and vmax is not None and vmin >= vmax:
        raise ValueError(f"vmin must be below vmax, got vmin={vmin}, vmax={vmax}")

    ncols = min(ncols, len(arrays))
    nrows = math.ceil(len(arrays) / ncols)
    width = size * ncols * (1.25 if colorbar else 1.0)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, size * nrows), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[len(arrays) :]:  # spare panels of the last row
        ax.remove()
    for k, image in enumerate(arrays):
        ax = axes.flat[k]
        if image.min() < 0 < image.max():
            given = [abs(v) for v in (vmin, vmax) if v is not None]
            limit = (max(given) if given else float(np.abs(image).max())) or 1.0
            shown = ax.imshow(image, cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            shown = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[k])
        if colorbar:
            fig.colorbar(shown, ax=ax, shrink=0.8)
    return fig
