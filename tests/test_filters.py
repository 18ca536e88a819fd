"""helpers.filters: blurs, Sobel gradients, edge maps, timings, explorer (chapter 2)."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest
from scipy import ndimage

from helpers import convolution, filters, kernels

BOUNDARIES = ("fill", "wrap", "symm")


@pytest.fixture
def image():
    """A small random grey image in [0, 1], not square (catches swapped axes)."""
    return np.random.default_rng(0).random((40, 52))


def step(width=12, height=8, position=6, axis=1):
    """0 before ``position``, 1 from it on, along ``axis`` (1: columns, left to right)."""
    ramp = np.arange(width if axis == 1 else height) >= position
    values = ramp.astype(float)
    return np.tile(values, (height, 1)) if axis == 1 else np.tile(values[:, None], (1, width))


# --------------------------------------------------------------------------- kernels
@pytest.mark.parametrize("kind, size", [("box", 1), ("box", 5), ("gaussian", 7), ("sobel-x", 3)])
def test_normalised_kernels_have_positive_weights_summing_to_one(kind, size):
    kernel = filters.make_kernel(kind, size)
    assert kernel.shape == (size, size)
    assert kernel[kernel > 0].sum() == pytest.approx(1.0)


def test_make_kernel_raw_weights_and_orientation():
    np.testing.assert_array_equal(filters.make_kernel("box", 3, normalize=False), np.ones((3, 3)))
    sobel_x = filters.make_kernel("sobel-x", normalize=False)
    np.testing.assert_array_equal(sobel_x, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(filters.make_kernel("sobel-y", normalize=False), sobel_x.T)
    gaussian = filters.make_kernel("gaussian", 5, sigma=1.0)
    assert gaussian[2, 2] == gaussian.max() and np.allclose(gaussian, gaussian.T)


def test_kernel_output_range():
    assert filters.kernel_output_range(np.ones((3, 3))) == (0.0, 9.0)
    assert filters.kernel_output_range(np.ones((3, 3)) / 9) == pytest.approx((0.0, 1.0))
    assert filters.kernel_output_range(kernels.sobel("x")) == (-4.0, 4.0)
    assert filters.kernel_output_range([[2.0, -1.0]]) == (-1.0, 2.0)


def test_sobel_range_is_reached_and_magnitude_bound_is_two_root_five():
    """Linear, so extremes sit on the 512 black/white 3x3 patches."""
    patches = np.array(list(itertools.product([0.0, 1.0], repeat=9))).reshape(-1, 3, 3)
    gx = np.einsum("pij,ij->p", patches, kernels.sobel("x"))
    gy = np.einsum("pij,ij->p", patches, kernels.sobel("y"))
    assert (gx.min(), gx.max()) == (-4.0, 4.0)
    assert np.hypot(gx, gy).max() == pytest.approx(2 * np.sqrt(5))


def test_frequency_response_box_rings_gaussian_does_not():
    freqs, box = filters.frequency_response(kernels.box_1d(9))
    _, gauss = filters.frequency_response(kernels.gaussian_1d(15, sigma=2.0))
    assert freqs[0] == 0 and freqs[-1] == 0.5
    assert box[0] == pytest.approx(1) and gauss[0] == pytest.approx(1)
    assert box.min() < -0.2  # negative side lobe: contrast inverted
    assert gauss.min() > -1e-3


# --------------------------------------------------------------------------- blurs
@pytest.mark.parametrize("kind", ["box", "gaussian"])
@pytest.mark.parametrize("size", [3, 9])
def test_normalised_blur_keeps_the_mean(image, kind, size):
    assert filters.blur(image, size, kind, boundary="wrap").mean() == pytest.approx(
        image.mean(), abs=1e-12
    )
    assert abs(filters.blur(image, size, kind).mean() - image.mean()) < 1e-2  # symm: nearly


def test_unnormalised_box_multiplies_the_mean_by_its_area(image):
    raw = filters.blur(image, 5, normalize=False, boundary="wrap")
    assert raw.mean() == pytest.approx(25 * image.mean())


def test_blur_of_a_constant_depends_on_the_boundary():
    flat = np.full((10, 10), 0.5)
    for boundary in ("wrap", "symm"):
        np.testing.assert_allclose(filters.blur(flat, 5, boundary=boundary), 0.5)
    dark = filters.blur(flat, 5, boundary="fill")
    assert dark[0, 0] == pytest.approx(0.5 * 9 / 25) and dark[5, 5] == pytest.approx(0.5)


def test_blur_size_one_is_the_identity(image):
    np.testing.assert_allclose(filters.blur(image, 1), image)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_separable_passes_equal_the_full_2d_kernel(image, boundary):
    column = kernels.gaussian_1d(7, sigma=1.5)
    full = filters.apply_kernel(image, np.outer(column, column), boundary=boundary)
    separable = convolution.convolve_separable(image, column, column, boundary=boundary)
    np.testing.assert_allclose(separable, full, atol=1e-12)
    assert np.linalg.matrix_rank(np.outer(column, column)) == 1


# --------------------------------------------------------------------------- Sobel
def test_sobel_maximum_lies_on_a_vertical_step_edge():
    edge = step(position=6, axis=1)
    gx, gy = filters.sobel_gradients(edge)
    magnitude = filters.gradient_magnitude(gx, gy)
    strongest = np.unique(np.nonzero(magnitude == magnitude.max())[1])
    np.testing.assert_array_equal(strongest, [5, 6])  # the two columns either side of the step
    assert gx.max() == 4.0 and gx.min() == 0.0  # dark to bright, left to right: positive
    np.testing.assert_array_equal(gy, 0.0)
    np.testing.assert_allclose(filters.gradient_direction(gx, gy)[:, 5:7], 0.0)


def test_sobel_on_a_horizontal_step_points_down():
    edge = step(position=4, axis=0)
    gx, gy = filters.sobel_gradients(edge, normalize=True)
    assert gy.max() == pytest.approx(1.0) and np.abs(gx).max() == 0
    direction = filters.gradient_direction(gx, gy)
    assert direction[4, 3] == pytest.approx(np.pi / 2)


@pytest.mark.parametrize("boundary, mode", [("symm", "reflect"), ("fill", "constant"),
                                            ("wrap", "wrap")])
def test_sobel_agrees_with_scipy_ndimage(image, boundary, mode):
    gx, gy = filters.sobel_gradients(image, boundary=boundary)
    np.testing.assert_allclose(gx, ndimage.sobel(image, axis=1, mode=mode), atol=1e-12)
    np.testing.assert_allclose(gy, ndimage.sobel(image, axis=0, mode=mode), atol=1e-12)


def test_gradient_magnitude_and_direction():
    np.testing.assert_allclose(filters.gradient_magnitude([[3.0, 0.0]], [[4.0, -2.0]]),
                               [[5.0, 2.0]])
    np.testing.assert_allclose(filters.gradient_direction([[1.0, -1.0]], [[0.0, 0.0]]),
                               [[0.0, np.pi]])


def test_threshold_edges(image):
    magnitude = filters.gradient_magnitude(*filters.sobel_gradients(image))
    edges = filters.threshold_edges(magnitude, quantile=0.9)
    assert edges.dtype == bool and edges.shape == image.shape
    assert edges.mean() == pytest.approx(0.1, abs=0.01)
    np.testing.assert_array_equal(filters.threshold_edges(magnitude, 1.0), magnitude > 1.0)


# --------------------------------------------------------------------------- timing
def test_time_convolution_methods_returns_seconds_per_method(image):
    times = filters.time_convolution_methods(image, [3, 5], methods=filters.TIMING_METHODS,
                                             repeat=1)
    assert list(times) == ["kernel_size", *filters.TIMING_METHODS]
    np.testing.assert_array_equal(times["kernel_size"], [3, 5])
    for method in filters.TIMING_METHODS:
        assert times[method].shape == (2,) and np.all(times[method] > 0)


def test_time_call_is_positive():
    assert filters.time_call(lambda: sum(range(100)), repeat=2, number=3) > 0


@pytest.mark.parametrize("slow, fast, expected", [
    ([1, 2, 3, 4], [2, 2.5, 2, 2], 7),
    ([1, 2, 3, 4], [0.5, 1, 1, 1], 3),
    ([1, 2, 3, 4], [2, 1, 4, 5], None),
    ([1, 2, 3, 4], [0.5, 3, 2, 2], 7),  # one early win does not count
])
def test_crossover_size(slow, fast, expected):
    assert filters.crossover_size([3, 5, 7, 9], slow, fast) == expected


def test_crossover_size_margin_ignores_near_ties():
    slow, fast = [1.0, 2.0, 3.0, 4.0], [1.1, 1.9, 1.0, 1.0]    # 5 wins by only 5 %
    assert filters.crossover_size([3, 5, 7, 9], slow, fast) == 5
    assert filters.crossover_size([3, 5, 7, 9], slow, fast, margin=1.25) == 7
    assert filters.crossover_size([3, 5, 7, 9], slow, fast, margin=5.0) is None
    with pytest.raises(ValueError, match="margin must be >= 1"):
        filters.crossover_size([3, 5], [1.0, 2.0], [1.0, 1.0], margin=0.5)
    with pytest.raises(TypeError, match="margin"):
        filters.crossover_size([3, 5], [1.0, 2.0], [1.0, 1.0], margin="1.2")


# --------------------------------------------------------------------------- figures
def test_filter_grid_draws_one_column_per_setting(image):
    import matplotlib.pyplot as plt

    settings = [{"kind": "box", "size": 5}, {"kind": "sobel-x", "normalize": False},
                {"boundary": "fill", "size": 9}]
    fig = filters.filter_grid(image, settings)
    assert isinstance(fig, matplotlib.figure.Figure)
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 3
    assert images[1].images[0].get_cmap().name == "RdBu_r"  # signed output, centred on 0
    low, high = images[1].images[0].get_clim()
    assert low == -high
    plt.close(fig)


def test_kernel_explorer_redraws_on_every_control(image):
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    explorer = filters.kernel_explorer(image[:24, :24], max_size=9)
    assert isinstance(explorer, widgets.VBox)
    controls = {w.description: w for box in explorer.children[:2] for w in box.children}
    assert set(controls) == {"kernel", "size", "normalise", "boundary"}
    controls["kernel"].value = "sobel-y"
    assert controls["size"].disabled
    controls["kernel"].value = "gaussian"
    controls["size"].value = 9
    controls["normalise"].value = False
    controls["boundary"].value = "wrap"
    assert not controls["size"].disabled
    plt.close("all")


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("call, error, words", [
    (lambda im: filters.blur(im, 4), ValueError, "size must be a positive odd int"),
    (lambda im: filters.blur(im, 0), ValueError, "size must be a positive odd int"),
    (lambda im: filters.blur(im, 3.0), TypeError, "size must be a positive odd int"),
    (lambda im: filters.blur(im, 3, kind="median"), ValueError, "kind must be one of"),
    (lambda im: filters.blur(im, 3, boundary="reflect"), ValueError, "boundary must be one of"),
    (lambda im: filters.blur(im, 3, "gaussian", sigma=-1.0), ValueError,
     "sigma must be a positive"),
    (lambda im: filters.blur(im, 3, sigma=1.0), ValueError, "sigma only applies"),
    (lambda im: filters.blur(im, 3, normalize="yes"), TypeError, "normalize"),
    (lambda im: filters.blur(im[0], 3), ValueError, "image must be 2-D"),
    (lambda im: filters.blur("photo.png", 3), TypeError, "image must be a 2-D array"),
    (lambda im: filters.blur(np.full((3, 3), np.nan), 3), ValueError, "finite"),
    (lambda im: filters.blur(np.zeros((0, 4)), 3), ValueError, "must not be empty"),
    (lambda im: filters.make_kernel("sobel-x", 5), ValueError, "Sobel is 3 x 3"),
    (lambda im: filters.apply_kernel(im, [1, 2, 1]), ValueError, "kernel must be 2-D"),
    (lambda im: filters.gradient_magnitude(im, im[:3]), ValueError, "same shape"),
    (lambda im: filters.threshold_edges(im), ValueError, "exactly one"),
    (lambda im: filters.threshold_edges(im, 0.5, quantile=0.5), ValueError, "exactly one"),
    (lambda im: filters.threshold_edges(im, quantile=1.0), ValueError, "quantile must be in"),
    (lambda im: filters.threshold_edges(-im, 0.5), ValueError, "magnitude must be >= 0"),
    (lambda im: filters.frequency_response([1.0, 2.0]), ValueError, "symmetric"),
    (lambda im: filters.frequency_response(np.ones((3, 3))), ValueError, "1-D"),
    (lambda im: filters.time_convolution_methods(im, 5), TypeError, "kernel_sizes"),
    (lambda im: filters.time_convolution_methods(im, []), ValueError, "at least one"),
    (lambda im: filters.time_convolution_methods(im, [4]), ValueError, "must be a positive odd int"),
    (lambda im: filters.time_convolution_methods(im, [3], methods=["gpu"]), ValueError, "methods"),
    (lambda im: filters.time_call(42), TypeError, "callable"),
    (lambda im: filters.crossover_size([3, 5], [1.0], [1.0]), ValueError, "one length"),
    (lambda im: filters.filter_grid(im, {"kind": "box"}), TypeError, "list of dicts"),
    (lambda im: filters.filter_grid(im, [{"colour": "red"}]), ValueError, "unknown keys"),
    (lambda im: filters.filter_grid(im, []), ValueError, "at least one"),
    (lambda im: filters.kernel_explorer(im, max_size=4), ValueError, "max_size must be an odd int >= 3"),
])
def test_bad_inputs_are_rejected_with_clear_errors(image, call, error, words):
    with pytest.raises(error, match=words):
        call(image)
