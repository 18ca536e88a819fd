"""helpers.nn (the NumPy network of chapter 3) and helpers.perceptron."""

from __future__ import annotations

import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")  # tests draw off-screen; the book itself never sets a backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import nn, perceptron  # noqa: E402

ACTS = list(nn.LAYER_ACTIVATIONS)


# --------------------------------------------------------------------------- gradients


def _random_problem(seed: int):
    """A network of random depth and widths, random activations and a loss that fits."""
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(1, 6, size=rng.integers(2, 5))]
    activations = [str(a) for a in rng.choice(ACTS, size=len(sizes) - 1)]
    loss = "bce" if activations[-1] == "sigmoid" else "mse"
    n = int(rng.integers(1, 8))
    x = rng.normal(size=(n, sizes[0]))
    y = rng.uniform(size=(n, sizes[-1]))
    params = nn.init_params(sizes, seed=seed)
    # Move biases off zero so ReLU kinks are not hit by chance at z = 0 exactly.
    params = [(w, rng.normal(0, 0.5, size=b.shape)) for w, b in params]
    return params, x, y, activations, loss


@pytest.mark.parametrize("seed", range(25))
def test_backward_matches_finite_differences_on_random_networks(seed):
    params, x, y, activations, loss = _random_problem(seed)
    error = nn.gradient_check(params, x, y, activations, loss)
    assert error < 1e-6, f"sizes {[w.shape for w, _ in params]}, {activations}, {loss}: {error}"


@pytest.mark.parametrize("activation", ACTS)
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_every_hidden_activation_with_every_loss(activation, loss):
    rng = np.random.default_rng(7)
    params = nn.init_params([3, 4, 4, 2], seed=7)
    params = [(w, rng.normal(0, 0.3, size=b.shape)) for w, b in params]
    x, y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    output = "sigmoid" if loss == "bce" else activation
    assert nn.gradient_check(params, x, y, [activation, activation, output], loss) < 1e-6


def test_single_linear_unit_gradient_by_hand():
    # L = mean((x w + b - y)^2) for one example: dL/dw = 2 (x w + b - y) x.
    params = [(np.array([[2.0]]), np.array([0.5]))]
    cache = nn.forward(params, [[3.0]], ["linear"])
    (d_weights, d_bias), = nn.backward(params, cache, [[1.0]], "mse")
    assert d_weights[0, 0] == pytest.approx(2 * (6.5 - 1) * 3)
    assert d_bias[0] == pytest.approx(2 * (6.5 - 1))


def test_bce_output_delta_is_prediction_minus_target():
    params = [(np.array([[1.5]]), np.array([-0.5]))]
    x, y = np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]])
    cache = nn.forward(params, x, ["sigmoid"])
    (d_weights, d_bias), = nn.backward(params, cache, y, "bce")
    a = cache["a"][-1]
    assert d_bias[0] == pytest.approx(float(np.mean(a - y)))
    assert d_weights[0, 0] == pytest.approx(float(np.mean((a - y) * x)))


def test_relative_error():
    assert nn.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert nn.relative_error([0.0], [0.0]) == 0.0
    assert nn.relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="numbers"):
        nn.relative_error([1.0, 2.0], [1.0])


# --------------------------------------------------------------------------- shapes and dtypes


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shapes_and_dtypes_follow_the_parameters(dtype):
    params = [(w.astype(dtype), b.astype(dtype)) for w, b in nn.init_params([3, 5, 2], seed=0)]
    assert [(w.shape, b.shape) for w, b in params] == [((3, 5), (5,)), ((5, 2), (2,))]
    assert all(w.dtype == dtype and b.dtype == dtype for w, b in params)
    assert all(np.all(b == 0) for _, b in params)
    x = np.arange(12).reshape(4, 3)  # integers are converted to the parameters' dtype
    cache = nn.forward(params, x, ["relu", "sigmoid"])
    assert [a.shape for a in cache["a"]] == [(4, 3), (4, 5), (4, 2)]
    assert [z.shape for z in cache["z"]] == [(4, 5), (4, 2)]
    assert all(a.dtype == dtype for a in cache["a"]) and all(z.dtype == dtype for z in cache["z"])
    grads = nn.backward(params, cache, np.zeros((4, 2)), "bce")
    for (w, b), (dw, db) in zip(params, grads, strict=True):
        assert dw.shape == w.shape and db.shape == b.shape
        assert dw.dtype == dtype and db.dtype == dtype
    trained, _ = nn.train(params, x, np.zeros((4, 2)), ["relu", "sigmoid"], loss="bce", lr=0.1,
                          epochs=1)
    assert all(w.dtype == dtype and b.dtype == dtype for w, b in trained)
    assert nn.predict(params, x, ["relu", "sigmoid"]).dtype == dtype


def test_init_params_is_reproducible_and_glorot_by_default():
    first = nn.init_params([4, 6, 3], seed=5)
    again = nn.init_params([4, 6, 3], seed=5)
    for (w1, b1), (w2, b2) in zip(first, again, strict=True):
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(b1, b2)
    assert np.abs(first[0][0]).max() <= np.sqrt(6 / (4 + 6))
    scaled = nn.init_params([400, 300], seed=0, scale=0.01)
    assert np.std(scaled[0][0]) == pytest.approx(0.01, rel=0.05)


def test_train_does_not_modify_its_input():
    x, y = nn.xor_data()
    params = nn.init_params([2, 2, 1], seed=0)
    before = [(w.copy(), b.copy()) for w, b in params]
    trained, _ = nn.train(params, x, y, ["tanh", "sigmoid"], loss="bce", lr=0.5, epochs=3)
    for (w, b), (w0, b0), (w1, _) in zip(params, before, trained, strict=True):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
        assert not np.array_equal(w1, w0)


def test_train_full_batch_equals_manual_steps():
    x, y = nn.xor_data()
    params = nn.init_params([2, 3, 1], seed=1)
    acts = ["tanh", "sigmoid"]
    trained, history = nn.train(params, x, y, acts, loss="bce", lr=0.7, epochs=5)
    manual, losses = params, []
    for _ in range(5):
        cache = nn.forward(manual, x, acts)
        losses.append(nn.loss_value(manual, x, y, acts, "bce"))
        grads = nn.backward(manual, cache, y, "bce")
        manual = [(w - 0.7 * dw, b - 0.7 * db)
                  for (w, b), (dw, db) in zip(manual, grads, strict=True)]
    np.testing.assert_allclose(history, losses, rtol=0, atol=1e-15)
    for (w1, _), (w2, _) in zip(trained, manual, strict=True):
        np.testing.assert_allclose(w1, w2, rtol=0, atol=1e-15)


def test_train_learns_xor():
    x, y = nn.xor_data()
    acts = ["tanh", "sigmoid"]
    trained, history = nn.train(nn.init_params([2, 4, 1], seed=0), x, y, acts,
                                loss="bce", lr=1.0, epochs=1000)
    assert history.shape == (1000,) and history[-1] < history[0] / 10
    assert np.array_equal(nn.predict(trained, x, acts) > 0.5, y > 0.5)


def test_one_dimensional_targets_are_accepted_for_one_output():
    x, y = nn.xor_data()
    params = nn.init_params([2, 2, 1], seed=0)
    acts = ["tanh", "sigmoid"]
    assert nn.loss_value(params, x, y.ravel(), acts, "bce") == nn.loss_value(params, x, y, acts, "bce")


# --------------------------------------------------------------------------- activations and losses


def test_activation_values_and_derivatives():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(nn.activation(z, "step"), [0, 1, 1])
    np.testing.assert_array_equal(nn.activation(z, "relu"), [0, 0, 2])
    np.testing.assert_array_equal(nn.activation_derivative(z, "relu"), [0, 0, 1])
    np.testing.assert_array_equal(nn.activation_derivative(z, "step"), [0, 0, 0])
    np.testing.assert_array_equal(nn.activation_derivative(z, "linear"), [1, 1, 1])
    assert nn.activation(0.0, "sigmoid") == 0.5
    assert nn.activation_derivative(0.0, "sigmoid") == 0.25
    assert nn.activation_derivative(0.0, "tanh") == 1.0


def test_sigmoid_is_stable_far_from_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = nn.activation(np.array([-1000.0, 1000.0]), "sigmoid")
    np.testing.assert_array_equal(values, [0.0, 1.0])


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_derivatives_match_finite_differences(name):
    z = np.linspace(-4, 4, 41)
    numeric = (nn.activation(z + 1e-6, name) - nn.activation(z - 1e-6, name)) / 2e-6
    np.testing.assert_allclose(nn.activation_derivative(z, name), numeric, atol=1e-8)


def test_binary_cross_entropy():
    y, p = np.array([1.0, 0.0, 1.0]), np.array([0.9, 0.2, 0.6])
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.binary_cross_entropy(y, p) == pytest.approx(expected)
    assert np.isfinite(nn.binary_cross_entropy([1.0], [0.0])), "a confident mistake stays finite"


def test_network_loss_is_finite_for_a_saturated_sigmoid():
    params = [(np.array([[-100.0]]), np.zeros(1))]
    loss = nn.loss_value(params, [[10.0]], [[1.0]], ["sigmoid"], "bce")
    assert loss == pytest.approx(1000.0)


# --------------------------------------------------------------------------- bad inputs


@pytest.fixture
def problem():
    x, y = nn.xor_data()
    return nn.init_params([2, 3, 1], seed=0), x, y, ["tanh", "sigmoid"]


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(x=np.zeros(4)), ValueError, "x must be 2-D"),
        (dict(x=np.zeros((4, 3))), ValueError, "features"),
        (dict(x=np.zeros((0, 2))), ValueError, "x must not be empty"),
        (dict(x=np.array([[np.nan, 0.0]] * 4)), ValueError, "NaN"),
        (dict(x=np.array([["a", "b"]] * 4)), TypeError, "x must hold real numbers"),
        (dict(x="abc"), TypeError, "x must be a 2-D array of real numbers"),
        (dict(x=[[1.0, 2.0], [3.0]]), ValueError, "rectangular"),
        (dict(y=np.zeros((4, 2))), ValueError, r"y must have shape \(4, 1\)"),
        (dict(y=np.zeros(3)), ValueError, "y must have shape"),
        (dict(y=np.full((4, 1), 2.0)), ValueError, r"\[0, 1\]"),
        (dict(activations=["tanh"]), ValueError, "1 names but params has 2 layers"),
        (dict(activations="tanh"), TypeError, "list of names"),
        (dict(activations=["tanh", "softmax"]), ValueError, "activation must be one of .*'softmax'"),
        (dict(activations=["step", "sigmoid"]), ValueError, "zero gradient"),
        (dict(activations=["tanh", 3]), TypeError, "activation must be a string"),
        (dict(activations=["tanh", "linear"]), ValueError, "needs a 'sigmoid' output"),
        (dict(loss="hinge"), ValueError, "loss must be one of .*; got 'hinge'"),
        (dict(loss=None), TypeError, "loss must be a string"),
        (dict(params=[]), TypeError, "non-empty list"),
        (dict(params=[(np.zeros((2, 3)), np.zeros(2))]), ValueError, "params\\[0\\]"),
        (dict(params=[(np.zeros((2, 3)), np.zeros(3)), (np.zeros((4, 1)), np.zeros(1))]),
         ValueError, "expects 4 inputs"),
        (dict(params=[(np.zeros((2, 1), dtype=int), np.zeros(1, dtype=int))]), TypeError, "float32"),
    ],
)
def test_bad_inputs_are_rejected_clearly(problem, change, error, match):
    params, x, y, activations = problem
    args = dict(params=params, x=x, y=y, activations=activations, loss="bce") | change
    if "params" in change and "activations" not in change:
        args["activations"] = ["sigmoid"] * len(change["params"]) if change["params"] else ["sigmoid"]
    with pytest.raises(error, match=match):
        nn.loss_value(args["params"], args["x"], args["y"], args["activations"], args["loss"])


@pytest.mark.parametrize(
    "lr, error",
    [(0, ValueError), (-0.1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
     ("0.1", TypeError), (True, TypeError), (None, TypeError)],
)
def test_bad_learning_rates(problem, lr, error):
    params, x, y, activations = problem
    with pytest.raises(error, match="lr"):
        nn.train(params, x, y, activations, loss="bce", lr=lr, epochs=1)


def test_bad_training_arguments(problem):
    params, x, y, activations = problem
    with pytest.raises(ValueError, match="epochs"):
        nn.train(params, x, y, activations, loss="bce", lr=0.1, epochs=0)
    with pytest.raises(TypeError, match="epochs"):
        nn.train(params, x, y, activations, loss="bce", lr=0.1, epochs=1.5)


def test_bad_cache(problem):
    params, x, y, activations = problem
    with pytest.raises(TypeError, match="cache"):
        nn.backward(params, {"a": []}, y, "bce")
    other = nn.init_params([2, 5, 1], seed=0)
    with pytest.raises(ValueError, match="cache"):
        nn.backward(params, nn.forward(other, x, activations), y, "bce")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(layer_sizes=[2]), ValueError, "at least one layer"),
        (dict(layer_sizes="23"), TypeError, "layer_sizes"),
        (dict(layer_sizes=[2, 0]), ValueError, "layer size"),
        (dict(layer_sizes=[2, 1.5]), TypeError, "layer size"),
        (dict(layer_sizes=[2, 1], seed=None), TypeError, "seed"),
        (dict(layer_sizes=[2, 1], seed=1.5), TypeError, "seed"),
        (dict(layer_sizes=[2, 1], scale=-1.0), ValueError, "scale"),
    ],
)
def test_init_params_rejects_bad_arguments(kwargs, error, match):
    kwargs = {"seed": 0} | kwargs
    if kwargs.get("seed") is None:
        kwargs.pop("seed")
    with pytest.raises(error, match=match):
        nn.init_params(**kwargs)


def test_activation_and_loss_functions_reject_bad_input():
    with pytest.raises(ValueError, match="activation must be one of"):
        nn.activation([0.0], "gelu")
    with pytest.raises(ValueError, match="NaN"):
        nn.activation([np.nan], "relu")
    with pytest.raises(ValueError, match="shape"):
        nn.binary_cross_entropy([0.0, 1.0], [0.0])
    with pytest.raises(ValueError, match="probabilities"):
        nn.binary_cross_entropy([1.0], [1.5])
    with pytest.raises(ValueError, match="y_true"):
        nn.binary_cross_entropy([2.0], [0.5])


# --------------------------------------------------------------------------- data and figures


def test_toy_data():
    x, y = nn.xor_data()
    assert x.shape == (4, 2) and y.shape == (4, 1)
    np.testing.assert_array_equal(y.ravel(), [0, 1, 1, 0])
    a, b = nn.make_moons(51, noise=0.1, seed=3)
    c, d = nn.make_moons(51, noise=0.1, seed=3)
    assert a.shape == (51, 2) and b.shape == (51, 1) and int(b.sum()) == 26  # odd point: moon 1
    np.testing.assert_array_equal(a, c)
    from sklearn.datasets import make_moons

    x_sk, y_sk = make_moons(51, shuffle=False, noise=0.1, random_state=3)
    np.testing.assert_array_equal(a, x_sk)
    np.testing.assert_array_equal(b.ravel(), y_sk)
    clean, _ = nn.make_moons(20, noise=0.0, seed=0)
    assert np.abs(clean).max() <= 2.0 + 1e-12
    with pytest.raises(ValueError, match="noise"):
        nn.make_moons(20, noise=-1, seed=0)
    with pytest.raises(TypeError, match="seed"):
        nn.make_moons(20)


def test_plot_decision_regions():
    x, y = nn.xor_data()
    ax = nn.plot_decision_regions(lambda p: p[:, 0] * (1 - p[:, 1]), x, y)
    assert ax.get_xlabel() == "$x_1$"
    with pytest.raises(TypeError, match="callable"):
        nn.plot_decision_regions(None, x, y)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        nn.plot_decision_regions(lambda p: p[:, 0], np.zeros((4, 3)), y)
    with pytest.raises(ValueError, match="returned"):
        nn.plot_decision_regions(lambda p: p[:3, 0], x, y)
    plt.close("all")


def test_importing_the_helpers_does_not_import_tensorflow():
    code = (
        "import sys, helpers.nn, helpers.perceptron; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- perceptron


def test_perceptron_separates_a_separable_set():
    x, y = perceptron.linearly_separable_data(40, margin=0.1, seed=2)
    assert set(y.tolist()) == {0.0, 1.0}
    result = perceptron.train_perceptron(x, y)
    assert result["converged"] and result["mistakes"][-1] == 0
    k = len(result["updated"])
    assert result["weights"].shape == (k + 1, 2) and result["bias"].shape == (k + 1,)
    np.testing.assert_array_equal(result["weights"][0], [0, 0])
    np.testing.assert_array_equal(perceptron.predict_perceptron(result["weights"][-1],
                                                                result["bias"][-1], x), y)


def test_perceptron_rule_one_step_by_hand():
    # From zero weights the point (1, 2) with label 0 is predicted 1 (0 >= 0), so w -= x, b -= 1.
    result = perceptron.train_perceptron([[1.0, 2.0]], [0], epochs=1)
    np.testing.assert_array_equal(result["weights"][1], [-1, -2])
    assert result["bias"][1] == -1 and result["updated"].tolist() == [0]


def test_perceptron_predictions_do_not_depend_on_the_learning_rate():
    x, y = perceptron.linearly_separable_data(30, seed=4)
    slow = perceptron.train_perceptron(x, y, lr=0.01)
    fast = perceptron.train_perceptron(x, y, lr=10.0)
    np.testing.assert_array_equal(slow["updated"], fast["updated"])
    np.testing.assert_allclose(slow["weights"] * 1000, fast["weights"])


def test_perceptron_fails_on_xor():
    x, y = nn.xor_data()
    result = perceptron.train_perceptron(x, y, epochs=30)
    assert not result["converged"] and len(result["mistakes"]) == 30
    for w, b in zip(result["weights"], result["bias"], strict=True):
        assert np.mean(perceptron.predict_perceptron(w, b, x) == y.ravel()) < 1


def test_perceptron_rejects_bad_input():
    with pytest.raises(ValueError, match="labels 0 and 1"):
        perceptron.train_perceptron([[0.0, 1.0]], [2])
    with pytest.raises(ValueError, match="1 labels but x has 2"):
        perceptron.train_perceptron([[0.0, 1.0], [1.0, 0.0]], [1])
    with pytest.raises(ValueError, match="lr"):
        perceptron.train_perceptron([[0.0, 1.0]], [1], lr=0)
    with pytest.raises(ValueError, match="features"):
        perceptron.predict_perceptron([1.0, 2.0, 3.0], 0.0, [[0.0, 1.0]])
    with pytest.raises(ValueError, match="margin"):
        perceptron.linearly_separable_data(10, margin=0.7, seed=0)
    with pytest.raises(TypeError, match="seed"):
        perceptron.linearly_separable_data(10)


def test_perceptron_figures():
    x, y = perceptron.linearly_separable_data(20, seed=1)
    result = perceptron.train_perceptron(x, y)
    fig = perceptron.plot_perceptron_snapshots(x, y, result, steps=[0, -1])
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="steps"):
        perceptron.plot_perceptron_snapshots(x, y, result, steps=[10_000])
    with pytest.raises(TypeError, match="history"):
        perceptron.plot_perceptron_snapshots(x, y, {}, steps=[0])
    html = perceptron.animate_perceptron(x, y, result)
    assert "<script" in html.data
    plt.close("all")


# --------------------------------------------------------------------------- diagrams


def test_draw_network_draws_the_units_and_names_every_shape():
    ax = nn.draw_network([3136, 1000, 1000, 10])
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn == 6 + 6 + 6 + 6, "wide layers are capped at 6 circles"
    texts = " ".join(t.get_text() for t in ax.texts)
    for shape in ("(B, 3136)", "(B, 1000)", "(B, 10)", "(3136, 1000)", "(1000, 1000)", "(1000, 10)",
                  "(10,)"):
        assert shape in texts, shape
    assert texts.count("\u22ee") == 4, "every capped layer shows a gap"
    ax = nn.draw_network([2, 4, 1])
    assert sum(len(c.get_offsets()) for c in ax.collections) == 7
    assert "(B, 4)" in " ".join(t.get_text() for t in ax.texts)
    plt.close("all")


def test_draw_network_leaves_the_gap_free_and_aligns_the_weight_shapes():
    ax = nn.draw_network([3136, 1000, 10, 2])
    gaps = [t.get_position() for t in ax.texts if t.get_text() == "\u22ee"]
    points = np.concatenate([np.asarray(c.get_offsets()) for c in ax.collections])
    assert len(gaps) == 3, "three capped layers, three gaps"
    for x, y in gaps:
        beside = np.abs(points[:, 0] - x) < 1e-9
        assert beside.sum() == 6, "a capped column shows 6 circles"
        assert np.abs(points[beside, 1] - y).min() >= 0.8 - 1e-9, "a gap marker sits on a circle"
        assert points[beside, 1].min() < y < points[beside, 1].max(), "the gap is between the groups"
    weight_heights = {round(t.get_position()[1], 9) for t in ax.texts if "W^" in t.get_text()}
    assert len(weight_heights) == 1, f"weight shapes at several heights: {weight_heights}"
    plt.close("all")


def test_draw_network_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least one layer"):
        nn.draw_network([3])
    with pytest.raises(TypeError, match="list of ints"):
        nn.draw_network("23")
    with pytest.raises(ValueError, match="must be a positive int"):
        nn.draw_network([2, 0])


def test_draw_circuit_writes_values_above_and_gradients_below():
    nodes = {"x": (0, 0, "$x$", False), "w": (0, 1, "$w$", False), "m": (1, 0.5, "*", True)}
    ax = nn.draw_circuit(nodes, [("x", "m", 2.0, -0.5), ("w", "m", 0.25, 1.5), ("m", None, 0.5, 1.0)])
    texts = {t.get_text(): t for t in ax.texts}
    for value in ("2", "-0.5", "0.25", "1.5", "0.5", "1"):
        assert value in texts, value
    assert texts["2"].get_color() == "tab:green" and texts["-0.5"].get_color() == "tab:red"
    assert texts["2"].get_position()[1] > texts["-0.5"].get_position()[1], "value above, gradient below"
    assert len(ax.patches) == 1, "one circle per operation, none for inputs"
    plt.close("all")


def test_draw_circuit_rejects_bad_arguments():
    nodes = {"x": (0, 0, "$x$", False), "m": (1, 0, "*", True)}
    with pytest.raises(ValueError, match="not in nodes"):
        nn.draw_circuit(nodes, [("x", "y", 1.0, 1.0)])
    with pytest.raises(ValueError, match="finite"):
        nn.draw_circuit(nodes, [("x", "m", float("nan"), 1.0)])
    with pytest.raises(TypeError, match="nodes"):
        nn.draw_circuit([], [])
    with pytest.raises(TypeError, match="x, y, label"):
        nn.draw_circuit({"x": (0, 0)}, [])
    with pytest.raises(TypeError, match="each edge"):
        nn.draw_circuit(nodes, [("x", "m")])


def test_draw_neuron_labels_inputs_weights_and_bias():
    ax = nn.draw_neuron(2)
    texts = [t.get_text() for t in ax.texts]
    for label in ("$x_{1}$", "$x_{2}$", "$w_{1}$", "$w_{2}$", "$b$", "$1$", r"$\varphi$"):
        assert label in texts, label
    with pytest.raises(ValueError, match="between 1 and 6"):
        nn.draw_neuron(7)
    with pytest.raises(TypeError, match="n_inputs"):
        nn.draw_neuron(2.0)
    plt.close("all")
