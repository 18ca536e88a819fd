"""The self-checks of the code exercises (helpers/exercises.py).

For every code exercise: the chapter's own solution code (its gated solution
cells, read with ``book_ext.generated.read_exercises``) runs in a namespace
holding what the chapter had defined by then (its imports and functions, read
from the notebook; its data, rebuilt here from ``helpers`` as the chapter
builds it), and the check must accept the answer it leaves; typical wrong
answers must be rejected with a message that says what is wrong. Every code
exercise of every chapter must have a check, so a new one without a check
fails here.
"""

from __future__ import annotations

import ast
import functools
import io
import os
import re
from contextlib import redirect_stdout
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

from book_ext import generated
from helpers import exercises
from helpers.exercises import CHECKS, check_exercise, evaluate

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("MNIST_DIR", "/work/shared/data/mnist")

CHAPTERS = {int(p.name[:2]): p for p in (ROOT / f"{c}.ipynb" for c in generated.toc_chapters(ROOT))
            if p.is_file()}


def _code_exercises() -> dict[str, tuple[Path, object]]:
    found = {}
    for path in CHAPTERS.values():
        for exercise in generated.read_exercises(path).exercises:
            if exercise.kind == "code":
                found[exercise.label] = (path, exercise)
    return found


CODE_EXERCISES = _code_exercises()

#: Chapter 7's solutions, used while this checkout's chapter 7 predates its exercise items
#: (copied from the chapter's gated solution cells; the chapter's own are used once present).
EQUIVALENTS = {
    "ch7-own-comparison": '''
recipes = {"without": models.Variant(filters=(), epochs=3),
           "with": models.Variant(filters=(), epochs=3, batchnorm=True)}
accuracies = {name: [models.train_variant(recipe, x_train, y_train, x_heldout, y_heldout,
                                          seed=seed, keep_model=False).accuracy
                     for seed in (0, 1, 2)] for name, recipe in recipes.items()}
without_bn, with_bn = accuracies["without"], accuracies["with"]
print({name: np.round(100 * np.array(acc), 2) for name, acc in accuracies.items()})
print("batch normalisation:", verdict(without_bn, with_bn))
''',
    "ch7-augmentation-labels": '''
from scipy import ndimage

sixes = x_heldout[y_heldout == 6].astype("float32")
readings = {}
for angle in (10, 180):
    turned = np.stack([ndimage.rotate(image, angle, reshape=False, order=1) for image in sixes])
    readings[angle] = baseline_model.predict(models.as_inputs(turned), verbose=0).argmax(1)
nine_after_10, nine_after_180 = (float(np.mean(readings[a] == 9)) for a in (10, 180))
''',
}

#: Checks whose solution starts TensorFlow (chapters 5 to 7 train Keras models): left out by --fast.
SLOW = {"ch3-float32", "ch4-strided-channels-gradient",
        *(label for label in CHECKS if label.startswith(("ch5-", "ch6-", "ch7-")))}


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def solution_code(label: str) -> str:
    """The visible code cells of an exercise's gated solution (or its equivalent above)."""
    if label not in CODE_EXERCISES:
        return EQUIVALENTS[label]
    path, exercise = CODE_EXERCISES[label]
    cells = nbformat.read(path, as_version=4).cells
    return "\n\n".join(_source(cells[i]) for i in exercise.solution_cells
                       if cells[i].cell_type == "code"
                       and "remove-cell" not in cells[i].metadata.get("tags", []))


def chapter_definitions(number: int, uses: str = "") -> dict:
    """The chapter's top-level functions and classes from before its exercises, and those of
    its imports that they or the code ``uses`` need (so a chapter's ``import keras`` starts
    TensorFlow only for the exercises that use it)."""
    namespace = {"__name__": f"chapter{number}"}
    path = CHAPTERS.get(number)
    if path is None:
        return namespace
    cells = [c for c in nbformat.read(path, as_version=4).cells]
    end = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                and re.search(r"^## Exercises\s*$", _source(c), re.M)), len(cells))
    code = [c for c in cells[:end] if c.cell_type == "code"][1:]      # not the set-up cell
    imports, definitions = [], []
    for cell in code:
        try:
            tree = ast.parse(_source(cell))
        except SyntaxError:            # IPython magics: no definitions to take from such a cell
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(node)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                definitions.append(node)
    def names(tree):
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}

    needed, grown = names(ast.parse(uses)), True
    while grown:  # and the names of the definitions those need, and so on
        more = set().union(*(names(d) for d in definitions if d.name in needed))
        grown, needed = not more <= needed, needed | more
    imports = [node for node in imports
               if {(a.asname or a.name).split(".")[0] for a in node.names} & needed]
    for node in imports + definitions:
        exec(compile(ast.Module([node], []), f"<chapter {number}>", "exec"), namespace)
    return namespace


# What each chapter had computed by its exercises, rebuilt as the chapter builds it.
SETUP = {
    1: "rng = np.random.default_rng(0)\n",
    2: '''
image = images.sample_image(256)
sobel_x = np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])
magnitude = np.hypot(signal.correlate2d(image, sobel_x, mode="same", boundary="symm"),
                     signal.correlate2d(image, sobel_x.T, mode="same", boundary="symm"))
from helpers.images import step_edge
''',
    3: '''
x_xor, y_xor = nn.xor_data()
x_moons, y_moons = nn.make_moons(200, noise=0.2, seed=0)
moons_acts = ["tanh", "tanh", "sigmoid"]
moons_init = nn.init_params([2, 8, 8, 1], seed=0)
''',
    4: "rng = np.random.default_rng(0)\nimport tensorflow as tf\n",
    5: '''
photo = images.sample_image(128)
sobel_x, sobel_y = kernels.sobel("x"), kernels.sobel("y")
target = convolution.correlate2d(photo, sobel_x, mode="valid")
magnitude = np.hypot(target, convolution.correlate2d(photo, sobel_y, mode="valid"))
patches = conv_layer.image_patches(photo, (3, 3))
exact = conv_layer.least_squares_kernel(photo, target, (3, 3))
n = patches.shape[0]
hessian = 2 * patches.T @ patches / n
linear_term = 2 * patches.T @ target.ravel() / n
eigenvalues, eigenvectors = np.linalg.eigh(hessian)
lr_gd = 1 / eigenvalues[-1]
kappa = eigenvalues[-1] / eigenvalues[0]
keras.utils.set_random_seed(0)
start = conv_layer.one_filter_cnn(3).layers[0].kernel.numpy()[:, :, 0, 0]
exact = conv_layer.least_squares_kernel(photo, target, (3, 3))

def steps_to(errors, tolerance=0.01):
    below = np.flatnonzero(errors < tolerance)
    return int(below[0]) if len(below) else None

def error_path(path):
    return np.abs(path - exact.ravel()).max(axis=1)

speed = {"momentum 0.9": steps_to(error_path(momentum_descent(start.ravel(), lr_gd, 0.9, 3000)))}
''',
    6: '''
layers = keras.layers
model = models.article_model()
costs = pd.DataFrame([{"layer": layer.name, "parameters": layer.count_params(),
                       "multiply-adds": multiply_adds(layer)} for layer in model.layers]).set_index("layer")
''',
    7: '''
from helpers import data, models
import keras
x_train, x_heldout, y_train, y_heldout = data.article_split(seed=0)

def standard_error(a, b):
    return np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))

def verdict(reference, row):
    difference = np.mean(row) - np.mean(reference)
    if abs(difference) <= 2 * standard_error(reference, row):
        return "no measurable effect"
    return "better" if difference > 0 else "worse"

keras.utils.set_random_seed(0)
baseline_model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Rescaling(1 / 255),
                                   keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
baseline_model.compile(optimizer="adam",
                       loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
baseline_model.fit(models.as_inputs(x_train), y_train, epochs=3, batch_size=64, verbose=0)
''',
}


def _glue(name, value, display=False):
    return value


@functools.cache
def solved(label: str) -> dict:
    """The namespace after the chapter's solution of ``label`` ran (its output swallowed).

    Cached: the solution test and the wrong-answer test share one run (chapter 7's trains).
    """
    import matplotlib.pyplot as plt

    number = int(re.match(r"ch(\d+)-", label).group(1))
    namespace = chapter_definitions(number, SETUP.get(number, "") + solution_code(label))
    namespace.setdefault("np", np)
    namespace["glue"] = _glue
    exec("from helpers import *\nfrom helpers import conv_layer, convolution, filters, images, kernels, nn, "
         "perceptron\nfrom scipy import signal\nimport numpy as np\n", namespace)
    if number in (5, 6):
        exec("import keras\nimport pandas as pd\n", namespace)
    with redirect_stdout(io.StringIO()):
        exec(SETUP.get(number, ""), namespace)
        exec(solution_code(label), namespace)
    plt.close("all")
    return namespace


def answer_of(label: str, namespace: dict):
    values = tuple(namespace[name] for name in CHECKS[label].names)
    return values[0] if len(values) == 1 else values


def _params(labels):
    return [pytest.param(label, marks=pytest.mark.slow) if label in SLOW else label for label in labels]


# ------------------------------------------------------------------------------ coverage


def test_every_code_exercise_has_a_check():
    assert CODE_EXERCISES, "no code exercise found in the chapters"
    missing = sorted(set(CODE_EXERCISES) - set(CHECKS))
    assert not missing, f"code exercises without a self-check in helpers/exercises.py: {missing}"


def test_every_check_belongs_to_a_code_exercise():
    """A check's label is a code exercise of its chapter (chapters not yet converted excepted)."""
    for label in CHECKS:
        number = int(re.match(r"ch(\d+)-", label).group(1))
        path = CHAPTERS[number]
        if not generated.read_exercises(path).converted:
            assert label in EQUIVALENTS, f"{label}: no solution to test it against"
            continue
        assert label in CODE_EXERCISES, f"{label} is not a code exercise of {path.name}"


def test_an_unknown_label_raises_and_names_the_known_ones():
    with pytest.raises(ValueError, match=r"ch9-no-such-exercise.*ch2-laplacian"):
        check_exercise("ch9-no-such-exercise", 1)
    with pytest.raises(ValueError, match="ch2-laplacian"):
        exercises.instruction("ch9-no-such-exercise")
    with pytest.raises(TypeError, match="label must be a str"):
        check_exercise(3, 1)


def test_the_answer_is_read_from_the_notebook_and_missing_variables_are_named():
    namespace = {"check_exercise": check_exercise}
    out = io.StringIO()
    with redirect_stdout(out):
        exec('result = check_exercise("ch2-laplacian")', namespace)
    assert namespace["result"] is False
    assert "No answer yet" in out.getvalue() and "`laplacian_step`" in out.getvalue()
    from scipy import signal

    from helpers import images
    namespace["laplacian_step"] = signal.correlate2d(
        images.step_edge(), np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]), mode="same", boundary="symm")[8]
    with redirect_stdout(out):
        exec('result = check_exercise("ch2-laplacian")', namespace)
    assert namespace["result"] is True and "Right." in out.getvalue()


def test_the_verdict_is_printed_and_returned(capsys):
    assert check_exercise("ch2-laplacian", np.zeros(16)) is False
    printed = capsys.readouterr().out
    assert printed.startswith("Not yet: ")


# ------------------------------------------------------------------------------ solutions


@pytest.mark.parametrize("label", _params(sorted(CHECKS)))
def test_the_chapters_solution_passes(label):
    namespace = solved(label)
    right, message = evaluate(label, answer_of(label, namespace))
    assert right, f"{label}: the chapter's own solution fails its check: {message}"


# ------------------------------------------------------------------------------ wrong answers


def _edge_row(boundary="symm", mode="same", kernel=None):
    from scipy import signal

    from helpers import images
    kernel = np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]) if kernel is None else kernel
    return signal.correlate2d(images.step_edge(), kernel, mode=mode, boundary=boundary)


def _prewitt(kernel=None, boundary="symm", mode="same"):
    from scipy import signal

    from helpers import images
    image = images.sample_image(256)
    kernel = np.outer([1.0, 1, 1], [-1.0, 0, 1]) if kernel is None else kernel
    return (signal.correlate2d(image, kernel, mode=mode, boundary=boundary),
            signal.correlate2d(image, kernel.T, mode=mode, boundary=boundary))


def _unsharp(amount):
    from helpers import kernels
    identity = np.zeros((9, 9))
    identity[4, 4] = 1
    return identity + amount * (identity - kernels.gaussian(9, sigma=1.5))


def _magnitude_model(sqrt=True, padding="valid", ones=1.0):
    import keras

    from helpers import kernels
    stack = [keras.Input((None, None, 1)), keras.layers.Conv2D(2, 3, padding=padding, use_bias=False),
             keras.layers.Lambda(keras.ops.square), keras.layers.Conv2D(1, 1, use_bias=False)]
    stack += [keras.layers.Lambda(keras.ops.sqrt)] if sqrt else []
    model = keras.Sequential(stack)
    model.layers[0].set_weights([np.stack([kernels.sobel("x"), kernels.sobel("y")], axis=-1)[:, :, None, :]])
    model.layers[2].set_weights([np.full((1, 1, 2, 1), ones)])
    return model


def _ch4_wrong(ns, which):
    x, k, dk, dx = ns["x_in"], ns["K_strided"], ns["strided_kernel_grad"], ns["strided_input_grad"]
    if which == "flipped":
        return x, k, dk[::-1, ::-1], dx
    if which == "stride1":        # delta of the stride-1 layer: no output dropped
        from scipy import signal

        from helpers import conv_layer
        y1 = np.stack([sum(signal.correlate2d(x[0, :, :, c], k[:, :, c, o], mode="valid") for c in range(3))
                       for o in range(2)], axis=-1)
        dk1 = np.stack([np.stack([conv_layer.kernel_gradient(x[0, :, :, c], y1[:, :, o], (3, 3))
                                  for o in range(2)], axis=-1) for c in range(3)], axis=2)
        return x, k, dk1, dx
    if which == "shape":
        return x, k, dk, dx[:, :, 0]
    raise AssertionError(which)


#: label -> [(a wrong answer made from the solved namespace, what the message must say)]
WRONG = {
    "ch1-correlation-from-convolution": [
        (lambda ns: ns["convolve_shift_add"], r"convolution, not the correlation"),
        (lambda ns: lambda f, g: ns["convolve_shift_add"](f, g[::-1, :]), r"flipped along one axis"),
        (lambda ns: lambda f, g: __import__("scipy.signal").signal.correlate2d(f, g, mode="same"),
         r"mode 'same'.*full correlation"),
        (lambda ns: ns["my_correlate2d"](np.ones((3, 3)), np.ones((2, 2))), r"should be a function"),
    ],
    "ch1-which-maps": [
        (lambda ns: dict.fromkeys(ns["is_convolution"], True), r"of the 4 answers are wrong.*linear"),
        (lambda ns: {**ns["is_convolution"], "transpose": not ns["is_convolution"]["transpose"]},
         r"1 of the 4 answers are wrong"),
        (lambda ns: {"square": False, "box": True}, r"missing \['vignette', 'transpose'\]"),
        (lambda ns: {k: int(v) for k, v in ns["is_convolution"].items()}, r"True or False"),
    ],
    "ch2-prewitt": [
        (lambda ns: ns["prewitt_magnitude"] ** 2, r"squared magnitude"),
        (lambda ns: ns["prewitt_magnitude"] / 6, r"0\.1667 times.*no normalisation"),
        (lambda ns: np.hypot(*_prewitt(mode="valid")), r"'valid'.*mode='same'"),
        (lambda ns: np.hypot(*_prewitt(boundary="fill")), r"border pixels.*symm"),
        (lambda ns: np.hypot(*_prewitt(np.outer([1.0, 2, 1], [-1.0, 0, 1]))), r"Sobel's magnitude"),
        (lambda ns: np.abs(_prewitt()[0]), r"one direction only"),
    ],
    "ch2-laplacian": [
        (lambda ns: -ns["laplacian_step"], r"opposite sign"),
        (lambda ns: _edge_row(), r"store only the middle row"),
        (lambda ns: _edge_row(mode="valid")[7], r"'valid'"),
        (lambda ns: _edge_row(boundary="fill")[8], r"ends are not.*symm"),
        (lambda ns: _edge_row(kernel=np.outer([1.0, 2, 1], [-1.0, 0, 1]))[8], r"Sobel"),
    ],
    "ch2-unsharp": [
        (lambda ns: _unsharp(1.5) - np.pad([[1.0]], 4), r"sum to 0.*added back"),
        (lambda ns: _unsharp(1.0), r"amount 1\.0"),
        (lambda ns: _unsharp(-1.5), r"blurs instead"),
        (lambda ns: ns["single_kernel"][3:6, 3:6], r"shape \(3, 3\), expected \(9, 9\)"),
        (lambda ns: ns["single_kernel"].T[::-1] * 1.1, r"differs from f \+ a"),
    ],
    "ch3-logic-gates": [
        (lambda ns: {g: v - 1 for g, v in ns["epochs_needed"].items()}, r"off by one; count the final"),
        (lambda ns: {**ns["epochs_needed"], "AND": None}, r"AND: it does converge"),
        (lambda ns: {"AND": 1}, r"missing \['OR', 'NAND'\]"),
    ],
    "ch3-gradient-bug": [
        (lambda ns: ns["correct_error"], r"still correct"),
        (lambda ns: 2 * ns["buggy_error"], r"not the one the bug"),
        (lambda ns: "large", r"should be a single number"),
    ],
    "ch3-learning-rate": [
        (lambda ns: {lr: h[0] for lr, h in ns["histories_by_lr"].items()}, r"loss before training"),
        (lambda ns: {lr: h[-2] for lr, h in ns["histories_by_lr"].items()}, r"one epoch off"),
        (lambda ns: {0.03: 1.0, 0.3: 1.0}, r"missing \[3\.0, 30\.0\]"),
    ],
    "ch3-float32": [
        (lambda ns: 0.0, r"float64 rounding"),
        (lambda ns: 0.5, r"not of the order"),
    ],
    "ch4-strided-channels-gradient": [
        (lambda ns: _ch4_wrong(ns, "flipped"), r"turned by 180 degrees"),
        (lambda ns: _ch4_wrong(ns, "stride1"), r"stride-1 layer's"),
        (lambda ns: _ch4_wrong(ns, "shape"), r"strided_input_grad` has shape \(9, 11\)"),
        (lambda ns: ns["strided_kernel_grad"], r"should be the tuple"),
    ],
    "ch5-too-many-weights": [
        (lambda ns: ns["kernel_5x5"][::-1, ::-1], r"turned by 180 degrees"),
        (lambda ns: ns["conv_layer"].least_squares_kernel(ns["photo"], ns["target"][:-2, :-2], (5, 5)),
         r"off-centre.*cut one pixel"),
        (lambda ns: ns["exact"], r"shape \(3, 3\), expected \(5, 5\)"),
    ],
    "ch5-best-momentum": [
        (lambda ns: ns["speed"]["momentum 0.9"], r"momentum 0\.9"),
        (lambda ns: ns["best_momentum_steps"] + 1, r"off by one"),
        (lambda ns: None, r"is None"),
        (lambda ns: ns["best_momentum_steps"] * 3, r"not the number of steps"),
    ],
    "ch5-magnitude-model": [
        (lambda ns: _magnitude_model(sqrt=False), r"squared magnitude"),
        (lambda ns: _magnitude_model(padding="same"), r"'same'.*'valid'"),
        (lambda ns: _magnitude_model(ones=4.0), r"2 times the magnitude"),
        (lambda ns: ns["computed_magnitude"], r"should be a Keras model"),
    ],
    "ch6-pooling-saves": [
        (lambda ns: ns["no_pooling_weights"] - 1000, r"without the 1,000 biases"),
        (lambda ns: 7 * 7 * 64 * 1000 + 1000, r"with pooling"),
        (lambda ns: 24 * 24 * 64 * 1000 + 1000, r"'valid'"),
        (lambda ns: ns["no_pooling_weights"] + 18432, r"not the number of weights"),
    ],
    "ch7-own-comparison": [
        (lambda ns: ([100 * a for a in ns["without_bn"]], ns["with_bn"]), r"percentages"),
        (lambda ns: ([ns["without_bn"][0]] * 3, ns["with_bn"]), r"identical: give each run its own seed"),
        (lambda ns: (ns["without_bn"], ns["without_bn"]), r"both lists are identical"),
        (lambda ns: (ns["without_bn"][:2], ns["with_bn"]), r"2 values: train from three seeds"),
    ],
    "ch7-augmentation-labels": [
        (lambda ns: (ns["nine_after_180"], ns["nine_after_10"], ns["baseline_model"]), r"swapped"),
        (lambda ns: (100 * ns["nine_after_10"], 100 * ns["nine_after_180"], ns["baseline_model"]),
         r"percentages"),
        (lambda ns: (ns["nine_after_10"], 0.5 * ns["nine_after_180"] + 1e-4, ns["baseline_model"]),
         r"count out of the \d+ held-out sixes"),
    ],
}


def test_every_check_has_wrong_answers():
    assert set(WRONG) == set(CHECKS)
    assert all(len(cases) >= 2 for cases in WRONG.values())


@pytest.mark.parametrize("label", _params(sorted(CHECKS)))
def test_typical_wrong_answers_fail_with_a_reason(label):
    namespace = solved(label)
    right_answer = answer_of(label, namespace)
    assert evaluate(label, right_answer)[0]
    for make, reason in WRONG[label]:
        right, message = evaluate(label, make(namespace))
        assert not right, f"{label}: a wrong answer ({reason}) passes"
        assert message.startswith("Not yet: ") and re.search(reason, message, re.S), (
            f"{label}: expected a message matching {reason!r}, got {message!r}")


def test_messages_do_not_reveal_the_expected_answer():
    """A wrong answer's message never quotes the expected array or number."""
    from scipy import signal

    from helpers import images
    expected = signal.correlate2d(images.step_edge(), np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]),
                                  mode="same", boundary="symm")[8]
    _, message = evaluate("ch2-laplacian", -expected)
    assert str(expected[7]) not in message and str(expected[8]) not in message
    _, message = evaluate("ch6-pooling-saves", 1)
    assert "50177000" not in message.replace(",", "") and "50,177,000" not in message
