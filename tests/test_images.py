"""helpers.images: the sample photo, generated images and the figure helper."""

from __future__ import annotations

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image

from helpers.images import (
    MAX_SIDE,
    sample_image,
    show_images,
    step_edge,
)

NATIVE = (600, 512)

# ---------------------------------------------------------------- sample_image


def test_native_photo():
    image = sample_image()
    assert image.shape == NATIVE
    assert image.dtype == np.float64
    assert 0.0 <= image.min() < 0.1 and 0.9 < image.max() <= 1.0


def test_native_photo_is_bt601_luma():
    with cbook.get_sample_data("grace_hopper.jpg") as file, Image.open(file) as photo:
        rgb = np.asarray(photo.convert("RGB"), dtype=np.float64) / 255
    expected = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    np.testing.assert_allclose(sample_image(), expected, atol=1e-12)


@pytest.mark.parametrize(
    ("size", "shape"),
    [(64, (64, 64)), (512, (512, 512)), ((32, 48), (32, 48)), ((600, 512), NATIVE), (1, (1, 1))],
)
def test_sizes(size, shape):
    image = sample_image(size)
    assert image.shape == shape
    assert image.dtype == np.float64
    assert image.min() >= 0.0 and image.max() <= 1.0


def test_int_size_is_the_centred_square():
    native = sample_image()
    np.testing.assert_array_equal(sample_image(512), native[44:556, :])
    np.testing.assert_array_equal(sample_image((512, 512)), sample_image(512))


def test_resizing_keeps_the_mean_brightness():
    assert abs(sample_image(128).mean() - sample_image(512).mean()) < 0.01


def test_deterministic_and_returns_copies():
    first = sample_image(32)
    np.testing.assert_array_equal(first, sample_image(32))
    first[...] = -1
    assert sample_image(32).min() >= 0
    native = sample_image()
    native[0, 0] = 7
    assert sample_image()[0, 0] != 7


@pytest.mark.parametrize(
    ("size", "error", "pattern"),
    [
        (0, ValueError, "size must be"),
        (-5, ValueError, "size must be"),
        ((10, 0), ValueError, r"size\[1\] must be"),
        (MAX_SIDE + 1, ValueError, "at most"),
        (2.5, TypeError, "size must be an int or a pair"),
        (True, TypeError, "size must be an int or a pair"),
        ("64", TypeError, "size must be an int or a pair"),
        ((64,), TypeError, "size must be an int or a pair"),
        ((64, 64, 3), TypeError, "size must be an int or a pair"),
        ((64.0, 64), TypeError, r"size\[0\] must be a positive int"),
    ],
)
def test_bad_sizes(size, error, pattern):
    with pytest.raises(error, match=pattern):
        sample_image(size)


# ---------------------------------------------------------------- generated images


def test_step_edge():
    edge = step_edge((3, 6), position=2)
    assert edge.dtype == np.float64
    np.testing.assert_array_equal(edge, np.repeat([[0, 0, 1, 1, 1, 1]], 3, axis=0))
    np.testing.assert_array_equal(step_edge(6, direction="y"), step_edge(6).T)
    assert step_edge().shape == (16, 16)
    assert step_edge(16)[:, 7].max() == 0 and step_edge(16)[:, 8].min() == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"size": 1}, ValueError, "at least 2"),
        ({"size": (1, 5), "direction": "y"}, ValueError, "at least 2"),
        ({"size": 8, "position": 0}, ValueError, "position must be between 1 and 7"),
        ({"size": 8, "position": 8}, ValueError, "position must be between 1 and 7"),
        ({"size": 8, "position": 2.0}, TypeError, "position must be an int"),
        ({"size": 8.0}, TypeError, "size must be"),
        ({"direction": "z"}, ValueError, "direction must be one of 'x', 'y'"),
        ({"direction": 1}, TypeError, "direction must be a string"),
    ],
)
def test_step_edge_errors(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        step_edge(**kwargs)


# ---------------------------------------------------------------- show_images


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.images]


def test_show_images_layout_and_colorbars(close_figures):
    rng = np.random.default_rng(0)
    images = [rng.random((5, 7)) for _ in range(5)]
    fig = show_images(images, [f"image {k}" for k in range(5)])
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(_image_axes(fig)) == 5
    assert len(fig.axes) == 5 + 5  # a 2x4 grid less its 3 spare panels, and five colour bars
    assert fig.get_size_inches()[1] == pytest.approx(2 * 3.0)
    assert [ax.get_title() for ax in _image_axes(fig)] == [f"image {k}" for k in range(5)]
    no_bars = show_images(images, colorbar=False, ncols=5)
    assert len(no_bars.axes) == 5


def test_show_images_signed_auto(close_figures):
    unsigned = np.linspace(0, 1, 12).reshape(3, 4)
    signed = np.linspace(-2, 1, 12).reshape(3, 4)
    fig = show_images([unsigned, signed])
    first, second = (ax.images[0] for ax in _image_axes(fig))
    assert first.get_cmap().name == "gray"
    assert second.get_cmap().name == "RdBu_r"
    assert second.get_clim() == (-2.0, 2.0)


def test_show_images_limits(close_figures):
    image = np.linspace(0, 1, 12).reshape(3, 4)
    fig = show_images([image], cmap="viridis", vmin=-1, vmax=1)
    assert fig.axes[0].images[0].get_cmap().name == "viridis"
    assert fig.axes[0].images[0].get_clim() == (-1.0, 1.0)
    fig = show_images([image - 0.5], vmax=3)  # signed: symmetric limits from vmin, vmax
    assert fig.axes[0].images[0].get_cmap().name == "RdBu_r"
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "pattern"),
    [
        (([],), {}, ValueError, "at least one image"),
        ((np.ones((2, 2)),), {}, TypeError, "images must be a list of 2-D arrays"),
        (([np.ones(3)],), {}, ValueError, r"images\[0\] must be 2-D"),
        (([np.ones((2, 2)), np.full((2, 2), np.nan)],), {}, ValueError, r"images\[1\]"),
        (([np.ones((2, 2), dtype=complex)],), {}, TypeError, r"images\[0\]"),
        ((42,), {}, TypeError, "images must be a list"),
        (([np.ones((2, 2))], ["a", "b"]), {}, ValueError, "titles must have one entry"),
        (([np.ones((2, 2))], "a"), {}, TypeError, "titles must be a list"),
        (([np.ones((2, 2))], [1]), {}, TypeError, "titles must be a list of strings"),
        (([np.ones((2, 2))],), {"ncols": 0}, ValueError, "ncols must be a positive int"),
        (([np.ones((2, 2))],), {"ncols": 2.0}, TypeError, "ncols must be a positive int"),
        (([np.ones((2, 2))],), {"size": -1}, ValueError, "size must be a positive"),
        (([np.ones((2, 2))],), {"vmin": 1, "vmax": 0}, ValueError, "vmin must be below vmax"),
        (([np.ones((2, 2))],), {"vmin": np.nan}, ValueError, "vmin must be finite"),
    ],
)
def test_show_images_errors(args, kwargs, error, pattern, close_figures):
    with pytest.raises(error, match=pattern):
        show_images(*args, **kwargs)
