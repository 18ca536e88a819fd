"""Classical image kernels: box, Gaussian and Sobel.

Every kernel is a float64 NumPy array, ready for
:func:`helpers.convolution.convolve2d` or ``correlate2d``.

- Smoothing kernels (:func:`box`, :func:`gaussian` and their 1-D versions)
  are non-negative and, with ``normalize=True`` (the default), sum to 1, so
  they average: a constant image stays constant (away from the borders).
- The Sobel kernels (:func:`sobel`) estimate a derivative: they sum to 0
  (a constant image gives 0) and their positive weights sum to 4, so for an
  image with values in ``[0, 1]`` every response lies in ``[-4, 4]``.

The separable kernels are outer products of 1-D ones:
``box((r, c)) == np.outer(box_1d(r), box_1d(c))``,
``gaussian((r, c)) == np.outer(gaussian_1d(r), gaussian_1d(c))`` and
``sobel("x") == np.outer(*sobel_1d())``.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import flag, integer, real, size_pair

__all__ = ["box", "box_1d", "gaussian", "gaussian_1d", "sobel", "sobel_1d"]


# --------------------------------------------------------------------------
# Validation (public boundary only)
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# Box
# --------------------------------------------------------------------------


def box_1d(size: int, *, normalize: bool = True) -> np.ndarray:
    """A 1-D box (moving-average) kernel.

    Parameters
    ----------
    size : int
        Number of taps, any positive int (even sizes are allowed; their
        centre falls between two pixels).
    normalize : bool, default True
        If True every tap is ``1 / size`` (the taps sum to 1, a mean);
        otherwise every tap is 1 (a sum).

    Returns
    -------
    numpy.ndarray, shape (size,), float64

    Raises
    ------
    TypeError
        If ``size`` is not an int or ``normalize`` not a bool.
    ValueError
        If ``size`` < 1.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> box_1d(4)
    array([0.25, 0.25, 0.25, 0.25])
    """
    size = integer(size, "size", minimum=1, odd=False)
    normalize = flag(normalize, "normalize")
    return np.full(size, 1.0 / size if normalize else 1.0)


def box(size: int | tuple[int, int], *, normalize: bool = True) -> np.ndarray:
    """A 2-D box (moving-average) kernel.

    Convolving with it replaces each pixel by the mean of the
    ``rows x cols`` pixels around it.

    Parameters
    ----------
    size : int or (int, int)
        ``rows`` and ``cols``; an int ``n`` means ``(n, n)``. Any positive
        ints (even sizes are allowed).
    normalize : bool, default True
        If True every tap is ``1 / (rows * cols)`` (the taps sum to 1);
        otherwise every tap is 1.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        Equal to ``np.outer(box_1d(rows), box_1d(cols))``.

    Raises
    ------
    TypeError
        If ``size`` is not an int or a pair of ints, or ``normalize`` not a
        bool.
    ValueError
        If a size is < 1.

    Notes
    -----
    Taught in: chapter 1.

    Examples
    --------
    >>> box(3).sum()
    np.float64(1.0)
    >>> box((1, 2), normalize=False)
    array([[1., 1.]])
    """
    rows, cols = size_pair(size, "size", odd=False)
    normalize = flag(normalize, "normalize")
    return np.full((rows, cols), 1.0 / (rows * cols) if normalize else 1.0)


# --------------------------------------------------------------------------
# Gaussian
# --------------------------------------------------------------------------


def _default_sigma(size: int) -> float:
    """OpenCV's rule (``cv2.getGaussianKernel``): 0.8 for 3 taps, 1.1 for 5, 1.4 for 7."""
    return 0.3 * ((size - 1) * 0.5 - 1) + 0.8


def _gaussian_1d(size: int, sigma: float, normalize: bool) -> np.ndarray:
    x = np.arange(size) - (size - 1) / 2
    taps = np.exp(-(x**2) / (2 * sigma**2))
    return taps / taps.sum() if normalize else taps


def gaussian_1d(size: int, sigma: float | None = None, *, normalize: bool = True) -> np.ndarray:
    """A 1-D Gaussian kernel: ``exp(-x² / (2 sigma²))`` sampled at ``x = -(size-1)/2 ... (size-1)/2``.

    Parameters
    ----------
    size : int
        Number of taps, a positive **odd** int (so that the peak is a tap).
    sigma : float, optional
        Standard deviation in pixels, > 0. Default: OpenCV's rule
        ``0.3 * ((size - 1) / 2 - 1) + 0.8`` (0.8 for 3 taps, 1.1 for 5,
        1.4 for 7), which keeps the tails small inside the window.
    normalize : bool, default True
        If True the taps are divided by their sum (they sum to 1);
        otherwise they are the raw samples, with peak 1 at the centre.

    Returns
    -------
    numpy.ndarray, shape (size,), float64
        Symmetric, largest at the centre tap ``size // 2``.

    Raises
    ------
    TypeError
        If ``size`` is not an int, ``sigma`` not a real number or
        ``normalize`` not a bool.
    ValueError
        If ``size`` is not positive and odd, or ``sigma`` is not a positive
        finite number.

    Notes
    -----
    Taught in: chapter 2.

    Examples
    --------
    >>> gaussian_1d(3, sigma=1.0).round(3)
    array([0.274, 0.452, 0.274])
    """
    size = integer(size, "size", minimum=1, odd=True)
    sigma = _default_sigma(size) if sigma is None else real(sigma, "sigma", positive=True)
    normalize = flag(normalize, "normalize")
    return _gaussian_1d(size, sigma, normalize)


def gaussian(
    size: int | tuple[int, int],
    sigma: float | tuple[float, float] | None = None,
    *,
    normalize: bool = True,
) -> np.ndarray:
    """A 2-D Gaussian kernel, the outer product of two 1-D Gaussians.

    ``g[m, n] = exp(-(y_m² / (2 sigma_rows²) + x_n² / (2 sigma_cols²)))``
    with ``y``, ``x`` measured from the centre pixel.

    Parameters
    ----------
    size : int or (int, int)
        ``rows`` and ``cols``, positive **odd** ints; an int ``n`` means
        ``(n, n)``.
    sigma : float or (float, float), optional
        Standard deviation in pixels (> 0), one for both axes or
        ``(sigma_rows, sigma_cols)``. Default: OpenCV's rule for each axis,
        ``0.3 * ((n - 1) / 2 - 1) + 0.8`` (see :func:`gaussian_1d`).
    normalize : bool, default True
        If True the kernel sums to 1; otherwise its peak (centre) is 1.

    Returns
    -------
    numpy.ndarray, shape (rows, cols), float64
        Equal to ``np.outer(gaussian_1d(rows, s_r), gaussian_1d(cols, s_c))``:
        symmetric about its centre, largest at ``(rows // 2, cols // 2)``.

    Raises
    ------
    TypeError
        If ``size`` or ``sigma`` has the wrong type, or ``normalize`` is not a
        bool.
    ValueError
        If a size is not positive and odd, or a sigma is not a positive
        finite number.

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
    if sigma is None:
        sigmas = (_default_sigma(rows), _default_sigma(cols))
    elif isinstance(sigma, (tuple, list)):
        if len(sigma) != 2:
            raise TypeError(
                f"sigma must be a number or a pair (sigma_rows, sigma_cols), got {sigma!r}"
            )
        sigmas = (real(sigma[0], "sigma[0]", positive=True), real(sigma[1], "sigma[1]", positive=True))
    else:
        sigmas = (real(sigma, "sigma", positive=True),) * 2
    normalize = flag(normalize, "normalize")
    return np.outer(
        _gaussian_1d(rows, sigmas[0], normalize), _gaussian_1d(cols, sigmas[1], normalize)
    )


# --------------------------------------------------------------------------
# Sobel
# --------------------------------------------------------------------------


def sobel_1d() -> tuple[np.ndarray, np.ndarray]:
    """The two 1-D factors of the Sobel kernels: smoothing and derivative.

    Returns
    -------
    smoothing : numpy.ndarray, shape (3,), float64
        ``[1, 2, 1]`` (sums to 4; divide by 4 for an average).
    derivative : numpy.ndarray, shape (3,), float64
        ``[-1, 0, 1]``: the central difference, *as a correlation kernel*
        (it gives ``f[k + 1] - f[k - 1]``).

    Notes
    -----
    ``np.outer(smoothing, derivative) == sobel("x")`` (smoothing down the
    columns, derivative along the rows) and
    ``np.outer(derivative, smoothing) == sobel("y")``. Hence
    ``convolve_separable(image, smoothing, derivative)`` equals
    ``convolve2d(image, sobel("x"), "same")``.

    Taught in: no chapter (used by tests/test_kernels.py, Sobel's separable factors).

    Examples
    --------
    >>> smoothing, derivative = sobel_1d()
    >>> np.outer(smoothing, derivative)
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    """
    return np.array([1.0, 2.0, 1.0]), np.array([-1.0, 0.0, 1.0])


def sobel(direction: str = "x") -> np.ndarray:
    """The 3x3 Sobel kernel, as printed in textbooks.

    ``Gx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` and ``Gy = Gx.T``.

    Parameters
    ----------
    direction : {"x", "y"}, default "x"
        ``"x"``: the horizontal derivative ``Gx`` (along columns, the
        column index increasing to the right); ``"y"``: the vertical one
        ``Gy = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]`` (row index increasing
        downwards).

    Returns
    -------
    numpy.ndarray, shape (3, 3), float64
        A new array each call.

    Raises
    ------
    TypeError
        If ``direction`` is not a string.
    ValueError
        If ``direction`` is not ``"x"`` or ``"y"``.

    Notes
    -----
    **Sign convention.** *Correlating* with ``Gx`` (what deep-learning
    libraries call convolution, :func:`helpers.convolution.correlate2d`)
    gives a **positive** response where brightness increases to the right
    (with increasing column index); correlating with ``Gy``, where it
    increases downwards (with increasing row index). *Convolving*
    (:func:`helpers.convolution.convolve2d`) flips the kernel, and because
    ``Gx[::-1, ::-1] == -Gx`` this flips the sign of the response.

    **Scale.** The weights sum to 0, so a constant region gives 0. The
    positive weights sum to 4 (and the negative ones to -4), so for an
    image with values in ``[0, 1]`` the response lies in ``[-4, 4]``; a
    sharp step from 0 to 1 gives exactly 4. Divide by 8 for a derivative
    estimate in units of brightness per pixel (the step is spread over two
    pixels by the central difference).

    Taught in: chapter 1.

    Examples
    --------
    >>> sobel("y")
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    if not isinstance(direction, str):
        raise TypeError(
            f"direction must be the string 'x' or 'y', got {type(direction).__name__} {direction!r}"
        )
    if direction not in ("x", "y"):
        raise ValueError(f"direction must be 'x' or 'y', got {direction!r}")
    smoothing, derivative = sobel_1d()
    if direction == "x":
        return np.outer(smoothing, derivative)
    return np.outer(derivative, smoothing)
