"""Classical image kernels: box, Gaussian and Sobel, as float64 NumPy arrays.

The smoothing kernels (:func:`box`, :func:`gaussian` and their 1-D versions)
are non-negative and, normalised (the default), sum to 1: a constant image
stays constant. The 2-D ones are outer products of the 1-D ones, e.g.
``gaussian((r, c)) == np.outer(gaussian_1d(r), gaussian_1d(c))``. The Sobel
kernels sum to 0 and their positive weights to 4, so on an image in
``[0, 1]`` every response lies in ``[-4, 4]``.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import windows

from helpers._validate import choice, flag, integer, real, size_pair

__all__ = ["box", "box_1d", "gaussian", "gaussian_1d", "sobel"]


def box_1d(size: int, *, normalize: bool = True) -> np.ndarray:
    """A 1-D box (moving-average) kernel.

    Parameters
    ----------
    size : int
        Number of taps, >= 1 (an even size centres between two pixels).
    normalize : bool, default True
        Every tap ``1 / size`` (a mean) if True, else 1 (a sum).

    Returns
    -------
    numpy.ndarray, shape (size,), float64

    Raises
    ------
    TypeError, ValueError
        If ``size`` is not a positive int or ``normalize`` not a bool.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> box_1d(4)
    array([0.25, 0.25, 0.25, 0.25])
    """
    size = integer(size, "size", minimum=1)
    normalize = flag(normalize, "normalize")
    return np.full(size, 1.0 / size if normalize else 1.0)


def box(size: int | tuple[int, int], *, normalize: bool = True) -> np.ndarray:
    """A 2-D box kernel: convolving with it averages the ``rows x cols`` pixels around each.

    Parameters
    ----------
    size : int or (int, int)
        ``(rows, cols)``, positive ints (even allowed); ``n`` means ``(n, n)``.
    normalize : bool, default True
        Every tap ``1 / (rows * cols)`` if True, else 1.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64

    Raises
    ------
    TypeError, ValueError
        If ``size`` is not a positive int or pair of them, or ``normalize`` not a bool.

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> box((1, 2), normalize=False)
    array([[1., 1.]])
    """
    rows, cols = size_pair(size, "size")
    normalize = flag(normalize, "normalize")
    return np.full((rows, cols), 1.0 / (rows * cols) if normalize else 1.0)


def _gaussian_1d(size: int, sigma: float | None, normalize: bool) -> np.ndarray:
    if sigma is None:  # OpenCV's rule (cv2.getGaussianKernel): 0.8 for 3 taps, 1.1 for 5
        sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8
    taps = windows.gaussian(size, sigma)  # exp(-x**2 / (2 sigma**2)), x from the centre tap
    return taps / taps.sum() if normalize else taps


def gaussian_1d(size: int, sigma: float | None = None, *, normalize: bool = True) -> np.ndarray:
    """A 1-D Gaussian kernel: ``exp(-x**2 / (2 sigma**2))`` at ``x = -(size-1)/2 ... (size-1)/2``.

    Parameters
    ----------
    size : int
        Number of taps, positive and **odd** (so that the peak is a tap).
    sigma : float, optional
        Standard deviation in pixels, > 0. Default: OpenCV's rule
        ``0.3 * ((size - 1) / 2 - 1) + 0.8`` (0.8 for 3 taps, 1.4 for 7).
    normalize : bool, default True
        Taps sum to 1 if True; else the raw samples, peak 1 at the centre.

    Returns
    -------
    numpy.ndarray, shape (size,), float64

    Raises
    ------
    TypeError, ValueError
        If ``size`` is not a positive odd int, ``sigma`` not a positive finite number or
        ``normalize`` not a bool.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> gaussian_1d(3, sigma=1.0).round(3)
    array([0.274, 0.452, 0.274])
    """
    size = integer(size, "size", minimum=1, odd=True)
    sigma = real(sigma, "sigma", positive=True, optional=True)
    return _gaussian_1d(size, sigma, flag(normalize, "normalize"))


def gaussian(size: int | tuple[int, int], sigma: float | None = None, *,
             normalize: bool = True) -> np.ndarray:
    """A 2-D Gaussian kernel, the outer product of two :func:`gaussian_1d` kernels.

    Parameters
    ----------
    size : int or (int, int)
        ``(rows, cols)``, positive **odd** ints; ``n`` means ``(n, n)``.
    sigma : float, optional
        Standard deviation in pixels, > 0, for both axes. Default: OpenCV's
        rule for each axis (see :func:`gaussian_1d`).
    normalize : bool, default True
        The kernel sums to 1 if True; else its centre (peak) is 1.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64

    Raises
    ------
    TypeError, ValueError
        As :func:`gaussian_1d`, for each size.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> kernel = gaussian(5, sigma=1.0)
    >>> kernel.shape, round(float(kernel.sum()), 12), bool(kernel.argmax() == 12)
    ((5, 5), 1.0, True)
    """
    rows, cols = size_pair(size, "size", odd=True)
    sigma = real(sigma, "sigma", positive=True, optional=True)
    normalize = flag(normalize, "normalize")
    return np.outer(_gaussian_1d(rows, sigma, normalize), _gaussian_1d(cols, sigma, normalize))


def sobel(direction: str = "x") -> np.ndarray:
    """The 3x3 Sobel kernel, as printed in textbooks.

    Parameters
    ----------
    direction : {"x", "y"}, default "x"
        ``"x"``: ``Gx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]``, the horizontal
        derivative; ``"y"``: ``Gy = Gx.T``, the vertical one (rows grow downwards).

    Returns
    -------
    numpy.ndarray, shape (3, 3), float64
        A new array each call.

    Raises
    ------
    TypeError, ValueError
        If ``direction`` is not ``"x"`` or ``"y"``.

    Notes
    -----
    *Correlating* with ``Gx`` (:func:`helpers.convolution.correlate2d`) is
    positive where brightness increases to the right; *convolving* flips the
    sign, as ``Gx[::-1, ::-1] == -Gx``. A step from 0 to 1 gives 4; divide by
    8 for brightness per pixel. ``Gx`` is separable:
    ``np.outer([1, 2, 1], [-1, 0, 1])``, smoothing down, derivative across.

    Taught in: chapter 1.

    Examples
    --------
    >>> sobel("y")
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    direction = choice(direction, "direction", ("x", "y"))
    smoothing, derivative = np.array([1.0, 2.0, 1.0]), np.array([-1.0, 0.0, 1.0])
    if direction == "x":
        return np.outer(smoothing, derivative)
    return np.outer(derivative, smoothing)
