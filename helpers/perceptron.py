"""Rosenblatt's perceptron: a step unit and its mistake-driven learning rule.

The unit predicts 1 when ``w . x + b >= 0``, else 0; on a mistake it moves by
``w += lr * (y - y_hat) * x``, ``b += lr * (y - y_hat)``. Here: the rule, with
every state kept, and the moving decision boundary drawn.

Taught in: chapter 3.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import integer, real, real_array
from helpers.nn import _check_labelled, _scatter_classes


def linearly_separable_data(
    n: int = 60, *, margin: float = 0.2, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points in ``[-1, 1]^2`` on either side of a random line, with a gap around it.

    Parameters
    ----------
    n : int >= 2, default 60
    margin : float in [0, 0.5), default 0.2
        No point lies closer than this to the (hidden) line.
    seed : int

    Returns
    -------
    x : numpy.ndarray of float64, shape (n, 2)
    y : numpy.ndarray of float64, shape (n,)
        Labels 0 and 1, both present.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an int, or ``margin`` not a number.
    ValueError
        If ``n < 2``, ``margin`` is outside [0, 0.5) or ``seed < 0``.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x, y = linearly_separable_data(20, seed=0)
    >>> x.shape, sorted(set(y.tolist()))
    ((20, 2), [0.0, 1.0])
    """
    n = integer(n, "n", minimum=2)
    margin = real(margin, "margin")
    if not 0 <= margin < 0.5:
        raise ValueError(f"margin must be in [0, 0.5), got {margin}")
    rng = np.random.default_rng(integer(seed, "seed", minimum=0))
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.2, 0.2)
    points, labels = [], []
    while len(points) < n:
        candidate = rng.uniform(-1, 1, size=2)
        distance = candidate @ normal + offset
        if abs(distance) < margin:
            continue
        label = float(distance > 0)
        if len(labels) == 1 and labels[0] == label:  # the first two differ: both classes present
            continue
        points.append(candidate)
        labels.append(label)
    return np.array(points), np.array(labels)


def predict_perceptron(weights, bias, x) -> np.ndarray:
    """The perceptron's class for each row: ``1`` where ``x @ weights + bias >= 0``.

    Parameters
    ----------
    weights : array_like of float, shape (d,)
    bias : float
    x : array_like of float, shape (n, d)

    Returns
    -------
    numpy.ndarray of int, shape (n,)

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If the shapes do not match or an input holds NaN.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> predict_perceptron([1.0, 1.0], -1.5, [[1, 1], [0, 1]])
    array([1, 0])
    """
    weights = real_array(weights, "weights", 1, dtype=None, allow_bool=False)
    bias = float(real_array(bias, "bias", 0, dtype=None, allow_bool=False))
    x = real_array(x, "x", 2, dtype=None, allow_bool=False)
    if x.shape[1] != weights.size:
        raise ValueError(f"x has {x.shape[1]} features but weights has {weights.size}")
    return (x @ weights + bias >= 0).astype(int)


def train_perceptron(x, y, *, lr: float = 1.0, epochs: int = 50) -> dict:
    """Run the perceptron rule from zero weights, in row order, recording every update.

    Training stops after the first epoch without a mistake, or after ``epochs``.

    Parameters
    ----------
    x : array_like of float, shape (n, d)
    y : array_like of 0/1, n elements
    lr : float > 0, default 1.0
        Learning rate; from zero weights it scales ``w`` and ``b`` but not the predictions.
    epochs : int >= 1, default 50

    Returns
    -------
    dict
        ``"weights"`` (k + 1, d) and ``"bias"`` (k + 1,): the start and the state after each
        of the k updates; ``"updated"`` (k,): the row behind each update; ``"mistakes"``:
        per epoch run; ``"converged"``: whether the last epoch had none.

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If shapes do not match, labels are not 0/1, or ``lr``/``epochs`` are not positive.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> bool(train_perceptron([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])["converged"])  # AND
    True
    """
    x, y = _check_labelled(x, y)
    lr = real(lr, "lr", positive=True)
    epochs = integer(epochs, "epochs", minimum=1)
    weights, bias = np.zeros(x.shape[1]), 0.0
    all_weights, all_bias, updated, mistakes = [weights], [bias], [], []
    for _ in range(epochs):
        count = 0
        for i in range(len(y)):
            error = y[i] - float(x[i] @ weights + bias >= 0)  # -1, 0 or +1
            if error:
                weights = weights + lr * error * x[i]
                bias = bias + lr * error
                all_weights.append(weights)
                all_bias.append(bias)
                updated.append(i)
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return {
        "weights": np.array(all_weights),
        "bias": np.array(all_bias),
        "updated": np.array(updated, dtype=int),
        "mistakes": np.array(mistakes, dtype=int),
        "converged": mistakes[-1] == 0,
    }


def _check_run(x, y, history) -> tuple[np.ndarray, np.ndarray]:
    x, y = _check_labelled(x, y, plane=True)
    if not isinstance(history, dict) or not {"weights", "bias", "updated"} <= history.keys():
        raise TypeError("history must be the dict that train_perceptron returned")
    return x, y


def _draw_state(ax, x, y, history, step) -> None:
    """The points, half-planes and boundary after ``step`` updates, its example ringed in gold."""
    weights, bias = history["weights"][step], history["bias"][step]
    low, high = x.min(axis=0) - 0.2, x.max(axis=0) + 0.2
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], 120), np.linspace(low[1], high[1], 120))
    values = gx * weights[0] + gy * weights[1] + bias
    ax.imshow((values >= 0).astype(float), extent=(low[0], high[0], low[1], high[1]),
              origin="lower", cmap="RdBu_r", vmin=0, vmax=1, alpha=0.25, aspect="auto")
    if values.min() < 0 < values.max():
        ax.contour(gx, gy, values, levels=[0], colors="black", linewidths=1.5)
    _scatter_classes(ax, x, y, 28)
    if step:
        ax.plot(*x[history["updated"][step - 1]], "o", ms=13, mfc="none", mec="gold", mew=2.5,
                zorder=4)
    ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]), xlabel="$x_1$", ylabel="$x_2$")
    ax.set_aspect("equal")


def plot_perceptron_snapshots(x, y, history: dict, steps) -> object:
    """A row of panels: the boundary after chosen numbers of updates.

    Parameters
    ----------
    x : array_like of float, shape (n, 2)
    y : array_like of 0/1, n elements
    history : dict
        What :func:`train_perceptron` returned for ``x`` and ``y``.
    steps : sequence of int
        Update counts (0: the start, -1: the end); the example behind each is ringed in gold.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``history`` is not a training record.
    ValueError
        If ``x`` is not (n, 2), or a step is out of range.

    Notes
    -----
    Taught in: chapter 3.
    """
    import matplotlib.pyplot as plt

    x, y = _check_run(x, y, history)
    total = len(history["bias"])
    steps = [int(s) % total if -total <= int(s) < total else None for s in steps]
    if not steps or None in steps:
        raise ValueError(f"steps must be update counts between 0 and {total - 1}")
    fig, axes = plt.subplots(1, len(steps), figsize=(2.6 * len(steps), 2.9), squeeze=False)
    for ax, step in zip(axes[0], steps, strict=True):
        _draw_state(ax, x, y, history, step)
        ax.set_title(f"after {step} update{'s' if step != 1 else ''}")
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    fig.tight_layout()
    return fig


def animate_perceptron(x, y, history: dict):
    """The boundary moving update by update, at most 20 frames (:func:`helpers.plotting.animate`).

    Parameters
    ----------
    x, y, history
        As for :func:`plot_perceptron_snapshots`.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    TypeError, ValueError
        As :func:`plot_perceptron_snapshots`.

    Notes
    -----
    Taught in: chapter 3.
    """
    import matplotlib.pyplot as plt

    from helpers.plotting import animate

    x, y = _check_run(x, y, history)
    total = len(history["bias"])
    frames = np.unique(np.linspace(0, total - 1, min(total, 20)).round().astype(int)).tolist()
    fig, ax = plt.subplots(figsize=(4.2, 4.2))

    def update(step):
        ax.clear()
        _draw_state(ax, x, y, history, step)
        ax.set_title(f"after {step} of {total - 1} updates")

    return animate(fig, update, frames=frames, interval=400)
