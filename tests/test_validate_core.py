"""The shared pieces behind every helper: argument checks and the convolution geometry."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

from helpers import _core, _validate


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 4), (1, 5)])
@pytest.mark.parametrize("correlate", [False, True])
def test_placement_picks_scipys_output_out_of_the_full_result(mode, kernel_shape, correlate):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 8)), rng.normal(size=kernel_shape)
    operation = scipy.signal.correlate2d if correlate else scipy.signal.convolve2d
    full = operation(image, kernel, "full")
    (top, left), (rows, cols) = _core.placement(image.shape, kernel.shape, mode, correlate)
    np.testing.assert_allclose(full[top:top + rows, left:left + cols], operation(image, kernel, mode))


@pytest.mark.parametrize(("boundary", "numpy_mode"),
                         [("wrap", "wrap"), ("symm", "symmetric")])
def test_pad_follows_scipys_boundary_names(boundary, numpy_mode):
    image = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(_core.pad(image, 2, boundary), np.pad(image, 2, mode=numpy_mode))
    filled = _core.pad(image, ((1, 0), (0, 2)), "fill", fillvalue=-5.0)
    assert filled.shape == (4, 6) and (filled[0] == -5).all() and (filled[:, -2:] == -5).all()


def test_central_differences_are_exact_for_a_quadratic_and_restore_the_array():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = _core.central_differences(lambda: float(np.sum(x**2)), x, 1e-3)
    np.testing.assert_allclose(grad, 2 * before, atol=1e-9)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(("check", "error", "message"), [
    (lambda: _validate.choice(3, "mode", ("a", "b")), TypeError, "^mode must be a string"),
    (lambda: _validate.choice("c", "mode", ("a", "b")), ValueError, "^mode must be one of 'a', 'b'"),
    (lambda: _validate.integer(True, "n"), TypeError, "^n must be an int, got bool"),
    (lambda: _validate.integer(4, "size", minimum=1, odd=True), ValueError,
     "^size must be a positive odd int, got 4"),
    (lambda: _validate.integer(2, "n", minimum=3), ValueError, "^n must be an int >= 3"),
    (lambda: _validate.real("1", "lr", positive=True), TypeError, "^lr must be a positive real"),
    (lambda: _validate.real(0.0, "lr", positive=True), ValueError, "^lr must be a positive finite"),
    (lambda: _validate.real(float("nan"), "x"), ValueError, "^x must be finite"),
    (lambda: _validate.flag(1, "sparse"), TypeError, "^sparse must be True or False"),
    (lambda: _validate.real_array("ab", "image", 2), TypeError, "^image must be a 2-D array"),
    (lambda: _validate.real_array([[1, 2], [3]], "image"), ValueError, "^image must be a rectangular"),
    (lambda: _validate.real_array(np.ones(3), "image", 2), ValueError, "^image must be 2-D"),
    (lambda: _validate.real_array(np.ones((0, 2)), "x"), ValueError, "^x must not be empty"),
    (lambda: _validate.real_array([1j], "x"), TypeError, "^x must hold real numbers"),
    (lambda: _validate.real_array([True], "y", allow_bool=False), TypeError, "^y must hold real"),
    (lambda: _validate.real_array([np.inf, np.nan], "v", allow_nan=True), ValueError,
     "^v must hold only finite values, got infinity"),
    (lambda: _validate.shape_pair((3, 0), "image_shape"), ValueError, "^image_shape must be a pair"),
    (lambda: _validate.size_pair((3, 2.0), "size"), TypeError, r"^size\[1\] must be a positive int"),
    (lambda: _validate.size_pair("3", "size"), TypeError, "^size must be an int or a pair"),
])
def test_checks_name_the_argument_and_what_was_expected(check, error, message):
    with pytest.raises(error, match=message):
        check()


def test_checks_return_the_value_to_compute_with():
    assert _validate.integer(np.int64(3), "n") == 3 and type(_validate.integer(np.int64(3), "n")) is int
    assert _validate.real(None, "vmin", optional=True) is None
    assert _validate.size_pair(5, "size") == (5, 5)
    kept = np.ones(3, dtype=np.float32)
    assert _validate.real_array(kept, "x", dtype=None) is kept
    assert _validate.real_array([1, 2], "x").dtype == np.float64
    with_nan = _validate.real_array([1.0, np.nan], "v", allow_nan=True)
    assert np.isnan(with_nan[1])
