"""Convolutional networks for MNIST: the article's model, its modern variants, their figures.

The article's network and recipe in backend-neutral Keras 3 (TensorFlow or
JAX), :class:`Variant` to change its choices one at a time, and figures of
what a network does. Importing this module imports Keras: in a notebook call
:func:`helpers.setup` with ``keras=True`` first. Taught in: chapters 6 and 7.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import keras
import numpy as np

from helpers._validate import choice, integer, real_array

if TYPE_CHECKING:  # matplotlib is imported where a figure is drawn, so that training
    from matplotlib.figure import Figure  # scripts (tools/train_bench.py) do not need it

__all__ = [
    "ARTICLE_PARAMS",
    "BatchHistory",
    "TrainResult",
    "Variant",
    "accuracy",
    "article_model",
    "article_optimizer",
    "as_inputs",
    "augmentation",
    "build_variant",
    "draw_model",
    "layer_output",
    "plot_batch_history",
    "plot_confusion",
    "plot_feature_maps",
    "plot_filters",
    "plot_misclassified",
    "predict_classes",
    "train_variant",
]

#: Side of an MNIST image, in pixels.
SIDE = 28
#: Number of classes (the digits 0-9).
N_CLASSES = 10
#: The trainable parameters of each weighted layer of the article's model.
ARTICLE_PARAMS = {
    "conv1": 3 * 3 * 1 * 32,  # 288: 32 kernels of 3x3 on one channel, no bias
    "conv2": 3 * 3 * 32 * 64,  # 18,432: 64 kernels of 3x3x32, no bias
    "dense1": 7 * 7 * 64 * 1000 + 1000,  # 3,137,000
    "dense2": 1000 * 1000 + 1000,  # 1,001,000
    "output": 1000 * 10 + 10,  # 10,010
}

_LOSSES = ("mse", "crossentropy")
_POOLINGS = ("average", "max")
_OPTIMIZERS = ("sgd", "adam")
_SCHEDULES = ("constant", "cosine")


# --------------------------------------------------------------------------- validation


def _check_images(name: str, images) -> np.ndarray:
    """Return ``images`` as an array of shape (N, 28, 28) or (N, 784)."""
    array = np.asarray(images)
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold grey levels (integers or floats), got {array.dtype}")
    if array.ndim == 2 and array.shape[1] == SIDE * SIDE:
        return array
    if array.ndim == 3 and array.shape[1:] == (SIDE, SIDE):
        return array
    raise ValueError(f"{name} must have shape (N, 28, 28) or (N, 784), got {array.shape}")


def _check_labels(name: str, labels, n: int | None = None) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must be a 1-D array of integer labels, got {array.dtype} "
                        f"of shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= N_CLASSES):
        raise ValueError(f"{name} must hold digits 0-9, found {array.min()}..{array.max()}")
    if n is not None and len(array) != n:
        raise ValueError(f"{name} has {len(array)} labels, expected {n} (one per image)")
    return array


# This module's call sites (inside the training code that helpers.experiments.code_hash
# covers) name the argument first; the checks themselves are helpers._validate's.
def _check_int(name: str, value, minimum: int) -> int:
    return integer(value, name, minimum=minimum)


def _check_choice(name: str, value, choices: Sequence[str]) -> str:
    return choice(value, name, choices)


def _check_model(model) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    return model


# --------------------------------------------------------------------------- the article


def as_inputs(images) -> np.ndarray:
    """Turn digit images into the article's input: rows of 784 raw grey levels (0-255).

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
        Grey levels, usually uint8 from :func:`helpers.data.load_mnist`.

    Returns
    -------
    numpy.ndarray of float32, shape (N, 784)
        The same grey levels, unscaled, one digit per row.

    Raises
    ------
    TypeError, ValueError
        If ``images`` does not hold numbers or has another shape.

    Notes
    -----
    Taught in: chapter 6.

    Examples
    --------
    >>> as_inputs(np.zeros((2, 28, 28), np.uint8)).shape
    (2, 784)
    """
    array = _check_images("images", images)
    return array.reshape(len(array), SIDE * SIDE).astype(np.float32)


def _article_init():
    return keras.initializers.RandomUniform(minval=-0.05, maxval=0.05)


def article_model() -> keras.Sequential:
    """The article's network for MNIST, layer for layer, in Keras 3 (not compiled).

    784 grey levels -> 28x28x1 -> 32 convolutions 3x3 -> 2x2 average pooling
    -> 64 convolutions 3x3 -> 2x2 average pooling -> 1,000 sigmoid units ->
    1,000 sigmoid units -> 10 linear outputs. The convolutions have "same"
    padding, no bias and no activation, weights uniform in [-0.05, 0.05].

    Returns
    -------
    keras.Sequential
        Layers ``reshape``, ``conv1``, ``pool1``, ``conv2``, ``pool2``,
        ``flatten``, ``dense1``, ``dense2``, ``output``; input shape (None, 784).

    Notes
    -----
    Taught in: chapter 6. Channels-last (the article: channels-first; same
    :data:`ARTICLE_PARAMS`).

    Examples
    --------
    >>> article_model().count_params()
    4166730
    """
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(SIDE * SIDE,), name="pixels"),
            layers.Reshape((SIDE, SIDE, 1), name="reshape"),
            layers.Conv2D(32, 3, padding="same", use_bias=False,
                          kernel_initializer=_article_init(), name="conv1"),
            layers.AveragePooling2D(2, name="pool1"),
            layers.Conv2D(64, 3, padding="same", use_bias=False,
                          kernel_initializer=_article_init(), name="conv2"),
            layers.AveragePooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(1000, activation="sigmoid", name="dense1"),
            layers.Dense(1000, activation="sigmoid", name="dense2"),
            layers.Dense(N_CLASSES, activation="linear", name="output"),
        ],
        name="article_cnn",
    )


def article_optimizer() -> keras.optimizers.SGD:
    """The article's optimizer: SGD, lr 0.01 decayed 1e-6 per step, Nesterov momentum 0.9.

    Keras 1's ``decay`` divided the rate by ``1 + decay * step``; Keras 3
    writes it as :class:`keras.optimizers.schedules.InverseTimeDecay`.

    Returns
    -------
    keras.optimizers.SGD
        A fresh optimizer (each model needs its own).

    Notes
    -----
    Taught in: chapter 6.
    """
    schedule = keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6
    )
    return keras.optimizers.SGD(learning_rate=schedule, momentum=0.9, nesterov=True)


class BatchHistory(keras.callbacks.Callback):
    """Record the loss and accuracy of every training batch, as Keras 1 reported them.

    Keras 3 reports the running mean since the epoch began; this callback
    undoes it, weighting each batch by its size (the last one holds the rest).

    Parameters
    ----------
    n_samples : int
        Training examples in one epoch (``len(x_train)``).
    batch_size : int
        The ``batch_size`` given to ``fit``.

    Attributes
    ----------
    loss, accuracy : list of float
        One value per batch (the metric must be named ``"accuracy"``).
    epoch : list of int
        The epoch (from 0) of each batch.

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` or ``batch_size`` is not a positive int.

    Notes
    -----
    Taught in: chapter 6.
    """

    def __init__(self, n_samples: int, batch_size: int):
        super().__init__()
        self.n_samples = _check_int("n_samples", n_samples, 1)
        self.batch_size = _check_int("batch_size", batch_size, 1)
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.epoch: list[int] = []
        self._running = {"loss": 0.0, "accuracy": 0.0}  # Keras' last running mean
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = int(epoch)

    def on_train_batch_end(self, batch, logs=None):
        seen_before = min(batch * self.batch_size, self.n_samples)
        seen = min((batch + 1) * self.batch_size, self.n_samples)
        for key, per_batch in (("loss", self.loss), ("accuracy", self.accuracy)):
            mean = float((logs or {}).get(key, math.nan))
            previous = self._running[key] if batch > 0 else 0.0
            self._running[key] = mean
            per_batch.append((mean * seen - previous * seen_before) / max(seen - seen_before, 1))
        self.epoch.append(self._current_epoch)


def predict_classes(model, inputs) -> np.ndarray:
    """Keras 1's ``model.predict_classes``: ``argmax(model.predict(inputs), axis=1)``.

    Parameters
    ----------
    model : keras.Model
        A model with 10 outputs per example.
    inputs : array_like
        Inputs of the shape the model expects.

    Returns
    -------
    numpy.ndarray of int64, shape (N,)

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model.

    Notes
    -----
    Taught in: chapter 6.
    """
    _check_model(model)
    # Batches of 500 divide the book's 2,500 and 10,000 test digits: one compiled step.
    outputs = model.predict(np.asarray(inputs), batch_size=500, verbose=0)
    return np.argmax(outputs, axis=1).astype(np.int64)


def accuracy(y_true, y_pred) -> float:
    """Fraction of labels predicted correctly (scikit-learn's ``accuracy_score``).

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (N,)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the arrays are empty or their lengths differ.

    Notes
    -----
    Taught in: no chapter (used by tools/train_bench.py).

    Examples
    --------
    >>> accuracy([1, 2, 3, 4], [1, 2, 3, 0])
    0.75
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"y_true and y_pred must be non-empty 1-D arrays of one length, got "
                         f"shapes {y_true.shape} and {y_pred.shape}")
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(y_true, y_pred))


# --------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variant:
    """One training recipe: the article's choices (the defaults), or any of them changed.

    Chapter 7 changes one choice at a time: ``replace(Variant(), scale=True)``.

    Parameters
    ----------
    scale : bool, default False
        Divide the grey levels by 255 inside the model (the article fed 0-255).
    loss : {"mse", "crossentropy"}, default "mse"
        MSE on one-hot targets (the article), or softmax cross-entropy from the logits.
    activation : {"sigmoid", "relu"}, default "sigmoid"
        The hidden dense layers' activation.
    conv_activation : {"linear", "relu"}, default "linear"
        Applied after each convolution (the article applied none).
    pooling : {"average", "max"}, default "average"
    optimizer : {"sgd", "adam"}, default "sgd"
        The article's SGD (rate 0.01, Nesterov momentum 0.9), or Adam at rate 1e-3.
    schedule : {"constant", "cosine"}, default "constant"
        ``"cosine"``: the rate falls to 0 along a half cosine over the whole
        training; ``"constant"``: Adam's rate fixed, SGD on the article's 1e-6 decay.
    batchnorm : bool, default False
        Batch normalisation after every convolution and hidden dense layer.
    dropout : float, default 0.0
        Dropout rate after each hidden dense layer (0 for none).
    augment : bool, default False
        Random rotations, zooms and shifts of each training batch (:func:`augmentation`).
    filters : tuple of int, default (32, 64)
        Convolutions of each block (3x3, then 2x2 pooling); ``()`` for a perceptron.
    dense : tuple of int, default (1000, 1000)
        Units of the hidden dense layers.
    batch_size : int, default 32
    epochs : int, default 10

    Raises
    ------
    TypeError, ValueError
        If a field has the wrong type or an unknown value.

    Notes
    -----
    Taught in: chapter 7.

    Examples
    --------
    >>> Variant().loss, dataclasses.replace(Variant(), loss="crossentropy").loss
    ('mse', 'crossentropy')
    """

    scale: bool = False
    loss: str = "mse"
    activation: str = "sigmoid"
    conv_activation: str = "linear"
    pooling: str = "average"
    optimizer: str = "sgd"
    schedule: str = "constant"
    batchnorm: bool = False
    dropout: float = 0.0
    augment: bool = False
    filters: tuple[int, ...] = (32, 64)
    dense: tuple[int, ...] = (1000, 1000)
    batch_size: int = 32
    epochs: int = 10

    def __post_init__(self):
        for name in ("scale", "batchnorm", "augment"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a bool, got {getattr(self, name)!r}")
        _check_choice("loss", self.loss, _LOSSES)
        _check_choice("activation", self.activation, ("sigmoid", "relu"))
        _check_choice("conv_activation", self.conv_activation, ("linear", "relu"))
        _check_choice("pooling", self.pooling, _POOLINGS)
        _check_choice("optimizer", self.optimizer, _OPTIMIZERS)
        _check_choice("schedule", self.schedule, _SCHEDULES)
        if not (isinstance(self.dropout, numbers.Real) and 0.0 <= self.dropout < 1.0):
            raise ValueError(f"dropout must be a rate in [0, 1), got {self.dropout!r}")
        for name in ("filters", "dense"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(
                isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0
                for v in value
            ):
                raise TypeError(f"{name} must be a tuple of positive ints, got {value!r}")
        if len(self.filters) > 2:
            raise ValueError(f"filters allows at most 2 blocks on 28x28 digits (each halves "
                             f"the side; 7x7 is small enough), got {self.filters!r}")
        _check_int("batch_size", self.batch_size, 1)
        _check_int("epochs", self.epochs, 1)

    def changes(self) -> dict:
        """The fields that differ from the article's recipe, as a dict."""
        article = Variant()
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != getattr(article, f.name)}


def augmentation() -> keras.Sequential:
    """Chapter 7's data augmentation: Keras' random rotation, zoom and shift layers.

    Up to 10 degrees, 10 % and 2 pixels, drawn afresh for every image; pixels
    brought in are 0 (black). Active only while training.

    Returns
    -------
    keras.Sequential
        Three layers, on images of shape (batch, 28, 28, 1).

    Notes
    -----
    Taught in: chapter 7.
    """
    layers = keras.layers
    return keras.Sequential(
        [
            layers.RandomRotation(10 / 360, fill_mode="constant", name="rotate"),
            layers.RandomZoom(0.1, fill_mode="constant", name="zoom"),
            layers.RandomTranslation(2 / SIDE, 2 / SIDE, fill_mode="constant", name="shift"),
        ],
        name="augment",
    )


def _optimizer(variant: Variant, steps: int):
    if variant.optimizer == "sgd" and variant.schedule == "constant":
        return article_optimizer()
    rate = 0.01 if variant.optimizer == "sgd" else 1e-3
    if variant.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps)
    if variant.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=rate, momentum=0.9, nesterov=True)
    return keras.optimizers.Adam(learning_rate=rate)


def build_variant(variant: Variant | None = None, *, n_train: int = 7500) -> keras.Sequential:
    """Build and compile the network a :class:`Variant` describes.

    Inputs are always the article's raw rows (:func:`as_inputs`): scaling and
    augmentation happen inside the model. ``build_variant(Variant())`` is
    :func:`article_model` compiled with the article's loss and optimizer.

    Parameters
    ----------
    variant : Variant, optional
        The recipe; the article's when omitted.
    n_train : int, default 7500
        Training digits (with epochs and batch size: the cosine schedule's length).

    Returns
    -------
    keras.Sequential
        Compiled, with one metric named ``"accuracy"``; its outputs are logits.

    Raises
    ------
    TypeError, ValueError
        If ``variant`` is not a :class:`Variant` or ``n_train`` not a positive int.

    Notes
    -----
    Taught in: no chapter (used by train_variant).
    """
    variant = Variant() if variant is None else variant
    if not isinstance(variant, Variant):
        raise TypeError(f"variant must be a Variant, got {type(variant).__name__}")
    n_train = _check_int("n_train", n_train, 1)
    layers = keras.layers
    use_bn = variant.batchnorm
    stack: list = [keras.Input(shape=(SIDE * SIDE,), name="pixels"),
                   layers.Reshape((SIDE, SIDE, 1), name="reshape")]
    if variant.scale:
        stack.append(layers.Rescaling(1 / 255, name="scale"))
    if variant.augment:
        stack.append(augmentation())
    pool = layers.AveragePooling2D if variant.pooling == "average" else layers.MaxPooling2D
    for block, n_filters in enumerate(variant.filters, start=1):
        stack.append(layers.Conv2D(n_filters, 3, padding="same", use_bias=False,
                                   kernel_initializer=_article_init(), name=f"conv{block}"))
        if use_bn:
            stack.append(layers.BatchNormalization(momentum=0.9, name=f"bn_conv{block}"))
        if variant.conv_activation != "linear":
            stack.append(layers.Activation(variant.conv_activation, name=f"act_conv{block}"))
        stack.append(pool(2, name=f"pool{block}"))
    stack.append(layers.Flatten(name="flatten"))
    for i, units in enumerate(variant.dense, start=1):
        stack.append(layers.Dense(units, use_bias=not use_bn, name=f"dense{i}"))
        if use_bn:
            stack.append(layers.BatchNormalization(momentum=0.9, name=f"bn_dense{i}"))
        stack.append(layers.Activation(variant.activation, name=f"act_dense{i}"))
        if variant.dropout > 0:
            stack.append(layers.Dropout(variant.dropout, name=f"dropout{i}"))
    stack.append(layers.Dense(N_CLASSES, name="output"))
    model = keras.Sequential(stack, name="variant")
    loss = (keras.losses.MeanSquaredError() if variant.loss == "mse"
            else keras.losses.CategoricalCrossentropy(from_logits=True))
    steps = variant.epochs * math.ceil(n_train / variant.batch_size)
    model.compile(optimizer=_optimizer(variant, steps), loss=loss,
                  metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")])
    return model


@dataclass
class TrainResult:
    """What :func:`train_variant` measured.

    Attributes
    ----------
    accuracy : float
        Accuracy on the evaluation digits, after training.
    seconds, cpu_seconds : float
        Wall-clock and processor time (all threads) of ``fit``.
    epochs, n_train : int
        Epochs trained and number of training digits.
    history : dict of str to list of float
        Keras' per-epoch ``loss``, ``accuracy`` and, if evaluated, ``val_loss``, ``val_accuracy``.
    model : keras.Model or None
        The trained model (None unless kept).

    Notes
    -----
    Taught in: no chapter (used by train_variant, the type it returns).
    """

    accuracy: float
    seconds: float
    cpu_seconds: float
    epochs: int
    n_train: int
    history: dict
    model: keras.Model | None = dataclasses.field(repr=False)


def train_variant(
    variant: Variant | None,
    x_train,
    y_train,
    x_eval,
    y_eval,
    *,
    seed: int = 0,
    epochs: int | None = None,
    every_epoch: bool = True,
    verbose: int = 0,
    callbacks: Sequence | None = None,
    keep_model: bool = True,
) -> TrainResult:
    """Train one variant from a fresh seed, then measure its accuracy.

    Parameters
    ----------
    variant : Variant or None
        The recipe (None: the article's).
    x_train, x_eval : array_like, shape (N, 28, 28) or (N, 784)
        Raw grey levels (uint8 from :func:`helpers.data.load_mnist`).
    y_train, y_eval : array_like of int, shape (N,)
        Digits 0-9.
    seed : int, default 0
        Seeds Python, NumPy and Keras, so a rerun repeats weights, batches and augmentation.
    epochs : int, optional
        Overrides the variant's epochs.
    every_epoch : bool, default True
        Also score the evaluation digits after every epoch (off for a test split used once).
    verbose : int, default 0
        Keras' progress output: 0 nothing, 2 one line per epoch.
    callbacks : sequence of keras.callbacks.Callback, optional
    keep_model : bool, default True
        Return the trained model; with False clear Keras' session (a loop's memory stays flat).

    Returns
    -------
    TrainResult

    Raises
    ------
    TypeError, ValueError
        If the data, ``seed`` or ``epochs`` are malformed.

    Notes
    -----
    Taught in: chapter 7.
    """
    variant = Variant() if variant is None else variant
    if epochs is not None:
        variant = dataclasses.replace(variant, epochs=_check_int("epochs", epochs, 1))
    x_train = as_inputs(x_train)
    y_train = _check_labels("y_train", y_train, len(x_train))
    x_eval = as_inputs(x_eval)
    y_eval = _check_labels("y_eval", y_eval, len(x_eval))
    seed = _check_int("seed", seed, 0)
    keras.utils.set_random_seed(seed)
    model = build_variant(variant, n_train=len(x_train))
    targets = keras.utils.to_categorical(y_train, N_CLASSES)
    validation = (x_eval, keras.utils.to_categorical(y_eval, N_CLASSES)) if every_epoch else None
    start, start_cpu = time.perf_counter(), time.process_time()
    fit = model.fit(x_train, targets, batch_size=variant.batch_size, epochs=variant.epochs,
                    verbose=verbose, validation_data=validation, callbacks=list(callbacks or []))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    outputs = model.predict(x_eval, batch_size=500, verbose=0)
    score = float(np.mean(np.argmax(outputs, axis=1) == y_eval))
    history = {key: [float(v) for v in values] for key, values in fit.history.items()}
    if not keep_model:
        del model
        keras.backend.clear_session()
        model = None
    return TrainResult(score, seconds, cpu_seconds, variant.epochs, len(x_train), history, model)


def layer_output(model, inputs, layer: str) -> np.ndarray:
    """What one layer of a model outputs for a batch of inputs (in inference mode).

    Parameters
    ----------
    model : keras.Model
        A model built with ``keras.Input`` (so its layers' outputs are known).
    inputs : array_like
        A batch of inputs of the shape the model expects.
    layer : str
        The name of the layer to look at.

    Returns
    -------
    numpy.ndarray
        The layer's output, one row (or map) per input.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a Keras model or has no layer ``layer``.

    Notes
    -----
    Taught in: chapter 7.

    Examples
    --------
    >>> layer_output(article_model(), np.zeros((2, 784)), "dense1").shape
    (2, 1000)
    """
    _check_model(model)
    try:
        output = model.get_layer(layer).output
    except ValueError as exc:
        raise ValueError(f"layer must name a layer of the model, got {layer!r}") from exc
    probe = keras.Model(inputs=model.inputs[0], outputs=output)
    return keras.ops.convert_to_numpy(probe(np.asarray(inputs, dtype=np.float32),
                                            training=False))


# --------------------------------------------------------------------------- figures


def draw_model(model) -> Figure:
    """Draw a sequential model as a column of boxes, one per layer (no graphviz needed).

    Each box gives the layer's name, type, output shape per example and
    parameter count; arrows show the data's path.

    Parameters
    ----------
    model : keras.Model
        A built model whose layers form a chain (a ``keras.Sequential``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model.

    Notes
    -----
    Taught in: chapter 6.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    _check_model(model)
    rows = [("input", "Input", tuple(model.inputs[0].shape)[1:], 0)]
    rows += [(layer.name, type(layer).__name__, tuple(layer.output.shape)[1:],
              int(layer.count_params())) for layer in model.layers]
    n = len(rows)
    colours = {"Conv2D": "#9ecae1", "Dense": "#fdae6b", "AveragePooling2D": "#c7e9c0",
               "MaxPooling2D": "#c7e9c0", "BatchNormalization": "#dadaeb"}
    fig, ax = plt.subplots(figsize=(6.5, 0.55 * n + 0.3))
    ax.set_xlim(0, 1)
    ax.set_ylim(n, 0)
    ax.axis("off")
    for i, (name, kind, shape, params) in enumerate(rows):
        box = FancyBboxPatch((0.05, i + 0.12), 0.9, 0.62, boxstyle="round,pad=0.01",
                             facecolor=colours.get(kind, "#f0f0f0"), edgecolor="#444444")
        ax.add_patch(box)
        ax.text(0.08, i + 0.43, f"{name}  ({kind})", va="center", fontsize=9,
                fontweight="bold")
        ax.text(0.60, i + 0.43, "x".join(map(str, shape)), va="center", ha="center",
                fontsize=9, family="monospace")
        ax.text(0.92, i + 0.43, f"{params:,} params" if params else "", va="center",
                ha="right", fontsize=9)
        if i:
            ax.annotate("", xy=(0.5, i + 0.12), xytext=(0.5, i - 0.26),
                        arrowprops={"arrowstyle": "->", "color": "#444444"})
    total = int(model.count_params())
    ax.set_title(f"{model.name}: {total:,} parameters; output shape per example",
                 fontsize=10)
    fig.tight_layout()
    return fig


def plot_batch_history(history: BatchHistory) -> Figure:
    """Plot the loss and the accuracy of every training batch, with a 50-batch moving mean.

    Parameters
    ----------
    history : BatchHistory
        A callback after training.

    Returns
    -------
    matplotlib.figure.Figure
        Loss (log scale) and accuracy against the batch; dotted lines start each epoch.

    Raises
    ------
    TypeError, ValueError
        If ``history`` is not a :class:`BatchHistory` or recorded no batch.

    Notes
    -----
    Taught in: chapter 6.
    """
    import matplotlib.pyplot as plt
    if not isinstance(history, BatchHistory):
        raise TypeError(f"history must be a BatchHistory, got {type(history).__name__}")
    if not history.loss:
        raise ValueError("history recorded no batch: train with it in callbacks first")
    starts = np.flatnonzero(np.diff(history.epoch)) + 1
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, values, label in ((axes[0], history.loss, "loss (MSE)"),
                              (axes[1], history.accuracy, "accuracy")):
        values = np.asarray(values)
        steps = np.arange(len(values))
        ax.plot(steps, values, lw=0.5, alpha=0.35, color="C0", label="one batch")
        window = min(50, len(values))
        smooth = np.convolve(values, np.ones(window) / window, mode="valid")
        ax.plot(steps[window - 1:], smooth, color="C1", label=f"mean of {window} batches")
        for s in starts:
            ax.axvline(s, color="grey", lw=0.6, ls=":")
        ax.set_xlabel("batch")
        ax.set_ylabel(label)
    axes[0].set_yscale("log")
    axes[1].set_ylim(0, 1.02)
    axes[1].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_confusion(counts) -> Figure:
    """Draw a confusion matrix as a heat map, the count written in each cell.

    The colour scale is logarithmic so that rare confusions stay visible;
    empty cells stay white.

    Parameters
    ----------
    counts : array_like of int, shape (K, K)
        ``counts[i, j]``: examples of class ``i`` predicted as ``j``
        (``sklearn.metrics.confusion_matrix(y_true, y_pred)``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If ``counts`` is not a square 2-D array of counts (integers >= 0).

    Notes
    -----
    Taught in: chapter 6.

    Examples
    --------
    >>> from sklearn.metrics import confusion_matrix
    >>> fig = plot_confusion(confusion_matrix([3, 3, 5], [3, 5, 5], labels=range(10)))
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    counts = np.asarray(counts)
    if not np.issubdtype(counts.dtype, np.integer):
        raise TypeError(f"counts must hold integer counts, got dtype {counts.dtype}")
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.size == 0:
        raise ValueError(f"counts must be a square 2-D array (classes x classes), got shape "
                         f"{counts.shape}")
    if counts.min() < 0:
        raise ValueError(f"counts must not be negative, found {counts.min()}")
    classes = counts.shape[0]
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    top = max(int(counts.max()), 2)
    image = ax.imshow(np.ma.masked_equal(counts, 0), cmap="cividis", norm=LogNorm(vmin=1, vmax=top))
    for i, j in zip(*np.nonzero(counts), strict=True):
        bright = np.log(counts[i, j]) > 0.6 * np.log(top)
        ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=7,
                color="black" if bright else "white")
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_facecolor("white")
    fig.colorbar(image, ax=ax, label="digits (log scale)", shrink=0.85)
    return fig


def plot_misclassified(images, y_true, y_pred, *, n: int = 24) -> Figure:
    """Show the first ``n`` misclassified digits, 8 a row, each titled "true -> predicted".

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
    y_true, y_pred : array_like of int, shape (N,)
    n : int, default 24
        At most this many digits (fewer if fewer are wrong).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If the arrays are malformed or disagree in length.

    Notes
    -----
    Taught in: chapter 6.
    """
    import matplotlib.pyplot as plt
    images = _check_images("images", images).reshape(-1, SIDE, SIDE)
    y_true = _check_labels("y_true", y_true, len(images))
    y_pred = _check_labels("y_pred", y_pred, len(images))
    wrong = np.flatnonzero(y_true != y_pred)[:_check_int("n", n, 1)]
    columns = 8
    rows = math.ceil(max(len(wrong), 1) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.25 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong, strict=False):
        ax.imshow(images[index], cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"{y_true[index]} \u2192 {y_pred[index]}", fontsize=9)
    if not len(wrong):
        axes.flat[0].text(0.5, 0.5, "no mistakes", ha="center", va="center")
    fig.tight_layout()
    return fig


def plot_filters(kernel_sets, *, columns: int = 8) -> Figure:
    """Draw sets of 2-D kernels side by side, one colour scale for all of them.

    Parameters
    ----------
    kernel_sets : mapping of str to array_like
        Title of each set -> its kernels, shape (P, Q, F) or (P, Q, 1, F) (a
        one-channel ``Conv2D`` kernel); each set is a block of rows under its title.
    columns : int, default 8
        Kernels per row.

    Returns
    -------
    matplotlib.figure.Figure
        ``RdBu_r`` centred on 0, one scale for every set (red positive, blue negative).

    Raises
    ------
    TypeError, ValueError
        If ``kernel_sets`` is not a non-empty mapping of titles to such arrays.

    Notes
    -----
    Taught in: chapter 6.
    """
    import matplotlib.pyplot as plt

    if not isinstance(kernel_sets, Mapping) or not kernel_sets:
        raise TypeError(f"kernel_sets must be a non-empty mapping of titles to kernel arrays, got "
                        f"{type(kernel_sets).__name__}")
    columns = _check_int("columns", columns, 1)
    sets = {}
    for title, kernels in kernel_sets.items():
        array = real_array(kernels, f"kernel_sets[{title!r}]", (3, 4))
        if array.ndim == 4 and array.shape[2] == 1:
            array = array[:, :, 0, :]
        if array.ndim != 3:
            raise ValueError(f"kernel_sets[{title!r}] must have shape (P, Q, F) or (P, Q, 1, F), "
                             f"got {array.shape}")
        sets[str(title)] = array
    limit = max(float(np.abs(a).max()) for a in sets.values()) or 1.0
    mosaics = [_mosaic(kernels, columns) for kernels in sets.values()]
    width = max(m.shape[1] for m in mosaics)
    heights = [m.shape[0] for m in mosaics]
    fig, axes = plt.subplots(len(sets), 1, squeeze=False, layout="constrained",
                             height_ratios=heights,
                             figsize=(0.33 * width + 1.2, 0.33 * sum(heights) + 0.35 * len(sets)))
    colours = plt.get_cmap("RdBu_r").with_extremes(bad="white")
    for ax, title, mosaic in zip(axes[:, 0], sets, mosaics, strict=True):
        image = ax.imshow(mosaic, cmap=colours, vmin=-limit, vmax=limit)
        ax.set_title(title, loc="left", fontsize=10)
        ax.axis("off")
    fig.colorbar(image, ax=axes[:, 0], shrink=0.8, label="weight")
    return fig


def _mosaic(kernels: np.ndarray, columns: int) -> np.ndarray:
    """Kernels (P, Q, F) tiled row by row, ``columns`` a row, one NaN pixel between them."""
    rows_k, cols_k, count = kernels.shape
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    mosaic = np.full((rows * (rows_k + 1) - 1, columns * (cols_k + 1) - 1), np.nan)
    for k in range(count):
        r, c = divmod(k, columns)
        mosaic[r * (rows_k + 1):r * (rows_k + 1) + rows_k,
               c * (cols_k + 1):c * (cols_k + 1) + cols_k] = kernels[:, :, k]
    return mosaic


def plot_feature_maps(model, inputs, layer: str = "conv1") -> Figure:
    """Show what each channel of one layer outputs for one digit, 8 panels a row.

    Parameters
    ----------
    model : keras.Model
        A model built with ``keras.Input`` (so its layers' outputs are known).
    inputs : array_like
        One example, of the shape the model expects (a batch of one is fine).
    layer : str, default "conv1"
        The layer whose output to show; it must output (H, W, C) maps.

    Returns
    -------
    matplotlib.figure.Figure
        ``RdBu_r`` centred on 0 (the article's linear convolutions output both signs).

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a Keras model or ``layer`` does not output images.

    Notes
    -----
    Taught in: chapter 6.
    """
    import matplotlib.pyplot as plt
    _check_model(model)
    batch = np.asarray(inputs, dtype=np.float32)
    if batch.ndim == len(model.inputs[0].shape) - 1:
        batch = batch[None]
    maps = layer_output(model, batch, layer)[0]
    if maps.ndim != 3:
        raise ValueError(f"layer must output image maps (H, W, C), {layer!r} outputs {maps.shape}")
    total, columns = maps.shape[-1], 8
    limit = float(np.abs(maps).max()) or 1.0
    rows = math.ceil(total / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.1 * rows + 0.4),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < total:
            image = ax.imshow(maps[:, :, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(image, ax=axes, shrink=0.8, label="output")
    return fig
