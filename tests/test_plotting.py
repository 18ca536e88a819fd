"""Tests of helpers.plotting: number grids, the sliding-kernel step, animations."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from scipy import signal

from helpers import plotting
from helpers.plotting import animate, draw_number_grid, draw_sliding_step


@pytest.fixture(autouse=True)
def agg_backend():
    """Draw off-screen, and close every figure a test leaves open."""
    previous = matplotlib.get_backend()
    plt.switch_backend("Agg")
    yield
    plt.close("all")
    plt.switch_backend(previous)


def cell_labels(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def outlines(ax) -> list[tuple[float, float, float, float]]:
    return [(p.get_x(), p.get_y(), p.get_width(), p.get_height())
            for p in ax.patches if isinstance(p, Rectangle)]


# --------------------------------------------------------------------------
# draw_number_grid
# --------------------------------------------------------------------------


def test_number_grid_labels_every_cell_in_row_major_order():
    ax = draw_number_grid([[1, 2.5], [-3, 0]])
    assert cell_labels(ax) == ["1", "2.5", "-3", "0"]


def test_number_grid_skips_nan_and_normalises_negative_zero():
    ax = draw_number_grid([[np.nan, -0.0], [1.0, np.nan]])
    assert cell_labels(ax) == ["0", "1"]


def test_number_grid_uses_format_spec():
    ax = draw_number_grid([[1 / 3, 2 / 3]], fmt=".2f")
    assert cell_labels(ax) == ["0.33", "0.67"]


def test_number_grid_text_contrasts_with_cell():
    ax = draw_number_grid([[0.0, 1.0]], cmap="gray")
    colours = [text.get_color() for text in ax.texts]
    assert colours == ["white", "black"]


def test_number_grid_highlights_boxes_in_cell_coordinates():
    ax = draw_number_grid(np.zeros((4, 4)), highlight=[(1, 2), (0, 0, 2, 3)],
                          highlight_color=["red", "blue"])
    assert outlines(ax) == [(1.5, 0.5, 1, 1), (-0.5, -0.5, 3, 2)]


def test_number_grid_legend_names_the_boxes():
    ax = draw_number_grid(np.zeros((3, 3)), highlight=[(0, 0), (1, 1, 2, 2)],
                          highlight_color=["red", "blue"], highlight_label=["one", "two"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["one", "two"]


def test_number_grid_index_offset_labels_ticks():
    ax = draw_number_grid(np.zeros((2, 3)), index_offset=(-1, -2))
    plt.gcf().canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-2", "-1", "0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["-1", "0"]


def test_number_grid_hides_ticks_without_offset():
    ax = draw_number_grid(np.zeros((2, 2)), index_offset=None)
    assert len(ax.get_xticks()) == 0 and len(ax.get_yticks()) == 0


def test_number_grid_draws_on_given_axes_with_title():
    fig, ax = plt.subplots()
    assert draw_number_grid(np.eye(2), ax=ax, title="identity") is ax
    assert ax.get_title() == "identity"


def test_number_grid_signed_scale_is_symmetric():
    ax = draw_number_grid([[-1.0, 4.0]], signed=True)
    assert ax.texts[0].get_color() == "black"  # -1 of +-4 is a pale blue


def test_number_grid_constant_array_is_fine():
    ax = draw_number_grid(np.full((2, 2), 7.0))
    assert cell_labels(ax) == ["7"] * 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"values": "abc"}, TypeError, "values"),
        ({"values": [[1 + 1j]]}, TypeError, "complex"),
        ({"values": [1, 2, 3]}, ValueError, "2-D"),
        ({"values": np.zeros((0, 3))}, ValueError, "empty"),
        ({"values": [[np.inf]]}, ValueError, "infinity"),
        ({"values": [[1]], "fmt": 3}, TypeError, "fmt"),
        ({"values": [[1]], "fmt": "q"}, ValueError, "fmt"),
        ({"values": [[1]], "ax": "axes"}, TypeError, "ax"),
        ({"values": [[1]], "highlight": (0,)}, ValueError, "highlight"),
        ({"values": [[1]], "highlight": (0, 0.5)}, TypeError, "highlight"),
        ({"values": [[1]], "highlight": (0, 0, 0, 1)}, ValueError, "height"),
        ({"values": [[1]], "highlight": (0, 0), "highlight_color": ["r", "b"]}, ValueError,
         "highlight_color"),
        ({"values": [[1]], "highlight": (0, 0), "highlight_label": ["a", "b"]}, ValueError,
         "highlight_label"),
        ({"values": [[1, 2]], "dim": [True]}, ValueError, "dim"),
        ({"values": [[1, 2]], "vmin": 3, "vmax": 1}, ValueError, "vmin"),
        ({"values": [[1, 2]], "vmin": "0"}, TypeError, "vmin"),
        ({"values": [[1, 2]], "index_offset": 3}, TypeError, "index_offset"),
        ({"values": [[1, 2]], "cmap": 3}, TypeError, "cmap"),
    ],
)
def test_number_grid_rejects_bad_arguments(kwargs, error, match):
    values = kwargs.pop("values")
    with pytest.raises(error, match=match):
        draw_number_grid(values, **kwargs)


# --------------------------------------------------------------------------
# draw_sliding_step
# --------------------------------------------------------------------------

IMAGE = np.arange(20.0).reshape(4, 5) % 7
KERNEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0]])


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 3), (2, 2), (1, 4)])
def test_sliding_output_matches_scipy(mode, kernel_shape):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(5, 6)), rng.normal(size=kernel_shape)
    *_, output = plotting._sliding_setup(image, kernel, mode)
    np.testing.assert_allclose(output, signal.convolve2d(image, kernel, mode=mode), atol=1e-12)


def test_sliding_step_draws_four_panels_and_the_sum():
    fig = draw_sliding_step(IMAGE, KERNEL, 0, mode="valid")
    image_ax, kernel_ax, products_ax, output_ax = fig.axes
    window = IMAGE[:2, :3]
    expected = float((window * KERNEL[::-1, ::-1]).sum())
    assert f"sum = {expected:.3g}" in products_ax.get_title()
    assert cell_labels(kernel_ax) == [f"{v:.3g}" for v in KERNEL[::-1, ::-1].ravel() + 0.0]
    assert outlines(image_ax) == [(-0.5, -0.5, 3, 2)]
    assert cell_labels(output_ax) == [f"{expected:.3g}"]


def test_sliding_step_last_frame_shows_the_whole_output():
    reference = signal.convolve2d(IMAGE, KERNEL, mode="same")
    fig = draw_sliding_step(IMAGE, KERNEL, reference.size - 1, mode="same")
    output_ax = fig.axes[3]
    assert cell_labels(output_ax) == [f"{v + 0.0:.3g}" for v in reference.ravel()]
    assert "convolution" in fig.texts[0].get_text()


def test_sliding_step_marks_the_current_output_cell():
    fig = draw_sliding_step(IMAGE, KERNEL, 7, mode="full")  # full output is 5 x 7
    assert outlines(fig.axes[3]) == [(-0.5, 0.5, 1, 1)]  # row 1, column 0
    assert len(cell_labels(fig.axes[3])) == 8


def test_sliding_step_padding_has_negative_indices():
    fig = draw_sliding_step(IMAGE, np.ones((3, 3)), 0, mode="same")
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "-1" and labels[-1] == "5"


def test_sliding_step_reuses_a_given_figure():
    fig = plt.figure()
    for step in range(3):
        assert draw_sliding_step(IMAGE, KERNEL, step, fig=fig) is fig
        assert len(fig.axes) == 4


def test_sliding_step_relayouts_a_figure_for_other_shapes():
    fig = draw_sliding_step(IMAGE, KERNEL, 0, mode="valid")
    draw_sliding_step(IMAGE, KERNEL, 0, mode="full", fig=fig)
    assert len(fig.axes) == 4
    assert fig.axes[0].get_xlim() == (-0.5, IMAGE.shape[1] + 2 * 2 - 0.5)  # padded by 2 columns
    assert len(fig.axes[0].patches) == 1  # the window of this frame only


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((IMAGE, KERNEL, 99), {}, ValueError, "step must be below"),
        ((IMAGE, KERNEL, -1), {}, ValueError, "step"),
        ((IMAGE, KERNEL, 1.0), {}, TypeError, "step"),
        ((IMAGE, KERNEL, 0), {"mode": "circular"}, ValueError, "mode"),
        ((IMAGE, KERNEL, 0), {"mode": 1}, TypeError, "mode"),
        ((IMAGE, KERNEL, 0), {"fig": "figure"}, TypeError, "fig"),
        ((IMAGE, np.ones((5, 5)), 0), {"mode": "valid"}, ValueError, "fit"),
        ((IMAGE[0], KERNEL, 0), {}, ValueError, "image must be 2-D"),
        ((IMAGE, [[np.nan]], 0), {}, ValueError, "kernel"),
    ],
)
def test_sliding_step_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        draw_sliding_step(*args, **kwargs)


# --------------------------------------------------------------------------
# animate
# --------------------------------------------------------------------------


def test_animate_calls_update_per_frame_and_closes_the_figure():
    fig, ax = plt.subplots(figsize=(1, 1))
    seen = []
    html = animate(fig, seen.append, frames=3, interval=100)
    assert "<script" in html.data and html.data.count("data:image/png;base64") >= 3
    assert set(seen) == {0, 1, 2}
    assert not plt.fignum_exists(fig.number)


def test_animate_accepts_frame_values_and_loops():
    fig, ax = plt.subplots(figsize=(1, 1))
    seen = []
    html = animate(fig, seen.append, frames=["a", "b"])
    assert seen == ["a", "b"]  # each frame drawn once, no extra first draw
    assert re.search(r'value="loop"[^>]*checked', html.data)


def test_animate_adds_escaped_alt_text():
    fig, _ = plt.subplots(figsize=(1, 1))
    html = animate(fig, lambda frame: None, frames=2, alt='a "kernel" <sliding>')
    assert 'alt="a &quot;kernel&quot; &lt;sliding&gt;" id="_anim_img' in html.data


def test_animate_with_the_sliding_step():
    fig = draw_sliding_step(IMAGE, KERNEL, 0, mode="valid")
    html = animate(fig, lambda s: draw_sliding_step(IMAGE, KERNEL, s, mode="valid", fig=fig),
                   frames=2)
    assert html.data.count("data:image/png;base64") >= 2


def test_animate_closes_the_figure_even_if_update_fails():
    fig, _ = plt.subplots(figsize=(1, 1))

    def broken(frame):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        animate(fig, broken, frames=2)
    assert not plt.fignum_exists(fig.number)


@pytest.mark.parametrize(
    ("fig", "update", "frames", "kwargs", "error", "match"),
    [
        ("fig", print, 2, {}, TypeError, "fig"),
        (None, "update", 2, {}, TypeError, "update"),
        (None, print, 0, {}, ValueError, "frames"),
        (None, print, [], {}, ValueError, "frames"),
        (None, print, True, {}, TypeError, "frames"),
        (None, print, 2.5, {}, TypeError, "frames"),
        (None, print, 2, {"interval": 0}, ValueError, "interval"),
        (None, print, 2, {"interval": "fast"}, TypeError, "interval"),
        (None, print, 2, {"alt": 3}, TypeError, "alt"),
    ],
)
def test_animate_rejects_bad_arguments(fig, update, frames, kwargs, error, match):
    figure = Figure() if fig is None else fig
    with pytest.raises(error, match=match):
        animate(figure, update, frames, **kwargs)


# --------------------------------------------------------------------------
# draw_flip_and_slide
# --------------------------------------------------------------------------


def unit_box(s):
    return (np.abs(s) <= 0.5).astype(float)


@pytest.mark.parametrize("shift, expected", [(0.0, 1.0), (0.5, 0.5), (-0.75, 0.25), (1.5, 0.0)])
def test_flip_and_slide_area_is_the_overlap_of_two_boxes(shift, expected):
    # Two unit boxes: c(x) = max(0, 1 - |x|), the triangle.
    area = plotting.draw_flip_and_slide(unit_box, unit_box, shift)
    assert area == pytest.approx(expected, abs=5e-3)


def test_flip_and_slide_flips_an_asymmetric_kernel():
    # g(t) = exp(-t) for t >= 0: c(x) = integral over the bar of exp(-(x - s)), 0 for x < -1/2.
    def decay(t):
        return np.where(t >= 0, np.exp(-np.maximum(t, 0)), 0.0)

    for shift in (-1.0, 0.0, 1.0, 2.0):
        exact = 0.0 if shift < -0.5 else (
            1 - np.exp(-(shift + 0.5)) if shift <= 0.5 else np.exp(-(shift - 0.5)) - np.exp(-(shift + 0.5)))
        assert plotting.draw_flip_and_slide(unit_box, decay, shift) == pytest.approx(exact, abs=5e-3)
    # Without the flip (correlation) the area at x = 1 would be 0: the kernel would point right.
    fig, axes = plt.subplots(2, 1)
    plotting.draw_flip_and_slide(unit_box, decay, 1.0, axes=axes)
    flipped = axes[0].lines[1].get_ydata()
    s = axes[0].lines[1].get_xdata()
    assert np.all(flipped[s > 1.0 + 1e-9] == 0) and flipped[np.argmin(np.abs(s - 0.0))] > 0


def test_flip_and_slide_traces_the_curve_up_to_the_shift():
    fig, axes = plt.subplots(2, 1)
    area = plotting.draw_flip_and_slide(unit_box, unit_box, 0.25, axes=axes, legend=False)
    faint, traced = axes[1].lines[0], axes[1].lines[1]
    x, c = faint.get_xdata(), faint.get_ydata()
    assert np.allclose(c, np.maximum(0, 1 - np.abs(x)), atol=5e-3), "the faint curve is the triangle"
    assert traced.get_xdata().max() == pytest.approx(0.25) and traced.get_ydata()[-1] == area
    assert axes[0].get_legend() is None
    # Redrawing on the same axes replaces the drawing (as an animation does).
    plotting.draw_flip_and_slide(unit_box, unit_box, 0.5, axes=axes)
    assert len(axes[1].lines) == 3 and axes[0].get_legend() is not None


def test_flip_and_slide_names_the_integration_variable():
    fig, axes = plt.subplots(2, 1)
    plotting.draw_flip_and_slide(unit_box, unit_box, 0.0, axes=axes)
    labels = [line.get_label() for line in axes[0].lines[:2]]
    assert labels == ["$f(s)$", "$g(x - s)$"] and axes[1].get_xlabel() == "$s$ and $x$"
    area = plotting.draw_flip_and_slide(unit_box, unit_box, 0.0, axes=axes, variable="u")
    labels = [line.get_label() for line in axes[0].lines[:2]]
    assert labels == ["$f(u)$", "$g(x - u)$"] and axes[1].get_xlabel() == "$u$ and $x$"
    assert "g(x - u)" in axes[0].collections[0].get_label()
    assert area == pytest.approx(1.0, abs=5e-3), "the name changes no number"
    plt.close(fig)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (("no", unit_box, 0.0), {}, TypeError, "f must be callable"),
        ((unit_box, unit_box, "0"), {}, TypeError, "shift"),
        ((unit_box, unit_box, 5.0), {}, ValueError, "shift must lie in"),
        ((unit_box, unit_box, 0.0), {"axes": "ab"}, TypeError, "axes"),
        ((unit_box, unit_box, 0.0), {"legend": 1}, TypeError, "legend"),
        ((unit_box, unit_box, 0.0), {"variable": 1}, TypeError, "variable must be a str"),
        ((unit_box, unit_box, 0.0), {"variable": "u$"}, ValueError, "letters"),
        ((lambda s: s[:-1], unit_box, 0.0), {}, ValueError, "same shape"),
        ((unit_box, lambda t: t / 0.0, 0.0), {}, ValueError, "NaN or infinite"),
    ],
)
def test_flip_and_slide_rejects_bad_arguments(args, kwargs, error, match):
    with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(error, match=match):
        plotting.draw_flip_and_slide(*args, **kwargs)
