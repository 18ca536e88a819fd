"""A small fully connected network in NumPy: forward, back-propagation, gradient descent.

Plain functions on a list of layers ``params = [(W1, b1), (W2, b2), ...]``; a
batch ``x`` holds one example per row, and each layer computes
``a = activation(a_prev @ W + b)`` with ``W`` of shape ``(inputs, units)``, the
layout of a Keras ``Dense`` kernel. Importing it never imports TensorFlow.

Taught in: chapter 3.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np

from helpers import _core
from helpers._validate import choice, integer, real, real_array

#: Activation names :func:`activation` and :func:`activation_derivative` know.
ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu")
#: Activations a network layer may use (``step`` has a zero gradient: nothing to learn).
LAYER_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu")
#: The losses :func:`train` knows, mean squared error and binary cross-entropy (sigmoid output).
LOSSES = ("mse", "bce")

Params = list[tuple[np.ndarray, np.ndarray]]

_EPS = 1e-6  # step of the central differences, as in the chapter's numerical_gradient
_MAX_UNITS = 6  # most circles draw_network shows per layer


# --------------------------------------------------------------------------- validation


def _check_sizes(layer_sizes) -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a list of ints, got {type(layer_sizes).__name__}")
    if len(layer_sizes) < 2:
        raise ValueError("layer_sizes needs inputs and at least one layer, "
                         f"got {list(layer_sizes)}")
    return [integer(s, "every layer size", minimum=1) for s in layer_sizes]


def _check_activation(name, layer: bool = False) -> str:
    if layer and isinstance(name, str) and name == "step":
        raise ValueError("activation 'step' has zero gradient, so a network cannot learn "
                         f"through it; expected one of {LAYER_ACTIVATIONS}")
    return choice(name, "activation", LAYER_ACTIVATIONS if layer else ACTIVATIONS)


def _check_params(params) -> Params:
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise TypeError("params must be a non-empty list of (W, b) pairs, as init_params returns")
    for i, layer in enumerate(params):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise TypeError(f"params[{i}] must be a (W, b) pair, got {type(layer).__name__}")
        weights, bias = layer
        if not isinstance(weights, np.ndarray) or not isinstance(bias, np.ndarray):
            raise TypeError(f"params[{i}] must hold NumPy arrays")
        dtype = params[0][0].dtype
        if weights.dtype not in (np.float32, np.float64) or {bias.dtype} != {weights.dtype, dtype}:
            raise TypeError(f"params[{i}] must be float32 or float64, W and b alike and like "
                            f"params[0] ({dtype}), got {weights.dtype} and {bias.dtype}")
        if weights.ndim != 2 or bias.shape != (weights.shape[1],):
            raise ValueError(f"params[{i}] must be W of shape (inputs, units) and b of shape "
                             f"(units,), got {weights.shape} and {bias.shape}")
        if i and weights.shape[0] != params[i - 1][0].shape[1]:
            raise ValueError(f"params[{i}] expects {weights.shape[0]} inputs but layer {i - 1} "
                             f"has {params[i - 1][0].shape[1]} units")
    return [tuple(layer) for layer in params]


def _check_activations(activations, n_layers: int) -> tuple[str, ...]:
    if isinstance(activations, str) or not isinstance(activations, Sequence):
        raise TypeError("activations must be a list of names, one per layer, "
                        f"e.g. ['tanh', 'sigmoid'], got {activations!r}")
    if len(activations) != n_layers:
        raise ValueError(f"activations has {len(activations)} names but params has "
                         f"{n_layers} layers")
    return tuple(_check_activation(a, layer=True) for a in activations)


def _check_loss(loss, activations: tuple[str, ...]) -> str:
    loss = choice(loss, "loss", LOSSES)
    if loss == "bce" and activations[-1] != "sigmoid":
        raise ValueError(
            f"loss 'bce' needs a 'sigmoid' output layer (probabilities), got {activations[-1]!r}"
        )
    return loss


def _check_x(x, params: Params) -> np.ndarray:
    x = real_array(x, "x", 2, dtype=params[0][0].dtype, allow_bool=False)
    if x.shape[1] != params[0][0].shape[0]:
        raise ValueError(f"x has {x.shape[1]} features per row but the first layer expects "
                         f"{params[0][0].shape[0]}")
    return x


def _check_y(y, n: int, units: int, dtype, loss: str) -> np.ndarray:
    y = real_array(y, "y", dtype=dtype, allow_bool=False)
    if y.ndim == 1 and units == 1:
        y = y[:, None]
    if y.shape != (n, units):
        raise ValueError(f"y must have shape ({n}, {units}) to match the output, got {y.shape}")
    if loss == "bce" and (y.min() < 0 or y.max() > 1):
        raise ValueError("y must lie in [0, 1] for the binary cross-entropy loss")
    return y


def _check_problem(params, x, y, activations, loss):
    params = _check_params(params)
    activations = _check_activations(activations, len(params))
    loss = _check_loss(loss, activations)
    x = _check_x(x, params)
    y = _check_y(y, x.shape[0], params[-1][0].shape[1], x.dtype, loss)
    return params, x, y, activations, loss


# --------------------------------------------------------------------------- activations


def _sigmoid(z):
    # exp(-log(1 + exp(-z))) never overflows, unlike 1 / (1 + exp(-z)) for very negative z.
    return np.exp(-np.logaddexp(0.0, -z)).astype(z.dtype, copy=False)


def _sigmoid_slope(z):
    s = _sigmoid(z)
    return s * (1 - s)


# name -> (function, derivative); ReLU's derivative is 0 at z = 0, as in TensorFlow.
_FUNCTIONS = {
    "linear": (np.copy, np.ones_like),
    "step": (lambda z: (z >= 0).astype(z.dtype), np.zeros_like),
    "sigmoid": (_sigmoid, _sigmoid_slope),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(z.dtype)),
}


def activation(z, name: str) -> np.ndarray:
    """Apply an activation function elementwise.

    Parameters
    ----------
    z : array_like of float, any shape
    name : {"linear", "step", "sigmoid", "tanh", "relu"}
        ``step`` is 1 where ``z >= 0``, else 0.

    Returns
    -------
    numpy.ndarray
        Same shape as ``z``; float64 unless ``z`` is already floating point.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``name`` is not a str.
    ValueError
        If ``name`` is unknown or ``z`` holds NaN.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> activation([-1.0, 0.0, 2.0], "relu")
    array([0., 0., 2.])
    """
    name = _check_activation(name)
    return _FUNCTIONS[name][0](real_array(z, "z", dtype=None, allow_bool=False))


def activation_derivative(z, name: str) -> np.ndarray:
    """Derivative of an activation function with respect to its input, elementwise.

    Parameters
    ----------
    z : array_like of float, any shape
    name : {"linear", "step", "sigmoid", "tanh", "relu"}
        The step's derivative is taken as 0 everywhere, ReLU's as 0 at ``z = 0`` (as TensorFlow).

    Returns
    -------
    numpy.ndarray
        Same shape as ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``name`` is not a str.
    ValueError
        If ``name`` is unknown or ``z`` holds NaN.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> activation_derivative([0.0], "sigmoid")
    array([0.25])
    """
    name = _check_activation(name)
    return _FUNCTIONS[name][1](real_array(z, "z", dtype=None, allow_bool=False))


# --------------------------------------------------------------------------- losses


def binary_cross_entropy(y_true, y_pred) -> float:
    """Binary cross-entropy averaged over every element, as Keras's ``"binary_crossentropy"``.

    Parameters
    ----------
    y_true : array_like of float in [0, 1]
    y_pred : array_like of float in [0, 1], same shape
        Predicted probabilities, clipped to ``[1e-12, 1 - 1e-12]``: a confident mistake costs
        a large, finite loss.

    Returns
    -------
    float
        ``-mean(y log p + (1 - y) log(1 - p))``.

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If the shapes differ, or an input holds NaN or leaves [0, 1].

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> round(binary_cross_entropy([1.0], [0.5]), 4)
    0.6931
    """
    y_true = real_array(y_true, "y_true", dtype=None, allow_bool=False)
    y_pred = real_array(y_pred, "y_pred", dtype=None, allow_bool=False)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    if y_true.min() < 0 or y_true.max() > 1:
        raise ValueError("y_true must lie in [0, 1]")
    if y_pred.min() < 0 or y_pred.max() > 1:
        raise ValueError("y_pred must hold probabilities in [0, 1]")
    p = np.clip(y_pred, 1e-12, 1 - 1e-12)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log1p(-p)))


def _loss_from_cache(cache: dict, y: np.ndarray, loss: str) -> float:
    if loss == "mse":
        return float(np.mean((cache["a"][-1] - y) ** 2))
    # BCE from the sigmoid's pre-activation z, finite however confident the network is:
    # -y log s(z) - (1 - y) log(1 - s(z)) = max(z, 0) - z y + log(1 + exp(-|z|))
    z = cache["z"][-1]
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


# --------------------------------------------------------------------------- the network


def init_params(layer_sizes: Sequence[int], *, seed: int, scale: float | None = None) -> Params:
    """Random float64 weights and zero biases for a fully connected network.

    Parameters
    ----------
    layer_sizes : sequence of int, length >= 2
        Inputs, then the units of each layer, e.g. ``[2, 4, 1]``.
    seed : int
    scale : float, optional
        Standard deviation of normal weights; by default Glorot-uniform, ``U(-r, r)`` with
        ``r = sqrt(6 / (inputs + units))``, as Keras's ``Dense``.

    Returns
    -------
    list of (W, b)
        ``W`` of shape ``(layer_sizes[l], layer_sizes[l + 1])``, ``b`` of ``(layer_sizes[l + 1],)``.

    Raises
    ------
    TypeError
        If a size or ``seed`` is not an int.
    ValueError
        If fewer than two sizes are given, a size is < 1, ``scale <= 0`` or ``seed < 0``.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> [(W.shape, b.shape) for W, b in init_params([2, 3, 1], seed=0)]
    [((2, 3), (3,)), ((3, 1), (1,))]
    """
    sizes = _check_sizes(layer_sizes)
    rng = np.random.default_rng(integer(seed, "seed", minimum=0))
    scale = real(scale, "scale", positive=True, optional=True)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        if scale is None:
            limit = math.sqrt(6.0 / (n_in + n_out))
            weights = rng.uniform(-limit, limit, size=(n_in, n_out))
        else:
            weights = rng.normal(0.0, scale, size=(n_in, n_out))
        params.append((weights, np.zeros(n_out)))
    return params


def forward(params: Params, x, activations: Sequence[str]) -> dict:
    """Run a batch through the network, keeping what back-propagation needs.

    Parameters
    ----------
    params : list of (W, b)
        As :func:`init_params` returns, float32 or float64.
    x : array_like of float, shape (n, d)
        Converted to the parameters' dtype.
    activations : sequence of str
        One name per layer from :data:`LAYER_ACTIVATIONS`.

    Returns
    -------
    dict
        ``"a"``: the layer outputs ``[x, a1, ..., aL]`` (``aL`` is the prediction);
        ``"z"``: the pre-activations ``[z1, ..., zL]``; ``"activations"``: the names.

    Raises
    ------
    TypeError
        If ``params`` or ``activations`` are malformed or ``x`` is not numeric.
    ValueError
        If ``x`` is not 2-D, has the wrong width or holds NaN, or a name is unknown.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> forward(init_params([2, 3, 1], seed=0), [[0.0, 1.0]], ["tanh", "sigmoid"])["a"][-1].shape
    (1, 1)
    """
    params = _check_params(params)
    activations = _check_activations(activations, len(params))
    return _forward(params, _check_x(x, params), activations)


def _forward(params: Params, x: np.ndarray, activations: tuple[str, ...]) -> dict:
    outputs, pre = [x], []
    for (weights, bias), name in zip(params, activations, strict=True):
        pre.append(outputs[-1] @ weights + bias)
        outputs.append(_FUNCTIONS[name][0](pre[-1]))
    return {"a": outputs, "z": pre, "activations": activations}


def predict(params: Params, x, activations: Sequence[str]) -> np.ndarray:
    """The network's output for a batch (for a sigmoid output, the probability of class 1).

    Parameters
    ----------
    params, x, activations
        As for :func:`forward`.

    Returns
    -------
    numpy.ndarray, shape (n, units of the last layer)

    Raises
    ------
    TypeError, ValueError
        As :func:`forward`.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> predict(init_params([2, 1], seed=0), [[0.0, 0.0]], ["sigmoid"])
    array([[0.5]])
    """
    return forward(params, x, activations)["a"][-1]


def loss_value(params: Params, x, y, activations: Sequence[str], loss: str) -> float:
    """The network's mean loss on a batch.

    Parameters
    ----------
    params, x, activations
        As for :func:`forward`.
    y : array_like of float, shape (n, units) (or (n,) for one output unit)
    loss : {"mse", "bce"}
        ``"bce"`` needs a sigmoid output; it is computed from the output's pre-activation,
        so it stays finite however confident the network is.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As :func:`forward`, or for an unknown loss, a ``y`` of the wrong shape, or ``"bce"``
        without a sigmoid output.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> round(loss_value(init_params([2, 1], seed=0), [[0.0, 0.0]], [1.0], ["sigmoid"], "bce"), 4)
    0.6931
    """
    params, x, y, activations, loss = _check_problem(params, x, y, activations, loss)
    return _loss_from_cache(_forward(params, x, activations), y, loss)


def backward(params: Params, cache: dict, y, loss: str) -> Params:
    """Back-propagation: the gradient of the mean loss with respect to every weight and bias.

    Parameters
    ----------
    params : list of (W, b)
        The parameters :func:`forward` used.
    cache : dict
        What :func:`forward` returned for the batch.
    y, loss
        As for :func:`loss_value`.

    Returns
    -------
    list of (dW, db)
        Same shapes and dtype as ``params``.

    Raises
    ------
    TypeError
        If ``params`` or ``cache`` are malformed.
    ValueError
        If ``cache`` does not match ``params``, or ``y`` or ``loss`` is wrong as for
        :func:`loss_value`.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> params = init_params([2, 3, 1], seed=0)
    >>> cache = forward(params, [[0.0, 1.0]], ["tanh", "sigmoid"])
    >>> [dW.shape for dW, db in backward(params, cache, [[1.0]], "bce")]
    [(2, 3), (3, 1)]
    """
    params = _check_params(params)
    if not isinstance(cache, dict) or not {"a", "z", "activations"} <= cache.keys():
        raise TypeError("cache must be the dict that forward() returned")
    activations = _check_activations(cache["activations"], len(params))
    if (len(cache["a"]) != len(params) + 1 or len(cache["z"]) != len(params)
            or any(z.ndim != 2 or z.shape[1] != w.shape[1]
                   for z, (w, _) in zip(cache["z"], params, strict=True))):
        raise ValueError("cache does not come from a forward pass through these params")
    loss = _check_loss(loss, activations)
    n, units = cache["a"][-1].shape
    y = _check_y(y, n, units, params[0][0].dtype, loss)
    return _backward(params, cache, y, loss)


def _backward(params: Params, cache: dict, y: np.ndarray, loss: str) -> Params:
    outputs, pre, names = cache["a"], cache["z"], cache["activations"]
    size = y.size  # the loss is a mean over every element
    if loss == "bce":  # sigmoid + cross-entropy: the sigmoid's derivative cancels
        delta = (outputs[-1] - y) / size
    else:
        delta = 2 * (outputs[-1] - y) / size * _FUNCTIONS[names[-1]][1](pre[-1])
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((outputs[layer].T @ delta, delta.sum(axis=0)))
        if layer:  # Delta_{l-1} = (Delta_l W_l^T) * act'(Z_{l-1})
            delta = (delta @ params[layer][0].T) * _FUNCTIONS[names[layer - 1]][1](pre[layer - 1])
    return grads[::-1]


def train(
    params: Params, x, y, activations: Sequence[str], *, loss: str, lr: float, epochs: int
) -> tuple[Params, np.ndarray]:
    """Full-batch gradient descent, ``W - lr * dW`` per step, recording the loss.

    The same steps as Keras's ``SGD`` with ``batch_size=n``.

    Parameters
    ----------
    params : list of (W, b)
        Starting parameters (left unchanged).
    x, y, activations, loss
        As for :func:`loss_value`.
    lr : float > 0
        Learning rate.
    epochs : int >= 1
        Number of steps.

    Returns
    -------
    params : list of (W, b)
    history : numpy.ndarray, shape (epochs,)
        The loss at the start of each step, before its update.

    Raises
    ------
    TypeError, ValueError
        As :func:`loss_value`, or for an ``lr`` or ``epochs`` that is not positive.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x, y = xor_data()
    >>> params, history = train(init_params([2, 4, 1], seed=0), x, y, ["tanh", "sigmoid"],
    ...                         loss="bce", lr=1.0, epochs=10)
    >>> history.shape
    (10,)
    """
    params, x, y, activations, loss = _check_problem(params, x, y, activations, loss)
    lr = real(lr, "lr", positive=True)
    epochs = integer(epochs, "epochs", minimum=1)
    history = np.empty(epochs)
    for epoch in range(epochs):
        cache = _forward(params, x, activations)
        history[epoch] = _loss_from_cache(cache, y, loss)
        grads = _backward(params, cache, y, loss)
        params = [(w - lr * dw, b - lr * db)
                  for (w, b), (dw, db) in zip(params, grads, strict=True)]
    return params, history


# --------------------------------------------------------------------------- gradient checking


def numerical_gradient(params: Params, x, y, activations: Sequence[str], loss: str) -> Params:
    """The loss gradient by central differences, ``(L(t + eps) - L(t - eps)) / (2 eps)``.

    One parameter at a time, with ``eps = 1e-6``: slow, but independent of the
    back-propagation code it checks.

    Parameters
    ----------
    params, x, y, activations, loss
        As for :func:`loss_value`; use float64 (in float32 rounding drowns the differences).

    Returns
    -------
    list of (dW, db)
        Same shapes and dtype as ``params``.

    Raises
    ------
    TypeError, ValueError
        As :func:`loss_value`.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x, y = xor_data()
    >>> params = init_params([2, 2, 1], seed=0)
    >>> [dW.shape for dW, db in numerical_gradient(params, x, y, ["tanh", "sigmoid"], "bce")]
    [(2, 2), (2, 1)]
    """
    return _numerical_gradient(*_check_problem(params, x, y, activations, loss))


def _numerical_gradient(params, x, y, activations, loss) -> Params:
    work = [(w.copy(), b.copy()) for w, b in params]

    def value() -> float:
        return _loss_from_cache(_forward(work, x, activations), y, loss)

    return [(_core.central_differences(value, weights, _EPS),
             _core.central_differences(value, bias, _EPS)) for weights, bias in work]


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` over all arrays of two gradient lists (0 if both are 0).

    Parameters
    ----------
    a, b : list of (dW, db) or array_like
        Two gradients of the same structure and shapes.

    Returns
    -------
    float
        About 1e-10 or less when float64 back-propagation is right; of order 1 when wrong.

    Raises
    ------
    ValueError
        If the sizes differ.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    """
    flat_a, flat_b = _flatten(a), _flatten(b)
    if flat_a.shape != flat_b.shape:
        raise ValueError(f"a has {flat_a.size} numbers but b has {flat_b.size}")
    denominator = np.linalg.norm(flat_a) + np.linalg.norm(flat_b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(flat_a - flat_b) / denominator)


def _flatten(grads) -> np.ndarray:
    if isinstance(grads, (list, tuple)) and grads and isinstance(grads[0], (list, tuple)):
        return np.concatenate([np.ravel(g) for layer in grads for g in layer]).astype(np.float64)
    return np.ravel(real_array(grads, "gradient", dtype=np.float64, allow_bool=False))


def gradient_check(params: Params, x, y, activations: Sequence[str], loss: str) -> float:
    """:func:`relative_error` between :func:`backward` and :func:`numerical_gradient`.

    Parameters
    ----------
    params, x, y, activations, loss
        As for :func:`numerical_gradient`.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As :func:`loss_value`.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x, y = xor_data()
    >>> gradient_check(init_params([2, 3, 1], seed=0), x, y, ["tanh", "sigmoid"], "bce") < 1e-6
    True
    """
    problem = _check_problem(params, x, y, activations, loss)
    params, x, y, activations, loss = problem
    analytic = _backward(params, _forward(params, x, activations), y, loss)
    return relative_error(analytic, _numerical_gradient(*problem))


# --------------------------------------------------------------------------- toy data


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points: the unit square's corners ``x`` (4, 2) and labels ``y`` (4, 1).

    Returns
    -------
    x : numpy.ndarray, shape (4, 2)
    y : numpy.ndarray, shape (4, 1)
        1 where exactly one coordinate is 1.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> xor_data()[1].ravel()
    array([0., 1., 1., 0.])
    """
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return x, np.logical_xor(x[:, 0], x[:, 1]).astype(np.float64)[:, None]


def make_moons(n: int = 200, *, noise: float = 0.1, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles that no straight line separates.

    :func:`sklearn.datasets.make_moons`, unshuffled, with labels as a column.

    Parameters
    ----------
    n : int >= 2, default 200
        Number of points; the second class gets the odd one.
    noise : float >= 0, default 0.1
        Standard deviation of the Gaussian noise on each coordinate.
    seed : int

    Returns
    -------
    x : numpy.ndarray of float64, shape (n, 2)
    y : numpy.ndarray of float64, shape (n, 1)
        0 for the upper moon, 1 for the lower one.

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an int, or ``noise`` not a number.
    ValueError
        If ``n < 2``, ``noise < 0`` or ``seed < 0``.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> x, y = make_moons(10, seed=0)
    >>> x.shape, y.shape, int(y.sum())
    ((10, 2), (10, 1), 5)
    """
    from sklearn.datasets import make_moons as sklearn_make_moons

    n = integer(n, "n", minimum=2)
    noise = real(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    seed = integer(seed, "seed", minimum=0)
    x, y = sklearn_make_moons(n, shuffle=False, noise=noise, random_state=seed)
    return x, y.astype(np.float64)[:, None]


# --------------------------------------------------------------------------- figures


def _check_labelled(x, y, plane: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as an (n, d) array, (n, 2) if ``plane``, and ``y`` as n labels 0 or 1."""
    x = real_array(x, "x", 2, dtype=None, allow_bool=False)
    if plane and x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {x.shape}")
    y = np.ravel(real_array(y, "y", dtype=None, allow_bool=False))
    if y.size != x.shape[0]:
        raise ValueError(f"y has {y.size} labels but x has {x.shape[0]} rows")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 and 1 only")
    return x, y


def _scatter_classes(ax, x: np.ndarray, y: np.ndarray, size: float) -> None:
    """Class 0 as blue circles, class 1 as red triangles, above any shading."""
    for label, marker, colour in ((0, "o", "tab:blue"), (1, "^", "tab:red")):
        points = x[y == label]
        ax.scatter(points[:, 0], points[:, 1], marker=marker, c=colour, edgecolors="black",
                   linewidths=0.5, s=size, label=f"class {label}", zorder=3)


def plot_decision_regions(predict_fn: Callable[[np.ndarray], np.ndarray], x, y, *, ax=None):
    """Shade the plane by a classifier's class-1 probability and draw the points.

    ``RdBu_r`` centred on 0.5, a black line at probability 0.5, class 0 as blue
    circles and class 1 as red triangles.

    Parameters
    ----------
    predict_fn : callable
        Maps an (m, 2) array to m probabilities, e.g. ``lambda p: predict(params, p, activations)``.
    x : array_like of float, shape (n, 2)
    y : array_like of 0/1, n elements
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made otherwise.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``predict_fn`` is not callable.
    ValueError
        If ``x`` is not (n, 2), ``y`` is not n labels 0/1, or ``predict_fn`` returns too few
        or too many values.

    Notes
    -----
    Taught in: chapter 3.
    """
    import matplotlib.pyplot as plt

    if not callable(predict_fn):
        raise TypeError(f"predict_fn must be callable, got {type(predict_fn).__name__}")
    x, y = _check_labelled(x, y, plane=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    low, high = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], 150),
                                 np.linspace(low[1], high[1], 150))
    probability = np.asarray(predict_fn(np.column_stack([grid_x.ravel(), grid_y.ravel()])))
    if probability.size != grid_x.size:
        raise ValueError(f"predict_fn returned {probability.size} values for {grid_x.size} points")
    probability = probability.astype(np.float64).reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                vmin=0, vmax=1, alpha=0.6)
    if probability.min() < 0.5 < probability.max():
        ax.contour(grid_x, grid_y, probability, levels=[0.5], colors="black", linewidths=1.2)
    _scatter_classes(ax, x, y, 30)
    ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]), xlabel="$x_1$", ylabel="$x_2$")
    ax.set_aspect("equal")
    return ax


# --------------------------------------------------------------------------- diagrams


def draw_network(layer_sizes: Sequence[int], *, ax=None):
    """Draw a fully connected network as circles and lines, with each array's shape.

    Under each column the shape ``(B, n)`` of its activations for a batch of ``B``,
    between columns the shapes of ``W`` and ``b``. A layer wider than 6 units shows
    6 circles around a gap marked by dots, so the article's 1,000-unit layers fit.

    Parameters
    ----------
    layer_sizes : sequence of int, length >= 2
        Inputs, then the units of each layer, as for :func:`init_params`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made otherwise.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If fewer than two sizes are given or a size is < 1.

    Notes
    -----
    Taught in: chapter 3.
    """
    import matplotlib.pyplot as plt

    sizes = _check_sizes(layer_sizes)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * len(sizes) + 1, 3.6))
    top = 0.4 * (_MAX_UNITS + 1)

    def rows(n):
        # Heights of a layer's drawn circles, and of its gap marker (None: no gap).
        if n <= _MAX_UNITS:
            return np.linspace(-(n - 1) / 2, (n - 1) / 2, n) * 0.8, None
        slots = np.arange(_MAX_UNITS + 1) * 0.8
        slots -= slots.mean()
        gap = _MAX_UNITS // 2  # the empty slot between the two groups
        return np.delete(slots, gap), float(slots[gap])

    columns = [rows(n) for n in sizes]
    for layer in range(len(sizes) - 1):
        for y0 in columns[layer][0]:
            for y1 in columns[layer + 1][0]:
                ax.plot([layer, layer + 1], [y0, y1], color="0.75", lw=0.6, zorder=1)
        ax.text(layer + 0.5, top + 0.3,
                f"$W^{{({layer + 1})}}$: ({sizes[layer]}, {sizes[layer + 1]})\n"
                f"$b^{{({layer + 1})}}$: ({sizes[layer + 1]},)", ha="center", va="bottom",
                fontsize=8)
    for layer, ((ys, gap), n) in enumerate(zip(columns, sizes, strict=True)):
        colour = ("tab:gray" if layer == 0
                  else "tab:orange" if layer == len(sizes) - 1 else "tab:blue")
        ax.scatter(np.full(ys.size, layer), ys, s=260, c=colour, edgecolors="black", zorder=2)
        if gap is not None:
            ax.text(layer, gap, "\u22ee", ha="center", va="center", fontsize=14, zorder=3,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        label = "inputs $X = A^{(0)}$\n$X$" if layer == 0 else f"layer {layer}\n$A^{{({layer})}}$"
        ax.text(layer, -top, f"{label}: (B, {n})", ha="center", va="top", fontsize=8)
    ax.set(xlim=(-0.6, len(sizes) - 0.4), ylim=(-top - 1.0, top + 1.4))
    ax.axis("off")
    return ax


def draw_circuit(nodes: dict, edges: Sequence, *, ax=None):
    """Draw a computation graph with forward values above each wire and gradients below.

    Back-propagation on one example, after the "circuits" of Stanford's CS231n:
    operations are circles; each wire carries a value forwards (green) and the
    loss's gradient with respect to it backwards (red).

    Parameters
    ----------
    nodes : dict
        ``name -> (x, y, label, is_operation)``; operations get a circle, inputs plain text.
    edges : sequence of (source, target, value, gradient)
        Node names (``target`` ``None``: the final output, an arrow to the right) and two
        numbers (``gradient`` ``None``: show the value only).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made otherwise.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``nodes`` is not a dict or an entry is malformed.
    ValueError
        If an edge names a node that does not exist, or a number is not finite.

    Notes
    -----
    Taught in: chapter 3.

    Examples
    --------
    >>> nodes = {"x": (0, 0, "$x$", False), "sq": (1, 0, "^2", True)}
    >>> ax = draw_circuit(nodes, [("x", "sq", 3.0, 6.0), ("sq", None, 9.0, 1.0)])
    """
    import matplotlib.pyplot as plt

    if not isinstance(nodes, dict) or not nodes:
        raise TypeError("nodes must be a non-empty dict name -> (x, y, label, is_operation)")
    for name, entry in nodes.items():
        if not isinstance(entry, (tuple, list)) or len(entry) != 4:
            raise TypeError(f"nodes[{name!r}] must be (x, y, label, is_operation), got {entry!r}")
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Sequence):
        raise TypeError("edges must be a list of (source, target, value, gradient)")
    for edge in edges:
        if not isinstance(edge, (tuple, list)) or len(edge) != 4:
            raise TypeError(f"each edge must be (source, target, value, gradient), got {edge!r}")
        source, target, value, gradient = edge
        if source not in nodes or (target is not None and target not in nodes):
            raise ValueError(f"edge {edge!r} names a node that is not in nodes")
        if not all(isinstance(v, numbers.Real) and math.isfinite(v)
                   for v in (value, 0.0 if gradient is None else gradient)):
            raise ValueError(f"edge {edge!r}: value and gradient must be finite numbers")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.5))
    radius, size = 0.3, 9
    for x, y, label, is_operation in nodes.values():
        if is_operation:
            ax.add_patch(plt.Circle((x, y), radius, facecolor="white", edgecolor="black", zorder=2))
        ax.text(x, y, label, ha="center", va="center", fontsize=size + 1, zorder=3)
    for source, target, value, gradient in edges:
        x0, y0 = nodes[source][:2]
        x1, y1 = (x0 + 1.5, y0) if target is None else nodes[target][:2]
        direction = np.array([x1 - x0, y1 - y0], dtype=float)
        unit = direction / (float(np.hypot(*direction)) or 1.0)
        start = np.array([x0, y0]) + unit * (radius if nodes[source][3] else 0.25)
        into_circle = target is not None and nodes[target][3]
        end = np.array([x1, y1]) - unit * (radius if into_circle else 0.0)
        ax.annotate("", xy=end, xytext=start, zorder=1,
                    arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 1.2})
        middle = (start + end) / 2
        normal = np.array([-unit[1], unit[0]]) if unit[0] >= 0 else np.array([unit[1], -unit[0]])
        for number, colour, side in ((value, "tab:green", 1), (gradient, "tab:red", -1)):
            if number is not None:
                ax.text(*(middle + side * 0.2 * normal), f"{float(number):.3g}", color=colour,
                        ha="center", va="center", fontsize=size, zorder=4)
    xs = [entry[0] for entry in nodes.values()]
    xs += [nodes[s][0] + 1.5 for s, t, *_ in edges if t is None]
    ys = [entry[1] for entry in nodes.values()]
    ax.set(xlim=(min(xs) - 0.5, max(xs) + 0.3), ylim=(min(ys) - 0.6, max(ys) + 0.6))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_neuron(n_inputs: int = 3, *, ax=None):
    """Draw one neuron: inputs and weights, the sum ``z`` with the bias, the activation.

    Parameters
    ----------
    n_inputs : int, default 3
        Number of inputs drawn (1 to 6); the bias ``b`` is drawn as the weight of an input 1.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made otherwise.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``n_inputs`` is not an int.
    ValueError
        If ``n_inputs`` is not between 1 and 6.

    Notes
    -----
    Taught in: chapter 3.
    """
    import matplotlib.pyplot as plt

    n_inputs = integer(n_inputs, "n_inputs", minimum=1)
    if n_inputs > 6:
        raise ValueError(f"n_inputs must be between 1 and 6, got {n_inputs}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    ys = np.linspace(1.0, -1.0, n_inputs + 1) if n_inputs > 1 else np.array([0.5, -0.5])
    arrow = {"arrowstyle": "->", "color": "0.3", "lw": 1.2}
    for i, y in enumerate(ys):
        bias = i == len(ys) - 1
        ax.text(0, y, "$1$" if bias else f"$x_{{{i + 1}}}$", ha="center", va="center", fontsize=12,
                bbox={"boxstyle": "circle", "facecolor": "0.9" if bias else "white"})
        ax.annotate("", xy=(1.75, 0), xytext=(0.2, y), arrowprops=arrow)
        ax.text(0.85, y * 0.62 + 0.08, "$b$" if bias else f"$w_{{{i + 1}}}$", ha="center",
                va="bottom", fontsize=11, color="tab:blue")
    ax.add_patch(plt.Circle((2.0, 0), 0.25, facecolor="white", edgecolor="black"))
    ax.text(2.0, 0, r"$\Sigma$", ha="center", va="center", fontsize=14)
    ax.annotate("", xy=(3.05, 0), xytext=(2.25, 0), arrowprops=arrow)
    ax.text(2.65, 0.08, "$z$", ha="center", va="bottom", fontsize=12)
    ax.add_patch(plt.Rectangle((3.05, -0.25), 0.5, 0.5, facecolor="white", edgecolor="black"))
    ax.text(3.3, 0, r"$\varphi$", ha="center", va="center", fontsize=14)
    ax.annotate("", xy=(4.3, 0), xytext=(3.55, 0), arrowprops=arrow)
    ax.text(3.95, 0.08, "$a$", ha="center", va="bottom", fontsize=12)
    ax.text(2.0, -0.45, r"$z = \sum_i w_i x_i + b$", ha="center", va="top", fontsize=10)
    ax.text(3.3, -0.45, r"$a = \varphi(z)$", ha="center", va="top", fontsize=10)
    ax.set(xlim=(-0.3, 4.5), ylim=(-1.3, 1.3))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
