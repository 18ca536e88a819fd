"""Tests for helpers.conv_layer: the layer's matrix, its gradients, least squares, Keras."""

from __future__ import annotations

import doctest
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse
from scipy import signal

from helpers import conv_layer
from helpers.conv_layer import (
    conv_matrix,
    corr_matrix,
    image_patches,
    input_gradient,
    kernel_gradient,
    least_squares_kernel,
    numerical_gradient,
)
from helpers.convolution import convolve2d, correlate2d

MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm")
IMAGE_SHAPE = (5, 6)
# odd, even, rectangular, 1x1, as large as the image, larger than the image (not for valid)
KERNEL_SHAPES = [(3, 3), (2, 2), (2, 3), (4, 1), (1, 1), (5, 6), (7, 8)]

REFERENCE = {"convolve": convolve2d, "correlate": correlate2d}
MATRIX = {"convolve": conv_matrix, "correlate": corr_matrix}


def _cases():
    for kernel_shape in KERNEL_SHAPES:
        for mode in MODES:
            if mode == "valid" and (kernel_shape[0] > 5 or kernel_shape[1] > 6):
                continue
            for boundary in BOUNDARIES:
                yield kernel_shape, mode, boundary


CASES = list(_cases())


def _ids(case):
    kernel_shape, mode, boundary = case
    return f"{kernel_shape[0]}x{kernel_shape[1]}-{mode}-{boundary}"


def _problem(kernel_shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=IMAGE_SHAPE), rng.normal(size=kernel_shape), rng


# --------------------------------------------------------------------------- the matrix
@pytest.mark.parametrize("operation", ["convolve", "correlate"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_matrix_times_image_is_the_convolution(case, operation):
    kernel_shape, mode, boundary = case
    image, kernel, _ = _problem(kernel_shape)
    expected = REFERENCE[operation](image, kernel, mode, boundary=boundary)
    dense = MATRIX[operation](kernel, IMAGE_SHAPE, mode, boundary=boundary)
    sparse = MATRIX[operation](kernel, IMAGE_SHAPE, mode, boundary=boundary, sparse=True)
    assert isinstance(dense, np.ndarray) and dense.dtype == np.float64
    assert scipy.sparse.issparse(sparse)
    assert dense.shape == (expected.size, image.size)
    np.testing.assert_allclose(dense @ image.ravel(), expected.ravel(), atol=1e-12)
    np.testing.assert_allclose(sparse @ image.ravel(), expected.ravel(), atol=1e-12)
    np.testing.assert_allclose(sparse.toarray(), dense, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_matrix_matches_scipy_too(mode):
    image, kernel, _ = _problem((3, 2), seed=3)
    np.testing.assert_allclose(
        conv_matrix(kernel, IMAGE_SHAPE, mode) @ image.ravel(),
        signal.convolve2d(image, kernel, mode).ravel(), atol=1e-12,
    )
    np.testing.assert_allclose(
        corr_matrix(kernel, IMAGE_SHAPE, mode) @ image.ravel(),
        signal.correlate2d(image, kernel, mode).ravel(), atol=1e-12,
    )


def test_docstring_examples_run():
    result = doctest.testmod(conv_layer, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_docstring_example():
    np.testing.assert_array_equal(
        conv_matrix([[1.0, 2.0]], (1, 3)),
        [[1, 0, 0], [2, 1, 0], [0, 2, 1], [0, 0, 2]],
    )


@pytest.mark.parametrize("mode", MODES)
def test_zero_padding_gives_a_doubly_block_toeplitz_matrix(mode):
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    rows, cols = 6, 7
    out_rows, out_cols = correlate2d(np.zeros((rows, cols)), kernel, mode).shape
    weights = conv_matrix(kernel, (rows, cols), mode).reshape(out_rows, out_cols, rows, cols)
    # blocks: constant along block diagonals; inside a block: constant along diagonals
    np.testing.assert_array_equal(weights[1:, :, 1:, :], weights[:-1, :, :-1, :])
    np.testing.assert_array_equal(weights[:, 1:, :, 1:], weights[:, :-1, :, :-1])
    # weight tying: each non-zero entry is one of the 9 kernel weights
    assert set(np.unique(weights)) <= set(kernel.ravel()) | {0.0}


def test_valid_matrix_has_one_copy_of_the_kernel_per_row():
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    weights = conv_matrix(kernel, (8, 8), "valid")
    assert weights.shape == (36, 64)
    assert np.count_nonzero(weights) == 36 * 9
    for row in weights:
        np.testing.assert_array_equal(np.sort(row[row != 0]), kernel.ravel())


def test_correlation_matrix_is_the_convolution_matrix_of_the_flipped_kernel():
    _, kernel, _ = _problem((3, 3), seed=4)
    for mode in MODES:
        np.testing.assert_array_equal(
            corr_matrix(kernel, IMAGE_SHAPE, mode), conv_matrix(kernel[::-1, ::-1], IMAGE_SHAPE, mode)
        )


@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 3)])
def test_transpose_of_valid_convolution_is_full_correlation(kernel_shape):
    _, kernel, _ = _problem(kernel_shape, seed=5)
    out_shape = (IMAGE_SHAPE[0] - kernel_shape[0] + 1, IMAGE_SHAPE[1] - kernel_shape[1] + 1)
    np.testing.assert_allclose(
        conv_matrix(kernel, IMAGE_SHAPE, "valid").T, corr_matrix(kernel, out_shape, "full")
    )


def test_wrap_with_a_kernel_larger_than_the_image_sums_repeated_pixels():
    kernel = np.ones((5, 5))
    weights = conv_matrix(kernel, (2, 2), "same", boundary="wrap")
    # every output of a 5x5 box over a periodic 2x2 image sums the 25 pixels it sees
    np.testing.assert_allclose(weights.sum(axis=1), 25.0)
    image = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(
        weights @ image.ravel(), convolve2d(image, kernel, "same", boundary="wrap").ravel()
    )


# --------------------------------------------------------------------------- gradients
# the layer is a correlation with zero padding ("fill"): what Keras' Conv2D computes
FILL_CASES = [case for case in CASES if case[2] == "fill"]


@pytest.mark.parametrize("case", FILL_CASES, ids=_ids)
def test_gradients_match_finite_differences_and_the_transpose(case):
    kernel_shape, mode, _ = case
    image, kernel, rng = _problem(kernel_shape, seed=1)
    upstream = rng.normal(size=correlate2d(image, kernel, mode).shape)

    def loss_of_kernel(k):  # L = sum(upstream * y), so dL/dy = upstream
        return float(np.sum(upstream * correlate2d(image, k, mode)))

    def loss_of_image(f):
        return float(np.sum(upstream * correlate2d(f, kernel, mode)))

    d_kernel = kernel_gradient(image, upstream, kernel_shape, mode)
    d_image = input_gradient(kernel, upstream, IMAGE_SHAPE, mode)
    assert d_kernel.shape == kernel_shape and d_image.shape == IMAGE_SHAPE
    np.testing.assert_allclose(d_kernel, numerical_gradient(loss_of_kernel, kernel), atol=1e-7)
    np.testing.assert_allclose(d_image, numerical_gradient(loss_of_image, image), atol=1e-7)
    weights = corr_matrix(kernel, IMAGE_SHAPE, mode)
    np.testing.assert_allclose(d_image.ravel(), weights.T @ upstream.ravel(), atol=1e-12)


@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 4)])
def test_valid_correlation_gradients_in_closed_form(kernel_shape):
    image, kernel, rng = _problem(kernel_shape, seed=2)
    upstream = rng.normal(size=correlate2d(image, kernel, "valid").shape)
    # kernel: the sum over positions is the valid correlation of the image with dL/dy
    np.testing.assert_allclose(
        kernel_gradient(image, upstream, kernel_shape), correlate2d(image, upstream, "valid")
    )
    # input: a full correlation with the flipped kernel (= a full convolution with it)
    expected = correlate2d(upstream, kernel[::-1, ::-1], "full")
    np.testing.assert_allclose(input_gradient(kernel, upstream, IMAGE_SHAPE), expected)
    np.testing.assert_allclose(expected, convolve2d(upstream, kernel, "full"), atol=1e-12)


def test_gradient_docstring_examples():
    np.testing.assert_array_equal(kernel_gradient([[1.0, 2.0, 3.0]], [[1.0, 1.0]], (1, 2)),
                                  [[3.0, 5.0]])
    np.testing.assert_array_equal(input_gradient([[1.0, 2.0]], [[1.0, 1.0]], (1, 3)),
                                  [[1.0, 3.0, 2.0]])


def test_numerical_gradient_of_a_quadratic():
    matrix = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.5])
    grad = numerical_gradient(lambda v: float(v @ matrix @ v), x)
    np.testing.assert_allclose(grad, 2 * matrix @ x, atol=1e-8)
    np.testing.assert_array_equal(x, [0.5, -1.5])  # not modified


def test_central_differences_are_exact_for_a_quadratic_but_not_a_cubic():
    # Chapter 4: for a quadratic the central difference has no truncation error, so even a
    # step of 1 is exact up to rounding; for a cubic the error is eps**2 times the third derivative.
    matrix = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.5])
    big_step = numerical_gradient(lambda v: float(v @ matrix @ v), x, eps=1.0)
    np.testing.assert_allclose(big_step, 2 * matrix @ x, atol=1e-12)
    cubic = numerical_gradient(lambda v: float(np.sum(v**3)), x, eps=0.1)
    np.testing.assert_allclose(cubic - 3 * x**2, [0.01, 0.01], rtol=1e-9)  # (eps**2 / 6) * 6


def test_numerical_gradient_keeps_the_shape():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(numerical_gradient(lambda v: float(np.sum(v**3)), x), 3 * x**2,
                               atol=1e-6)


# --------------------------------------------------------------------------- least squares
@pytest.mark.parametrize("case", FILL_CASES, ids=_ids)
def test_patches_times_kernel_is_the_correlation(case):
    kernel_shape, mode, _ = case
    image, kernel, _ = _problem(kernel_shape, seed=6)
    patches = image_patches(image, kernel_shape, mode)
    expected = correlate2d(image, kernel, mode)
    assert patches.shape == (expected.size, kernel.size)
    np.testing.assert_allclose(patches @ kernel.ravel(), expected.ravel(), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_least_squares_recovers_the_kernel(mode):
    rng = np.random.default_rng(7)
    image = rng.random((20, 24))
    kernel = rng.normal(size=(3, 3))
    target = correlate2d(image, kernel, mode)
    found = least_squares_kernel(image, target, (3, 3), mode)
    np.testing.assert_allclose(found, kernel, atol=1e-10)


def test_least_squares_solves_several_filters_at_once():
    rng = np.random.default_rng(8)
    image = rng.random((16, 16))
    kernels = rng.normal(size=(3, 3, 2))
    target = np.stack([correlate2d(image, kernels[..., k], "valid") for k in range(2)], axis=-1)
    found = least_squares_kernel(image, target, (3, 3))
    assert found.shape == (3, 3, 2)
    np.testing.assert_allclose(found, kernels, atol=1e-10)


def test_least_squares_with_noise_is_the_best_fit():
    rng = np.random.default_rng(9)
    image = rng.random((16, 16))
    target = correlate2d(image, rng.normal(size=(3, 3)), "valid") + rng.normal(size=(14, 14))
    found = least_squares_kernel(image, target, (3, 3))

    def loss(k):
        return float(np.sum((correlate2d(image, k, "valid") - target) ** 2))

    # the gradient of the squared error vanishes at the minimum
    np.testing.assert_allclose(numerical_gradient(loss, found), 0.0, atol=1e-6)


# --------------------------------------------------------------------------- bad inputs
BAD_CALLS = [
    (lambda: conv_matrix("abc", (4, 4)), TypeError, "kernel"),
    (lambda: conv_matrix([["a"]], (4, 4)), TypeError, "kernel"),
    (lambda: conv_matrix(np.ones(3), (4, 4)), ValueError, "kernel"),
    (lambda: conv_matrix(np.ones((0, 3)), (4, 4)), ValueError, "kernel"),
    (lambda: conv_matrix([[np.nan]], (4, 4)), ValueError, "kernel"),
    (lambda: conv_matrix(np.ones((3, 3)), 4), TypeError, "image_shape"),
    (lambda: conv_matrix(np.ones((3, 3)), (4, 4.0)), TypeError, "image_shape"),
    (lambda: conv_matrix(np.ones((3, 3)), (4, 0)), ValueError, "image_shape"),
    (lambda: conv_matrix(np.ones((3, 3)), (4, 4), "big"), ValueError, "mode"),
    (lambda: conv_matrix(np.ones((3, 3)), (4, 4), 3), TypeError, "mode"),
    (lambda: conv_matrix(np.ones((3, 3)), (4, 4), boundary="zero"), ValueError, "boundary"),
    (lambda: conv_matrix(np.ones((3, 3)), (4, 4), sparse="yes"), TypeError, "sparse"),
    (lambda: corr_matrix(np.ones((5, 5)), (4, 4), "valid"), ValueError, "fit inside"),
    (lambda: kernel_gradient(np.ones((4, 4)), np.ones((3, 3)), (3, 3)), ValueError,
     "upstream_grad"),
    (lambda: kernel_gradient(np.ones(4), np.ones((2, 2)), (3, 3)), ValueError, "image"),
    (lambda: kernel_gradient(np.ones((4, 4)), np.ones((2, 2)), (3, 3), "big"), ValueError,
     "mode"),
    (lambda: kernel_gradient(np.ones((4, 4)), np.ones((2, 2)), "3x3"), TypeError,
     "kernel_shape"),
    (lambda: input_gradient(np.ones((3, 3)), np.ones((4, 4)), (4, 4), "valid"), ValueError,
     "upstream_grad"),
    (lambda: input_gradient(np.ones((3, 3)), np.ones((2, 2)), (4, 4), 1), TypeError, "mode"),
    (lambda: input_gradient(np.ones((3, 3)), np.ones((2, 2)), (2, 2)), ValueError,
     "fit inside"),
    (lambda: numerical_gradient("f", np.ones(2)), TypeError, "func"),
    (lambda: numerical_gradient(np.sum, np.ones(2), eps=0), ValueError, "eps"),
    (lambda: numerical_gradient(np.sum, np.ones(2), eps="small"), TypeError, "eps"),
    (lambda: numerical_gradient(lambda v: v, np.ones(2)), TypeError, "scalar"),
    (lambda: numerical_gradient(np.sum, []), ValueError, "x"),
    (lambda: image_patches(np.ones((4, 4)), (5, 5)), ValueError, "fit inside"),
    (lambda: image_patches(np.ones((4, 4, 1)), (3, 3)), ValueError, "image"),
    (lambda: least_squares_kernel(np.ones((6, 6)), np.ones((6, 6)), (3, 3)), ValueError,
     "target"),
    (lambda: least_squares_kernel(np.ones((6, 6)), np.ones(16), (3, 3)), ValueError, "target"),
    (lambda: conv_layer.one_filter_cnn(3.0), TypeError, "kernel_size"),
    (lambda: conv_layer.one_filter_cnn(3, 0), ValueError, "filters"),
    (lambda: conv_layer.one_filter_cnn(3, padding="full"), ValueError, "padding"),
    (lambda: conv_layer.one_filter_cnn(3, dtype="int8"), ValueError, "dtype"),
]


@pytest.mark.parametrize("call, error, word", BAD_CALLS, ids=[c[2] for c in BAD_CALLS])
def test_bad_inputs_raise_clear_errors(call, error, word):
    with pytest.raises(error, match=word):
        call()


def test_import_does_not_import_tensorflow():
    code = (
        "import sys, helpers.conv_layer; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- Keras
@pytest.fixture(scope="module")
def keras():
    from helpers.book import quiet_stderr, setup

    setup(seed=0)
    with quiet_stderr():
        import keras
    return keras


def test_one_filter_cnn_is_one_correlation(keras):
    keras.utils.set_random_seed(0)
    model = conv_layer.one_filter_cnn(3, dtype="float64")
    kernel = model.layers[0].kernel.numpy()
    assert kernel.shape == (3, 3, 1, 1) and not model.layers[0].use_bias
    image = np.random.default_rng(0).random((9, 11))
    output = model(image[None, :, :, None]).numpy()[0, :, :, 0]
    np.testing.assert_allclose(output, correlate2d(image, kernel[:, :, 0, 0], "valid"), atol=1e-12)


def test_fit_kernel_learns_a_kernel_and_records_it(keras):
    rng = np.random.default_rng(1)
    image = rng.random((24, 24))
    true = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    target = correlate2d(image, true, "valid")
    keras.utils.set_random_seed(0)
    model = conv_layer.one_filter_cnn(3, dtype="float64")
    start = model.layers[0].kernel.numpy()[..., 0, 0]
    run = conv_layer.fit_kernel(model, image, target, epochs=40, steps_per_epoch=10, lr=0.1)
    assert run["kernels"].shape == (41, 3, 3, 1) and run["loss"].shape == (40,)
    np.testing.assert_array_equal(run["kernels"][0, :, :, 0], start)
    assert run["loss"][-1] < 1e-2 * run["loss"][0]
    np.testing.assert_allclose(run["kernels"][-1, :, :, 0], model.layers[0].kernel.numpy()[..., 0, 0])
    with pytest.raises(ValueError, match="target"):
        conv_layer.fit_kernel(model, image, image, epochs=1)
    with pytest.raises(TypeError, match="model"):
        conv_layer.fit_kernel("model", image, target, epochs=1)
    with pytest.raises(TypeError, match="optimizer"):
        conv_layer.fit_kernel(model, image, target, epochs=1, optimizer=3)
    with pytest.raises(ValueError, match="optimizer"):
        conv_layer.fit_kernel(model, image, target, epochs=1, optimizer="rmsprop")
    with pytest.raises(ValueError, match="lr"):
        conv_layer.fit_kernel(model, image, target, epochs=1, lr=-1.0)

