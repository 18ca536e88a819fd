"""Self-checks for the code exercises: ``check_exercise("ch2-laplacian")``.

The student edition ends every code exercise with a cell that calls
:func:`check_exercise`. The check computes the expected answer itself, from the
exercise's data with library code (NumPy, SciPy, Keras and the validated
``helpers``), and prints a verdict: right, or wrong and, where it can tell, why
(the wrong shape, a flipped kernel...). It never prints the expected value.
Without an explicit answer it reads the variables the exercise names
(:data:`CHECKS`) from the notebook, and says what to store while they are missing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

from helpers import images, kernels, nn, perceptron

__all__ = ["CHECKS", "Check", "Wrong", "check_exercise", "evaluate", "instruction"]

_MISSING = object()


class Wrong(Exception):
    """Raised by a check function: the answer is wrong, and the message says why.

    Notes
    -----
    Taught in: no chapter (used by the checks, to say what is wrong).
    """


@dataclass(frozen=True)
class Check:
    """One exercise's self-check.

    Attributes
    ----------
    label : str
        The exercise's label (``chN-short-words``).
    names : tuple of str
        The variables the answer is read from, in order.
    what : str
        What the answer is, in a few words (shown in the student edition).
    function : callable
        Takes one argument per name; raises :class:`Wrong` with the reason when
        the answer is wrong, returns a short remark (or ``None``) when it is right.

    Notes
    -----
    Taught in: no chapter (used by check_exercise, one registered check).
    """

    label: str
    names: tuple[str, ...]
    what: str
    function: Callable[..., str | None]


#: Every self-check, by exercise label.
CHECKS: dict[str, Check] = {}


def _register(label: str, names: str | tuple[str, ...], what: str):
    names = (names,) if isinstance(names, str) else tuple(names)

    def decorate(function):
        if label in CHECKS:
            raise ValueError(f"two checks for the exercise {label!r}")
        CHECKS[label] = Check(label, names, what, function)
        return function

    return decorate


def _get(label: str) -> Check:
    if not isinstance(label, str):
        raise TypeError(f"label must be a str such as 'ch2-laplacian', got {type(label).__name__}")
    if label not in CHECKS:
        raise ValueError(f"no self-check for the exercise {label!r}; the exercises with a check "
                         "are: " + ", ".join(sorted(CHECKS)))
    return CHECKS[label]


def _names(names) -> str:
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def instruction(label: str) -> str:
    """The sentence the student edition puts before an exercise's check cell (Markdown).

    Notes
    -----
    Taught in: no chapter (used by tools/student_edition.py).
    """
    check = _get(label)
    return (f"**Check your answer.** Store it in {_names(check.names)}: {check.what}. Then run "
            "the cell below. It computes the expected answer itself and says whether yours is "
            "right and, when it can tell, what is wrong, without showing the expected answer.")


def evaluate(label: str, answer: Any) -> tuple[bool, str]:
    """``(right, message)`` for an answer, without printing. ``label`` must be registered.

    Notes
    -----
    Taught in: no chapter (used by check_exercise and the tests).
    """
    check = _get(label)
    try:
        if len(check.names) == 1:
            remark = check.function(answer)
        elif isinstance(answer, (tuple, list)) and len(answer) == len(check.names):
            remark = check.function(*answer)
        else:
            raise Wrong("the answer should be the tuple (" + ", ".join(check.names) + ").")
    except Wrong as reason:
        return False, f"Not yet: {reason}"
    return True, "Right." + (f" {remark}" if remark else "")


def check_exercise(label: str, answer: Any = _MISSING) -> bool:
    """Check an answer to a code exercise; print the verdict and return whether it is right.

    Parameters
    ----------
    label : str
        The exercise's label, e.g. ``"ch2-laplacian"``.
    answer : optional
        One value, or a tuple in the order of the check's ``names``. Omitted, it
        is read from the calling notebook's variables that the exercise names.

    Returns
    -------
    bool
        ``True`` if the answer is right; ``False`` if it is wrong or not stored yet.

    Raises
    ------
    ValueError
        If ``label`` has no check (the message lists those that do).
    TypeError
        If ``label`` is not a string.

    Examples
    --------
    >>> import numpy as np
    >>> check_exercise("ch2-laplacian", np.zeros(16))
    Not yet: your row differs from the Laplacian of the step by up to 1.
    False

    Notes
    -----
    Taught in: no chapter (used by the student edition's check cells).
    """
    check = _get(label)
    if answer is _MISSING:
        namespace = sys._getframe(1).f_globals  # the calling notebook's variables
        if any(name not in namespace for name in check.names):
            print(f"No answer yet: store your answer in {_names(check.names)} ({check.what}), "
                  "then run this cell again.")
            return False
        values = tuple(namespace[name] for name in check.names)
        answer = values[0] if len(values) == 1 else values
    right, message = evaluate(label, answer)
    print(message)
    return right


# ------------------------------------------------------------------------------ tools


def _array(value, name: str, shape: tuple[int, ...] | None = None, hint: str = "") -> np.ndarray:
    """``value`` as a float array (of ``shape``, if given), or Wrong saying what it is."""
    if callable(value) and not isinstance(value, np.ndarray):
        raise Wrong(f"`{name}` is a function; store its result, an array.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be an array of numbers, "
                    f"not {type(value).__name__}.") from None
    if shape is not None:
        _shape(array, shape, name, hint)
    return array


def _shape(array: np.ndarray, expected: tuple[int, ...], name: str, hint: str = "") -> None:
    if array.shape != tuple(expected):
        raise Wrong(f"`{name}` has shape {array.shape}, expected {tuple(expected)}."
                    + (f" {hint}" if hint else ""))


def _close(a, b, rtol: float = 1e-7, atol: float = 1e-9) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _magnitude_mistakes(answer, gx, gy, fixes: tuple[str, str, str], **tol) -> None:
    """Raise Wrong if a gradient magnitude is squared, of one direction or scaled; ``fixes``
    says how to mend each."""
    expected = np.hypot(gx, gy)
    if _close(answer, expected**2, **tol):
        raise Wrong(f"your values are the squared magnitude: {fixes[0]}")
    if any(_close(np.abs(answer), np.abs(g), **tol) for g in (gx, gy)):
        raise Wrong(f"your values use one direction only: {fixes[1]}")
    if answer.shape == expected.shape and np.any(expected):     # answer = c * expected?
        c = float(np.vdot(answer, expected) / np.vdot(expected, expected))
        if abs(c - 1) > 1e-6 and _close(answer, c * expected, 1e-6, 1e-9 * max(1.0, abs(c))):
            raise Wrong(f"your values are {c:.4g} times the magnitude: {fixes[2]}")


def _number(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise Wrong(f"`{name}` should be a number, not {value!r}.")
    try:
        number = float(np.asarray(value).item())
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be a single number, not {type(value).__name__}.") from None
    if not np.isfinite(number):
        raise Wrong(f"`{name}` is {number}, not a finite number.")
    return number


def _mapping(value, name: str, keys) -> dict:
    if not isinstance(value, dict):
        raise Wrong(f"`{name}` should be a dict, not {type(value).__name__}.")
    missing = [k for k in keys if k not in value]
    extra = [k for k in value if k not in keys]
    if missing or extra:
        raise Wrong(f"`{name}` should have exactly the keys {list(keys)}"
                    + (f"; missing {missing}" if missing else "")
                    + (f"; unexpected {extra}" if extra else "") + ".")
    return value


# ------------------------------------------------------------------------ chapter 1


@_register("ch1-correlation-from-convolution", "my_correlate2d",
           "the function itself, not a result of it; the check calls `my_correlate2d(image, "
           "kernel)` on random images and kernels of its own")
def _ch1_correlation(answer):
    if not callable(answer):
        raise Wrong("`my_correlate2d` should be a function of (image, kernel), "
                    f"not {type(answer).__name__}.")
    rng = np.random.default_rng(2024)
    for shape, kshape in [((6, 8), (3, 4)), ((5, 5), (2, 3))]:
        image, kernel = rng.random(shape), rng.random(kshape)
        try:
            result = answer(image.copy(), kernel.copy())
        except Exception as error:  # the reader's code failed: say how
            raise Wrong(f"my_correlate2d raised {type(error).__name__}: {error}") from None
        result = _array(result, "my_correlate2d(image, kernel)")
        expected = signal.correlate2d(image, kernel)          # mode "full"
        for mode in ("same", "valid"):
            if result.shape != expected.shape and (
                    result.shape == signal.correlate2d(image, kernel, mode=mode).shape):
                raise Wrong(f"on a {shape} image and a {kshape} kernel your output has shape "
                            f"{result.shape}, the size of mode '{mode}': the exercise asks for "
                            "the full correlation, as convolve_shift_add's full convolution.")
        _shape(result, expected.shape, "my_correlate2d(image, kernel)")
        if _close(result, expected):
            continue
        if _close(result, signal.convolve2d(image, kernel)):
            raise Wrong("your function computes the convolution, not the correlation: "
                        "the kernel must be turned around first.")
        for flipped, axis in [(kernel[::-1], "rows only"), (kernel[:, ::-1], "columns only")]:
            if _close(result, signal.convolve2d(image, flipped)):
                raise Wrong(f"your kernel is flipped along one axis ({axis}): flip it along both.")
        raise Wrong(f"on a random {shape} image and {kshape} kernel your result differs from "
                    f"the full correlation by up to {np.abs(result - expected).max():.3g}.")
    return "Your function agrees with scipy.signal.correlate2d on random images and kernels."


@_register("ch1-which-maps", "is_convolution",
           'a dict from `"square"`, `"vignette"`, `"transpose"` and `"box"` to `True` or `False`')
def _ch1_which_maps(answer):
    vignette = 0.5 + 0.5 * np.outer(np.hanning(16), np.hanning(16))
    box = np.full((3, 3), 1 / 9)
    maps = {"square": np.square, "vignette": lambda x: vignette * x, "transpose": np.transpose,
            "box": lambda x: signal.convolve2d(x, box, mode="same", boundary="wrap")}
    answer = _mapping(answer, "is_convolution", tuple(maps))
    for key, value in answer.items():
        if not isinstance(value, (bool, np.bool_)):
            raise Wrong(f'is_convolution["{key}"] should be True or False, not {value!r}.')
    a, b = np.random.default_rng(7).normal(size=(2, 16, 16))
    wrong = 0
    for name, T in maps.items():
        linear = np.allclose(T(2 * a - 3 * b), 2 * T(a) - 3 * T(b))
        equivariant = all(np.allclose(T(np.roll(a, s, axis=(0, 1))), np.roll(T(a), s, axis=(0, 1)))
                          for s in [(3, 1), (1, 5), (0, 2)])
        wrong += bool(answer[name]) != (linear and equivariant)
    if wrong:
        raise Wrong(f"{wrong} of the 4 answers are wrong. A map is a convolution only if it is "
                    "both linear and shift-equivariant: test each property on random images, with "
                    "shifts along both axes by different amounts.")


# ------------------------------------------------------------------------ chapter 2


def _same(image, kernel):
    """The chapter's filtering: a correlation the image's size, mirrored at the borders."""
    return signal.correlate2d(image, kernel, mode="same", boundary="symm")


@_register("ch2-prewitt", "prewitt_magnitude",
           "the Prewitt gradient magnitude of the chapter's photo `image`, an array of the "
           "photo's shape")
def _ch2_prewitt(answer):
    answer, image = _array(answer, "prewitt_magnitude"), images.sample_image(256)
    prewitt = np.outer([1.0, 1.0, 1.0], [-1.0, 0.0, 1.0])
    gx, gy = _same(image, prewitt), _same(image, prewitt.T)
    expected = np.hypot(gx, gy)
    _shape(answer, expected.shape, "prewitt_magnitude",
           "that is the size of a 'valid' correlation: use mode='same' as the chapter does for "
           "Sobel." if answer.shape == (254, 254) else "compute it on the chapter's photo `image`.")
    if _close(answer, expected):
        return ("It matches the two correlations with P_x and its transpose, mirrored at "
                "the borders.")
    _magnitude_mistakes(answer, gx, gy, (
        "take the square root (np.hypot does both).",
        "combine the horizontal and vertical responses.",
        "use P_x as given, with weights -1, 0, 1 and no normalisation."))
    sobel = kernels.sobel("x")
    if _close(answer, np.hypot(_same(image, sobel), _same(image, sobel.T))):
        raise Wrong("that is Sobel's magnitude: Prewitt has the weight 1 where Sobel has 2.")
    if _close(answer[1:-1, 1:-1], expected[1:-1, 1:-1]):
        raise Wrong("the inside is right but the border pixels are not: pad the way the chapter "
                    "does for Sobel (boundary='symm', a mirror).")
    raise Wrong("your magnitude differs from the expected one by up to "
                f"{np.abs(answer - expected).max():.3g}.")


@_register("ch2-laplacian", "laplacian_step",
           "the middle row (row 8) of the filtered step edge, a 1-D array of 16 values")
def _ch2_laplacian(answer):
    answer, edge = _array(answer, "laplacian_step"), images.step_edge()
    expected = _same(edge, np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]))[8]
    if answer.ndim == 2:
        raise Wrong(f"`laplacian_step` is a 2-D array of shape {answer.shape}: "
                    "store only the middle row.")
    _shape(answer, expected.shape, "laplacian_step",
           "14 values is the size of a 'valid' filtering: keep the image's size "
           "(filters.apply_kernel does)." if answer.shape == (14,) else "")
    if _close(answer, expected):
        return "Now find the edge in it: where does the response change sign?"
    if _close(answer, -expected):
        raise Wrong("your response has the opposite sign: the centre weight of L is -4, "
                    "its four neighbours +1.")
    if _close(answer, _same(edge, kernels.sobel("x"))[8]):
        raise Wrong("that is the Sobel response: apply the Laplacian kernel L.")
    if _close(answer[1:-1], expected[1:-1]):
        raise Wrong("the inside is right but the ends are not: mirror the image at its borders "
                    "(boundary='symm', the default of filters.apply_kernel).")
    raise Wrong("your row differs from the Laplacian of the step by up to "
                f"{np.abs(answer - expected).max():.3g}.")


@_register("ch2-unsharp", "single_kernel",
           "the 9x9 kernel that does unsharp masking in one filtering")
def _ch2_unsharp(answer):
    answer = _array(answer, "single_kernel", (9, 9), "Use the 9x9 Gaussian of width 1.5.")
    amount, gaussian = 1.5, kernels.gaussian(9, sigma=1.5)
    image = images.sample_image(256)[96:160, 96:160]
    unsharp = image + amount * (image - _same(image, gaussian))
    once = _same(image, answer)
    if _close(once, unsharp):
        return "Filtering once with it gives unsharp masking. What do its weights sum to, and why?"
    total = float(answer.sum())
    if abs(total) < 1e-9:
        raise Wrong("your kernel's weights sum to 0: it gives only the detail f - f*G (times a); "
                    "the image itself must be added back.")
    identity = np.pad([[1.0]], 4)
    detail = identity - gaussian
    for a in (1.0, 0.5, 2.0, 2.5):
        if _close(answer, identity + a * detail):
            raise Wrong(f"your kernel sharpens by the amount {a}: the exercise asks for "
                        f"a = {amount}.")
    if _close(answer, identity - amount * detail):
        raise Wrong("your kernel blurs instead of sharpening: the detail is added, not subtracted.")
    raise Wrong(f"filtering once with your kernel differs from f + a (f - f*G) by up to "
                f"{np.abs(once - unsharp).max():.3g} (your weights sum to {total:.4g}).")

# ------------------------------------------------------------------------ chapter 3


_GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}


@_register("ch3-logic-gates", "epochs_needed",
           'a dict from `"AND"`, `"OR"` and `"NAND"` to the number of epochs each needed, '
           '`None` for a gate that never converged')
def _ch3_logic_gates(answer):
    answer = _mapping(answer, "epochs_needed", tuple(_GATES))
    x, _ = nn.xor_data()
    problems = []
    for gate, labels in _GATES.items():
        run = perceptron.train_perceptron(x, np.array(labels, dtype=float), epochs=20)
        expected = len(run["mistakes"]) if run["converged"] else None
        given = answer[gate]
        if given is not None and (isinstance(given, (bool, np.bool_))
                                  or not float(given).is_integer()):
            problems.append(f"{gate}: {given!r} is not a whole number of epochs")
        elif given == expected:
            continue
        elif expected is None:
            problems.append(f"{gate}: check whether it really converged")
        elif given is None:
            problems.append(f"{gate}: it does converge within 20 epochs")
        elif given == expected - 1:
            problems.append(f"{gate}: off by one; count the final epoch without a mistake too")
        elif given == expected + 1:
            problems.append(f"{gate}: off by one; stop counting at the first epoch without "
                            "a mistake")
        else:
            problems.append(f"{gate}: not the number of epochs the perceptron needs from "
                            "zero weights")
    if problems:
        raise Wrong("; ".join(problems) + ".")


def _moons():
    x, y = nn.make_moons(200, noise=0.2, seed=0)
    return x, y, ["tanh", "tanh", "sigmoid"], nn.init_params([2, 8, 8, 1], seed=0)


@_register("ch3-gradient-bug", "buggy_error",
           "the relative error between your buggy gradient and `numerical_gradient`, one number")
def _ch3_gradient_bug(answer):
    error = _number(answer, "buggy_error")
    x, y, acts, params = _moons()
    y = y.reshape(-1, 1)
    cache = nn.forward(params, x, acts)
    As = cache["a"]                                # [x, a1, ..., aL]
    delta = (As[-1] - y) / y.size
    buggy = []
    for layer in range(len(params), 0, -1):       # back-propagation without phi'(Z)
        buggy.insert(0, (As[layer - 1].T @ delta, delta.sum(axis=0)))
        if layer > 1:
            delta = delta @ params[layer - 1][0].T
    numeric = nn.numerical_gradient(params, x, y, acts, "bce")
    expected = nn.relative_error(buggy, numeric)
    correct = nn.relative_error(nn.backward(params, cache, y, "bce"), numeric)
    if error < 1e3 * correct:
        raise Wrong(f"an error this small ({error:.1e}) means your gradient is still correct: "
                    "leave out the slope of the activation when the error moves down a layer.")
    if abs(error - expected) <= 1e-6 * expected:
        return "Now compare the layers one at a time: which one is still right?"
    raise Wrong(f"your relative error ({error:.3g}) is not the one the bug the exercise "
                "describes gives: forget only phi'(Z) in the step down, on the moons network at "
                "`moons_init`.")


@_register("ch3-learning-rate", "final_losses_by_lr",
           "a dict from each learning rate (0.03, 0.3, 3 and 30) to the last loss of its "
           "300-epoch run")
def _ch3_learning_rate(answer):
    rates = (0.03, 0.3, 3.0, 30.0)
    answer = _mapping(answer, "final_losses_by_lr", rates)
    x, y, acts, params = _moons()
    problems = []
    for lr in rates:
        given = _number(answer[lr], f"final_losses_by_lr[{lr}]")
        _, history = nn.train(params, x, y, acts, loss="bce", lr=lr, epochs=301)
        if np.isclose(given, history[299], rtol=1e-6):
            continue
        if np.isclose(given, history[0], rtol=1e-9):
            problems.append(f"lr {lr}: that is the loss before training")
        elif np.any(np.isclose(given, history[[298, 300]], rtol=1e-6)):
            problems.append(f"lr {lr}: one epoch off; store the last loss of a 300-epoch run")
        else:
            problems.append(f"lr {lr}: not the final loss of 300 epochs from `moons_init`")
    if problems:
        raise Wrong("; ".join(problems) + ".")
    return "What goes wrong with the smallest and the largest rate?"


@_register("ch3-float32", "float32_diff",
           "the largest difference between the float32 losses of Keras and of `train`, one number")
def _ch3_float32(answer):
    import keras

    diff = _number(answer, "float32_diff")
    if diff < 1e-12:
        raise Wrong(f"a difference of {diff:.1e} is float64 rounding or less: did both runs really "
                    "use float32 (keras.config.set_floatx, and float32 parameters and data)?")
    x, y, acts, params = _moons()
    init32 = [(W.astype(np.float32), b.astype(np.float32)) for W, b in params]
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    previous = keras.config.floatx()
    keras.config.set_floatx("float32")
    try:
        layers = [keras.layers.Dense(units, activation=a)
                  for units, a in zip((8, 8, 1), acts, strict=True)]
        model = keras.Sequential([keras.Input(shape=(2,)), *layers])
        model.set_weights([w for layer in init32 for w in layer])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.3), loss="binary_crossentropy")
        losses = np.array([float(model.train_on_batch(x32, y32)) for _ in range(200)])
    finally:
        keras.config.set_floatx(previous)
    _, history = nn.train(init32, x32, y32, acts, loss="bce", lr=0.3, epochs=200)
    expected = float(np.abs(losses - history).max())
    if not 0.1 * expected <= diff <= 10 * expected:
        raise Wrong(f"your difference ({diff:.1e}) is not of the order of this check's own float32 "
                    "run of the same comparison: compare 200 train_on_batch losses with `train` on "
                    "the float32 copy of `moons_init` at learning rate 0.3.")
    return "Compare it with float32's machine epsilon."

# ------------------------------------------------------------------------ chapter 4


@_register("ch4-strided-channels-gradient",
           ("x_in", "K_strided", "strided_kernel_grad", "strided_input_grad"),
           "your input (shape `(1, 9, 11, 3)`), your layer's kernel (shape `(3, 3, 3, 2)`) and "
           "the two gradients you computed, in that order")
def _ch4_strided(x, kernel, grad_k, grad_x):
    def one_input(value, name, hint=""):     # shape (9, 11, 3), with or without the batch axis
        array = _array(value, name)
        array = array[0] if array.ndim == 4 and array.shape[0] == 1 else array
        return _array(array, name, (9, 11, 3), hint)

    x = one_input(x, "x_in", "One 9x11 input with 3 channels, (1, 9, 11, 3) with the batch axis.")
    kernel = _array(kernel, "K_strided", (3, 3, 3, 2),
                    "Keras stores (rows, cols, in channels, out channels).")
    grad_k = _array(grad_k, "strided_kernel_grad", (3, 3, 3, 2))
    grad_x = one_input(grad_x, "strided_input_grad")

    def gradients(stride):
        windows = sliding_window_view(x, (3, 3), axis=(0, 1))[::stride, ::stride]  # (i, j, c, m, n)
        y = np.einsum("ijcmn,mnco->ijo", windows, kernel)                        # delta = y
        dk = np.einsum("ijcmn,ijo->mnco", windows, y)
        dx = np.zeros_like(x)
        rows, cols = y.shape[:2]
        for m in range(3):
            for n in range(3):
                dx[m:m + stride * rows:stride, n:n + stride * cols:stride] += np.einsum(
                    "co,ijo->ijc", kernel[m, n], y)
        return dk, dx

    (dk, dx), tol = gradients(2), dict(rtol=1e-6, atol=1e-9)
    stride_1 = "is the stride-1 layer's: keep only every second output in delta, zeros elsewhere"
    problems = []
    if not _close(grad_k, dk, **tol):
        if _close(grad_k, dk[::-1, ::-1], **tol):
            problems.append("your kernel gradient is turned by 180 degrees (a convolution where a "
                            "correlation belongs, or the other way round)")
        elif _close(grad_k, gradients(1)[0], **tol):
            problems.append(f"your kernel gradient {stride_1}")
        else:
            problems.append("your kernel gradient is wrong")
    if not _close(grad_x, dx, **tol):
        problems.append(f"your input gradient {stride_1}" if _close(grad_x, gradients(1)[1], **tol)
                        else "your input gradient is wrong (each input channel sums over both "
                        "output channels)")
    if problems:
        raise Wrong("; ".join(problems) + ".")
    return "Both gradients agree with the strided layer's."


# ------------------------------------------------------------------------ chapter 5


def _ch5_problem():
    photo = images.sample_image(128)
    return photo, signal.correlate2d(photo, kernels.sobel("x"), mode="valid")


def _least_squares(photo, target, size):
    patches = sliding_window_view(photo, (size, size)).reshape(-1, size * size)
    return np.linalg.lstsq(patches, target.ravel(), rcond=None)[0].reshape(size, size), patches


@_register("ch5-too-many-weights", "kernel_5x5", "the 5x5 least-squares kernel")
def _ch5_too_many(answer):
    answer = _array(answer, "kernel_5x5", (5, 5))
    photo, target = _ch5_problem()
    expected, _ = _least_squares(photo, target[1:-1, 1:-1], 5)
    tol = dict(rtol=1e-6, atol=1e-6)
    if _close(answer, expected, **tol):
        return "Look at the 16 weights of the outer ring."
    if _close(answer, expected[::-1, ::-1], **tol):
        raise Wrong("your kernel is turned by 180 degrees: fit a correlation, as Keras computes.")
    for r, c in [(0, 0), (0, 2), (2, 0), (2, 2), (0, 1), (1, 0), (1, 2), (2, 1)]:
        if _close(answer[r:r + 3, c:c + 3], expected[1:4, 1:4], **tol):
            raise Wrong("the 3x3 kernel inside yours is off-centre: cut one pixel from each side "
                        "of the target, so that it lines up with the 5x5 windows.")
    raise Wrong("your kernel differs from the least-squares one by up to "
                f"{np.abs(answer - expected).max():.3g}.")


@_register("ch5-best-momentum", "best_momentum_steps", "the number of steps, an int")
def _ch5_best_momentum(answer):
    import keras

    from helpers import conv_layer

    if answer is None:
        raise Wrong("`best_momentum_steps` is None: with the best settings the error does fall "
                    "below 0.01 within 2000 steps.")
    steps = _number(answer, "best_momentum_steps")
    if not steps.is_integer():
        raise Wrong(f"{steps} is not a whole number of steps.")
    photo, target = _ch5_problem()
    exact, patches = _least_squares(photo, target, 3)
    hessian = 2 * patches.T @ patches / len(patches)
    linear = 2 * patches.T @ target.ravel() / len(patches)
    eigenvalues = np.linalg.eigvalsh(hessian)
    keras.utils.set_random_seed(0)     # the chapter's starting kernel: its model, seed 0
    start = conv_layer.one_filter_cnn(3).layers[0].kernel.numpy()[:, :, 0, 0].ravel()

    def steps_to(lr, beta, count=3000):
        point, velocity = start.copy(), np.zeros_like(start)
        for step in range(count + 1):
            if np.abs(point - exact.ravel()).max() < 0.01:
                return step
            velocity = beta * velocity - lr * (hessian @ point - linear)
            point = point + velocity
        return None

    root_kappa = np.sqrt(eigenvalues[-1] / eigenvalues[0])
    best_lr = 4 / (np.sqrt(eigenvalues[-1]) + np.sqrt(eigenvalues[0])) ** 2
    best_beta = ((root_kappa - 1) / (root_kappa + 1)) ** 2
    expected = steps_to(best_lr, best_beta)
    if steps == expected:
        return "Compare it with momentum 0.9 and with sqrt(kappa)."
    if steps == steps_to(1 / eigenvalues[-1], 0.9):
        raise Wrong("that is the count of momentum 0.9 at lr = 1/lambda_max: use the best beta and "
                    "learning rate of the exercise.")
    if abs(steps - expected) == 1:
        raise Wrong("off by one: count steps from the start (step 0) to the first point within "
                    "0.01 of the least-squares kernel, as `steps_to` does.")
    raise Wrong("that is not the number of steps the best heavy-ball settings need from `start`; "
                "check lambda_max and lambda_min (the Hessian's largest and smallest eigenvalues).")


@_register("ch5-magnitude-model", "magnitude_model",
           "the Keras model itself; the check runs it on an image of its own")
def _ch5_magnitude_model(answer):
    if not callable(getattr(answer, "predict", None)):
        raise Wrong(f"`magnitude_model` should be a Keras model, not {type(answer).__name__}.")
    image = np.random.default_rng(5).random((20, 24))
    gx = signal.correlate2d(image, kernels.sobel("x"), mode="valid")
    gy = signal.correlate2d(image, kernels.sobel("y"), mode="valid")
    expected = np.hypot(gx, gy)
    try:
        out = np.asarray(answer.predict(image[None, :, :, None].astype("float32"), verbose=0),
                         dtype=float)
    except Exception as error:
        raise Wrong(f"the model failed on a (1, 20, 24, 1) image: {type(error).__name__}: "
                    f"{error}") from None
    if out.ndim == 4 and out.shape[0] == 1 and out.shape[-1] == 1:
        out = out[0, :, :, 0]
    if out.shape != expected.shape:
        hint = ("padding 'same' keeps the size: the chapter's magnitude uses 'valid'."
                if out.shape[:2] == (20, 24) else "the model should end with one channel.")
        raise Wrong(f"on a 20x24 image your model returns shape {out.shape}, "
                    f"expected {expected.shape}: {hint}")
    tol = dict(rtol=1e-4, atol=1e-4)
    if _close(out, expected, **tol):
        return "It computes the gradient magnitude on an image it has not seen."
    _magnitude_mistakes(out, gx, gy, ("end your model with a square root.",
                                      "the first layer needs both Sobel kernels, G_x and G_y.",
                                      "the 1x1 convolution's weights should be 1."), **tol)
    raise Wrong(f"on a random image your model differs from the gradient magnitude by up to "
                f"{np.abs(out - expected).max():.3g}.")


# ------------------------------------------------------------------------ chapter 6


@_register("ch6-pooling-saves", "no_pooling_weights",
           "the number of weights of the 1,000-unit dense layer, biases included")
def _ch6_pooling_saves(answer):
    count = _number(answer, "no_pooling_weights")

    def dense_weights(side: int, bias: bool = True) -> int:
        """The weights of 1,000 units on the last convolution's output, side x side x 64."""
        return (side * side * 64 + bias) * 1000

    # 28 x 28 inputs: padding "same" keeps 28, two poolings by 2 leave 7, two "valid" 3x3 leave 24.
    if count == dense_weights(28):
        return "How many times the article's dense layer is that?"
    if count == dense_weights(28, bias=False):
        raise Wrong("you counted the weights without the 1,000 biases.")
    if count == dense_weights(7):
        raise Wrong("that is the article's dense layer, with pooling: remove both pooling layers.")
    if count in (dense_weights(24), dense_weights(24, bias=False)):
        raise Wrong("your convolutions shrink the image ('valid'): the article's use "
                    "padding 'same'.")
    raise Wrong("that is not the number of weights of a 1,000-unit dense layer on the output of "
                "the article's two convolutions without pooling.")


# ------------------------------------------------------------------------ chapter 7


def _accuracies(values, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise Wrong(f"`{name}` should be a list of three accuracies, one per seed.")
    array = _array(values, name)
    if array.ndim != 1:
        raise Wrong(f"`{name}` should be a 1-D array; yours has {array.ndim} dimension(s), "
                    f"shape {array.shape}.")
    if len(array) != 3:
        raise Wrong(f"`{name}` holds {len(array)} values: train from three seeds (0, 1 and 2).")
    if np.any(array > 1) and np.all(array <= 100):
        raise Wrong(f"`{name}` looks like percentages: store accuracies as fractions "
                    "(TrainResult.accuracy), between 0 and 1.")
    if np.any((array < 0) | (array > 1)):
        raise Wrong(f"`{name}` holds values outside [0, 1]: they should be accuracies.")
    if np.any(array < 0.5):
        raise Wrong(f"`{name}` holds accuracies below 50 %: this network reads most digits after "
                    "three epochs; check that the inputs are the article's digits and labels.")
    if np.ptp(array) == 0:
        raise Wrong(f"the three values of `{name}` are identical: give each run its own seed.")
    return array


@_register("ch7-own-comparison", ("without_bn", "with_bn"),
           "the two lists of three held-out accuracies (fractions between 0 and 1), one per seed")
def _ch7_own_comparison(without_bn, with_bn):
    if np.array_equal(_accuracies(without_bn, "without_bn"), _accuracies(with_bn, "with_bn")):
        raise Wrong("both lists are identical: the second recipe needs batchnorm=True.")
    return ("(This check tests the form of your results, three seeds each, not a retraining.) "
            "Now decide with `verdict`, and compare with what you expected.")


@_register("ch7-augmentation-labels", ("nine_after_10", "nine_after_180", "baseline_model"),
           "the two shares (fractions between 0 and 1) and the model you asked, the chapter's "
           "`baseline_model`")
def _ch7_augmentation(nine_after_10, nine_after_180, model):
    from scipy import ndimage

    from helpers import data, models

    shares = [_number(nine_after_10, "nine_after_10"), _number(nine_after_180, "nine_after_180")]
    if any(s > 1 for s in shares) and all(0 <= s <= 100 for s in shares):
        raise Wrong("your shares look like percentages: store fractions between 0 and 1.")
    if any(not 0 <= s <= 1 for s in shares):
        raise Wrong("a share must lie between 0 and 1.")
    if not callable(getattr(model, "predict", None)):
        raise Wrong("`baseline_model` should be the chapter's Keras model.")
    _, x_heldout, _, y_heldout = data.article_split(seed=0)
    sixes = x_heldout[y_heldout == 6].astype("float32")
    expected = {}
    for angle in (10, 180):
        found = []
        for order in (1, 3):          # linear or SciPy's default cubic interpolation
            turned = np.stack([ndimage.rotate(image, angle, reshape=False, order=order)
                               for image in sixes])
            read = models.predict_classes(model, models.as_inputs(turned))
            found.append(float(np.mean(read == 9)))
        expected[angle] = found
    tolerance = 2.5 / len(sixes) + 0.01

    def near(value, angle):
        return any(abs(value - e) <= tolerance for e in expected[angle])

    if near(shares[0], 10) and near(shares[1], 180):
        return f"Both shares match this check's own rotations of the {len(sixes)} held-out sixes."
    if near(shares[0], 180) and near(shares[1], 10):
        raise Wrong("your two shares are swapped: `nine_after_10` is for the 10-degree turn.")
    if any(abs(s * len(sixes) - round(s * len(sixes))) > 1e-6 for s in shares):
        raise Wrong(f"a share should be a count out of the {len(sixes)} held-out sixes: take every "
                    "held-out 6 and no other digit.")
    raise Wrong("your shares are not what the model reads on the held-out sixes rotated by 10 and "
                "180 degrees (scipy.ndimage.rotate with reshape=False).")
