"""Rosenblatt's perceptron: a step unit and its mistake-driven learning rule.

The unit predicts ``1`` when ``w . x + b >= 0`` and ``0`` otherwise. Whenever
it gets an example wrong it moves its weights towards (label 1) or away from
(label 0) that example: ``w += lr * (y - y_hat) * x``, ``b += lr * (y - y_hat)``.
The functions here run the rule, keep every intermediate state, and draw
the moving decision boundary.

Taught in: chapter 3.
"""

from __future__ import annotations

import numbers

import numpy as np

from helpers._validate import integer, real, real_array


def _check_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = real_array(x, "x", 2, dtype=None, allow_bool=False)
    y = np.ravel(real_array(y, "y", dtype=None, allow_bool=False))
    if y.size != x.shape[0]:
        raise ValueError(f"y has {y.size} labels but x has {x.shape[0]} rows")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 and 1 only")
    return x, y


def linearly_separable_data(
    n: int = 60,
    *,
    margin: float = 0.2,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square ``[-1, 1]^2`` on either side of a random line, with a gap.

    Parameters
    ----------
    n : int >= 2, default 60
        Number of points.
    margin : float >= 0, default 0.2
        No point lies closer than this to the (hidden) separating line.
    seed : int, optional
        Seed for a fresh generator. Give exactly one of ``seed`` and ``rng``.
    rng : numpy.random.Generator, optional

    Returns
    -------
    x : numpy.ndarray of float64, shape (n, 2)
    y : numpy.ndarray of float64, shape (n,)
        Labels 0 and 1; both classes are present.

    Raises
    ------
    TypeError
        If ``n`` is not an int or neither/both of ``seed``/``rng`` are given.
    ValueError
        If ``n < 2`` or ``margin`` is negative or 0.5 or more.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x, y = linearly_separable_data(20, seed=0)
    >>> x.shape, sorted(set(y.tolist()))
    ((20, 2), [0.0, 1.0])
    """
    n = integer(n, "n", minimum=1)
    if n < 2:
        raise ValueError(f"n must be >= 2 (one point per class), got {n}")
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real) or not 0 <= margin < 0.5:
        raise ValueError(f"margin must be a number in [0, 0.5), got {margin!r}")
    if (seed is None) == (rng is None):
        raise TypeError("linearly_separable_data needs exactly one of seed= or rng=")
    rng = np.random.default_rng(seed) if rng is None else rng
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.2, 0.2)
    points = []
    labels = []
    while len(points) < n:
        candidate = rng.uniform(-1, 1, size=2)
        distance = candidate @ normal + offset
        if abs(distance) < margin:
            continue
        label = float(distance > 0)
        # Alternate the classes so both are present whatever n is.
        if len(labels) < 2 and labels and labels[-1] == label:
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


def train_perceptron(
    x, y, *, lr: float = 1.0, epochs: int = 50, rng: np.random.Generator | None = None
) -> dict:
    """Run the perceptron learning rule from zero weights, recording every update.

    Each epoch visits every example once (shuffled if ``rng`` is given) and
    updates only on mistakes. Training stops after the first epoch without a
    mistake, or after ``epochs`` epochs.

    Parameters
    ----------
    x : array_like of float, shape (n, d)
    y : array_like of 0/1, n elements
    lr : float > 0, default 1.0
        Learning rate. From zero weights it only scales ``w`` and ``b``, so
        the predictions do not depend on it.
    epochs : int >= 1, default 50
        Most passes over the data.
    rng : numpy.random.Generator, optional
        Shuffles the visiting order each epoch.

    Returns
    -------
    dict
        ``"weights"``: array (k + 1, d), the weights before any update and
        after each of the k updates; ``"bias"``: array (k + 1,);
        ``"updated"``: array (k,) of the row index that caused each update;
        ``"mistakes"``: array (epochs run,) of mistakes per epoch;
        ``"converged"``: whether the last epoch had no mistake.

    Raises
    ------
    TypeError
        If an input is not numeric or ``rng`` is not a Generator.
    ValueError
        If shapes do not match, labels are not 0/1, or ``lr``/``epochs`` are
        not positive.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> result = train_perceptron(x, [0, 0, 0, 1])  # AND
    >>> bool(result["converged"])
    True
    """
    x, y = _check_xy(x, y)
    lr = real(lr, "lr", positive=True)
    epochs = integer(epochs, "epochs", minimum=1)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    weights, bias = np.zeros(x.shape[1]), 0.0
    all_weights, all_bias, updated, mistakes = [weights.copy()], [bias], [], []
    for _ in range(epochs):
        order = rng.permutation(len(y)) if rng is not None else range(len(y))
        count = 0
        for i in order:
            error = y[i] - float(x[i] @ weights + bias >= 0)  # -1, 0 or +1
            if error:
                weights = weights + lr * error * x[i]
                bias = bias + lr * error
                all_weights.append(weights.copy())
                all_bias.append(bias)
                updated.append(int(i))
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


def _check_history(history) -> None:
    if not isinstance(history, dict) or not {"weights", "bias", "updated"} <= history.keys():
        raise TypeError("history must be the dict that train_perceptron returned")


def _draw_state(ax, x, y, weights, bias, highlight=None, resolution=120):
    """Shade the two half-planes of one perceptron state and draw the points; return artists."""
    low, high = x.min(axis=0) - 0.2, x.max(axis=0) + 0.2
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    image = ax.imshow(
        (grid @ weights + bias >= 0).reshape(gx.shape).astype(float),
        extent=(low[0], high[0], low[1], high[1]), origin="lower", cmap="RdBu_r",
        vmin=0, vmax=1, alpha=0.25, aspect="auto",
    )
    for label, marker, colour in ((0, "o", "tab:blue"), (1, "^", "tab:red")):
        points = x[y == label]
        ax.scatter(points[:, 0], points[:, 1], marker=marker, c=colour, edgecolors="black",
                   linewidths=0.5, s=28, label=f"class {label}", zorder=3)
    (line,) = ax.plot([], [], color="black", lw=1.5)
    (ring,) = ax.plot([], [], "o", ms=13, mfc="none", mec="gold", mew=2.5, zorder=4)
    ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]), xlabel="$x_1$", ylabel="$x_2$")
    ax.set_aspect("equal")
    artists = (image, line, ring, grid, gx.shape, low, high)
    _update_state(artists, x, weights, bias, highlight)
    return artists


def _update_state(artists, x, weights, bias, highlight) -> None:
    image, line, ring, grid, shape, low, high = artists
    image.set_data((grid @ weights + bias >= 0).reshape(shape).astype(float))
    w1, w2 = weights
    if abs(w2) >= abs(w1) and w2 != 0:  # boundary w1 x1 + w2 x2 + b = 0 as x2(x1)
        xs = np.array([low[0], high[0]])
        line.set_data(xs, -(w1 * xs + bias) / w2)
    elif w1 != 0:  # as x1(x2)
        ys = np.array([low[1], high[1]])
        line.set_data(-(w2 * ys + bias) / w1, ys)
    else:
        line.set_data([], [])
    if highlight is None:
        ring.set_data([], [])
    else:
        ring.set_data([x[highlight, 0]], [x[highlight, 1]])


def plot_perceptron_snapshots(x, y, history: dict, steps) -> object:
    """A row of panels: the perceptron's boundary after chosen numbers of updates.

    Parameters
    ----------
    x : array_like of float, shape (n, 2)
    y : array_like of 0/1, n elements
    history : dict
        What :func:`train_perceptron` returned for ``x`` and ``y``.
    steps : sequence of int
        Update counts to show (0 is the start; ``-1`` the last state).
        The example behind each update is ringed in gold.

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

    x, y = _check_xy(x, y)
    _check_history(history)
    if x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {x.shape}")
    total = len(history["bias"])
    steps = [int(s) % total if -total <= int(s) < total else None for s in steps]
    if not steps or None in steps:
        raise ValueError(f"steps must be update counts between 0 and {total - 1}")
    fig, axes = plt.subplots(1, len(steps), figsize=(2.6 * len(steps), 2.9), squeeze=False)
    for ax, step in zip(axes[0], steps, strict=True):
        ringed = history["updated"][step - 1] if step else None
        _draw_state(ax, x, y, history["weights"][step], history["bias"][step], ringed)
        ax.set_title(f"after {step} update{'s' if step != 1 else ''}")
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    fig.tight_layout()
    return fig


def animate_perceptron(x, y, history: dict, *, max_frames: int = 20, interval: int = 400):
    """An animation of the perceptron's boundary, one frame per update.

    The result plays in JupyterLab and on the website alike (JavaScript
    frames, no kernel needed). It uses :func:`helpers.plotting.animate`
    where that exists, and :mod:`matplotlib.animation` otherwise.

    Parameters
    ----------
    x : array_like of float, shape (n, 2)
    y : array_like of 0/1, n elements
    history : dict
        What :func:`train_perceptron` returned for ``x`` and ``y``.
    max_frames : int, default 20
        With more updates than this, evenly spaced ones are shown (always
        the first and last).
    interval : int, default 400
        Milliseconds per frame.

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

    x, y = _check_xy(x, y)
    _check_history(history)
    if x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {x.shape}")
    max_frames = integer(max_frames, "max_frames", minimum=1)
    interval = integer(interval, "interval", minimum=1)
    total = len(history["bias"])
    frames = np.unique(np.linspace(0, total - 1, min(total, max_frames)).round().astype(int))
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    artists = _draw_state(ax, x, y, history["weights"][0], history["bias"][0])
    title = ax.set_title("")

    def update(step):
        ringed = history["updated"][step - 1] if step else None
        _update_state(artists, x, history["weights"][step], history["bias"][step], ringed)
        title.set_text(f"after {step} of {total - 1} updates")
        return artists[:3] + (title,)

    try:
        from helpers.plotting import animate
    except ImportError:
        animate = None
    try:
        if animate is not None:
            html = animate(fig, update, frames=list(frames), interval=interval)
        else:
            from IPython.display import HTML
            from matplotlib.animation import FuncAnimation

            animation = FuncAnimation(fig, update, frames=list(frames), interval=interval, blit=False)
            html = HTML(animation.to_jshtml(default_mode="once"))
    finally:
        plt.close(fig)
    return html
