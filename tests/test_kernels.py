"""helpers.kernels: shapes, sums, symmetry, the Sobel conventions, validation."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.convolution import convolve2d, convolve_separable, correlate2d
from helpers.images import step_edge
from helpers.kernels import box, box_1d, gaussian, gaussian_1d, sobel

# ---------------------------------------------------------------- box


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7])
def test_box_1d(size):
    kernel = box_1d(size)
    assert kernel.shape == (size,) and kernel.dtype == np.float64
    assert kernel.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(box_1d(size, normalize=False), np.ones(size))


@pytest.mark.parametrize(
    ("size", "shape"), [(1, (1, 1)), (3, (3, 3)), (4, (4, 4)), ((2, 5), (2, 5))]
)
def test_box(size, shape):
    kernel = box(size)
    assert kernel.shape == shape and kernel.dtype == np.float64
    assert kernel.sum() == pytest.approx(1.0)
    assert np.all(kernel == kernel.flat[0])
    np.testing.assert_array_equal(box(size, normalize=False), np.ones(shape))
    np.testing.assert_allclose(kernel, np.outer(box_1d(shape[0]), box_1d(shape[1])))


def test_box_averages_a_constant_image():
    image = np.full((6, 6), 0.3)
    np.testing.assert_allclose(convolve2d(image, box(3), "valid"), 0.3)


# ---------------------------------------------------------------- gaussian


@pytest.mark.parametrize("size", [1, 3, 5, 7, 11])
@pytest.mark.parametrize("sigma", [None, 0.5, 1.0, 3.0])
def test_gaussian_1d(size, sigma):
    kernel = gaussian_1d(size, sigma)
    assert kernel.shape == (size,) and kernel.dtype == np.float64
    assert kernel.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(kernel, kernel[::-1])
    assert kernel.argmax() == size // 2
    assert np.all(np.diff(kernel[: size // 2 + 1]) > 0)  # rises to the centre
    raw = gaussian_1d(size, sigma, normalize=False)
    assert raw[size // 2] == 1.0
    np.testing.assert_allclose(raw / raw.sum(), kernel)


def test_gaussian_1d_values_and_default_sigma():
    x = np.arange(-2, 3)
    np.testing.assert_allclose(gaussian_1d(5, 1.5, normalize=False), np.exp(-(x**2) / (2 * 1.5**2)))
    # OpenCV's rule: sigma = 0.3 * ((size - 1) / 2 - 1) + 0.8
    np.testing.assert_allclose(gaussian_1d(3), gaussian_1d(3, 0.8))
    np.testing.assert_allclose(gaussian_1d(7), gaussian_1d(7, 1.4))


@pytest.mark.parametrize(
    ("size", "sigma"), [(3, None), (5, 1.0), ((3, 7), None), ((5, 3), 0.7), (9, 2)]
)
def test_gaussian(size, sigma):
    kernel = gaussian(size, sigma)
    rows, cols = (size, size) if isinstance(size, int) else size
    assert kernel.shape == (rows, cols) and kernel.dtype == np.float64
    assert kernel.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(kernel, kernel[::-1, :])
    np.testing.assert_allclose(kernel, kernel[:, ::-1])
    assert np.unravel_index(kernel.argmax(), kernel.shape) == (rows // 2, cols // 2)
    assert np.all(kernel > 0)
    assert gaussian(size, sigma, normalize=False)[rows // 2, cols // 2] == 1.0
    np.testing.assert_allclose(kernel, np.outer(gaussian_1d(rows, sigma), gaussian_1d(cols, sigma)))


def test_square_gaussian_is_transpose_symmetric():
    kernel = gaussian(7, 1.3)
    np.testing.assert_allclose(kernel, kernel.T)


# ---------------------------------------------------------------- sobel


def test_sobel_is_the_textbook_kernel():
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
    np.testing.assert_array_equal(sobel(), gx)
    np.testing.assert_array_equal(sobel("x"), gx)
    np.testing.assert_array_equal(sobel("y"), gx.T)
    assert sobel().dtype == np.float64


@pytest.mark.parametrize("direction", ["x", "y"])
def test_sobel_sums(direction):
    kernel = sobel(direction)
    assert kernel.sum() == 0
    assert kernel[kernel > 0].sum() == 4
    np.testing.assert_array_equal(kernel[::-1, ::-1], -kernel)


def test_sobel_sign_convention():
    """Correlation: positive where brightness increases right / down; convolution flips it."""
    edge = step_edge((8, 8), position=4)  # 0 on the left, 1 from column 4 on
    response = correlate2d(edge, sobel("x"), "valid")
    assert response.min() == 0 and response.max() == 4
    np.testing.assert_array_equal(convolve2d(edge, sobel("x"), "valid"), -response)
    down = correlate2d(edge.T, sobel("y"), "valid")
    assert down.min() == 0 and down.max() == 4


def test_sobel_response_bounded_by_4_for_unit_images():
    rng = np.random.default_rng(0)
    image = rng.random((30, 30)).round()
    for direction in ("x", "y"):
        response = correlate2d(image, sobel(direction), "same", "symm")
        assert np.abs(response).max() <= 4


def test_separable_sobel_equals_2d():
    rng = np.random.default_rng(1)
    image = rng.random((12, 9))
    smoothing, derivative = np.array([1.0, 2.0, 1.0]), np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(np.outer(smoothing, derivative), sobel("x"))
    np.testing.assert_array_equal(np.outer(derivative, smoothing), sobel("y"))
    np.testing.assert_allclose(
        convolve_separable(image, smoothing, derivative, "same", "symm"),
        convolve2d(image, sobel("x"), "same", "symm"),
        atol=1e-12,
    )


def test_kernels_are_new_arrays():
    sobel()[0, 0] = 99
    assert sobel()[0, 0] == -1


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: box(0), ValueError, "size must be a positive int, got 0"),
        (lambda: box(2.0), TypeError, "size must be"),
        (lambda: box(True), TypeError, "size must be"),
        (lambda: box((3,)), TypeError, r"size must be an int or a pair"),
        (lambda: box((3, -1)), ValueError, r"size\[1\] must be a positive int"),
        (lambda: box("3"), TypeError, "size must be"),
        (lambda: box(3, normalize=1), TypeError, "normalize must be True or False"),
        (lambda: box_1d(-2), ValueError, "size must be a positive int"),
        (lambda: box_1d(None), TypeError, "size must be a positive int"),
        (lambda: gaussian_1d(4), ValueError, "size must be a positive odd int, got 4"),
        (lambda: gaussian_1d(0), ValueError, "size must be a positive odd int"),
        (lambda: gaussian_1d(3.0), TypeError, "size must be a positive odd int"),
        (lambda: gaussian_1d(3, sigma=0), ValueError, "sigma must be a positive finite"),
        (lambda: gaussian_1d(3, sigma=-1.0), ValueError, "sigma must be a positive finite"),
        (lambda: gaussian_1d(3, sigma=np.inf), ValueError, "sigma must be a positive finite"),
        (lambda: gaussian_1d(3, sigma=np.nan), ValueError, "sigma must be a positive finite"),
        (lambda: gaussian_1d(3, sigma="1"), TypeError, "sigma must be None or a positive real"),
        (lambda: gaussian((3, 4)), ValueError, r"size\[1\] must be a positive odd int, got 4"),
        (lambda: gaussian(5, sigma=(1.0, 2.0)), TypeError, "sigma must be None or a positive real"),
        (lambda: gaussian(5, sigma=0.0), ValueError, "sigma must be a positive finite"),
        (lambda: gaussian(5, normalize="yes"), TypeError, "normalize must be True or False"),
        (lambda: sobel("z"), ValueError, "direction must be one of 'x', 'y'; got 'z'"),
        (lambda: sobel("X"), ValueError, "direction must be one of 'x', 'y'"),
        (lambda: sobel(0), TypeError, "direction must be a string"),
    ],
)
def test_bad_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
