"""Tests of helpers.models: the article's network, its variants, training and figures.

The data tests need MNIST: they use ``MNIST_DIR`` or the cache
``data/mnist.npz`` and are skipped (never download) when neither is there.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers

helpers.setup(seed=0, keras=True)  # quiet TensorFlow before Keras is imported

import keras  # noqa: E402

from helpers import data, models  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# Keras' TensorFlow backend converts tensors with np.array(x, copy=False), which NumPy 2
# reports as deprecated; the warning is Keras' own, not this code's.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

ARTICLE_SHAPES = {
    "reshape": (28, 28, 1),
    "conv1": (28, 28, 32),
    "pool1": (14, 14, 32),
    "conv2": (14, 14, 64),
    "pool2": (7, 7, 64),
    "flatten": (3136,),
    "dense1": (1000,),
    "dense2": (1000,),
    "output": (10,),
}


def _mnist_available() -> bool:
    return bool(os.environ.get("MNIST_DIR")) or (data.MNIST_CACHE_DIR / "mnist.npz").is_file()


needs_mnist = pytest.mark.skipif(
    not _mnist_available(), reason="MNIST not available offline (set MNIST_DIR)"
)


# --------------------------------------------------------------------------- the article


def test_article_model_layer_shapes_and_parameter_counts():
    model = models.article_model()
    assert tuple(model.inputs[0].shape) == (None, 784)
    assert [layer.name for layer in model.layers] == list(ARTICLE_SHAPES)
    for layer in model.layers:
        assert tuple(layer.output.shape)[1:] == ARTICLE_SHAPES[layer.name], layer.name
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.weights}
    assert counts == models.ARTICLE_PARAMS
    assert counts == {"conv1": 288, "conv2": 18_432, "dense1": 3_137_000,
                      "dense2": 1_001_000, "output": 10_010}
    assert model.count_params() == 4_166_730


def test_article_model_choices():
    model = models.article_model()
    for name in ("conv1", "conv2"):
        layer = model.get_layer(name)
        assert layer.use_bias is False
        assert layer.padding == "same"
        assert layer.activation.__name__ == "linear"
        kernel = keras.ops.convert_to_numpy(layer.kernel)
        assert np.abs(kernel).max() <= 0.05 and kernel.std() > 0.02  # uniform in [-0.05, 0.05]
    assert model.get_layer("dense1").activation.__name__ == "sigmoid"
    assert model.get_layer("output").activation.__name__ == "linear"
    assert isinstance(model.get_layer("pool1"), keras.layers.AveragePooling2D)


def test_article_optimizer_decays_like_keras_1():
    optimizer = models.article_optimizer()
    assert optimizer.nesterov is True
    assert float(optimizer.momentum) == pytest.approx(0.9)
    schedule = optimizer._learning_rate  # the schedule itself, not its current value
    assert isinstance(schedule, keras.optimizers.schedules.InverseTimeDecay)
    for step in (0, 1, 2350, 10**6):
        expected = 0.01 / (1 + 1e-6 * step)
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5)


def test_variant_defaults_rebuild_the_article():
    model = models.build_variant(models.Variant())
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.weights}
    assert counts == models.ARTICLE_PARAMS
    assert isinstance(model.loss, keras.losses.MeanSquaredError)


def test_variant_layers_follow_the_choices():
    variant = models.Variant(scale=True, loss="crossentropy", activation="relu",
                             conv_activation="relu", pooling="max", optimizer="adam",
                             batchnorm=True, dropout=0.25, augment=True, filters=(16, 32),
                             dense=(128,))
    model = models.build_variant(variant)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Reshape", "Rescaling", "Sequential",
                     "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D",
                     "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D",
                     "Flatten", "Dense", "BatchNormalization", "Activation", "Dropout", "Dense"]
    assert tuple(model.get_layer("flatten").output.shape) == (None, 7 * 7 * 32)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    assert isinstance(model.loss, keras.losses.CategoricalCrossentropy)


def test_variant_without_filters_is_the_article_mlp():
    model = models.build_variant(models.Variant(filters=()))
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.weights}
    assert counts == {"dense1": 784 * 1000 + 1000, "dense2": 1000 * 1000 + 1000,
                      "output": 1000 * 10 + 10}


@pytest.mark.parametrize(
    "fields, kind, rate_at_half",
    [
        ({}, keras.optimizers.SGD, 0.01 / (1 + 1e-6 * 50)),  # the article's decay
        ({"schedule": "cosine"}, keras.optimizers.SGD, 0.005),
        ({"optimizer": "adam"}, keras.optimizers.Adam, 1e-3),
        ({"optimizer": "adam", "schedule": "cosine"}, keras.optimizers.Adam, 0.5e-3),
    ],
)
def test_variant_optimizer_and_schedule(fields, kind, rate_at_half):
    # 2 epochs of 50 batches: the cosine schedule is at half its rate after 50 steps.
    variant = models.Variant(epochs=2, batch_size=10, **fields)
    model = models.build_variant(variant, n_train=500)
    assert type(model.optimizer) is kind
    if kind is keras.optimizers.SGD:
        assert model.optimizer.nesterov and float(model.optimizer.momentum) == pytest.approx(0.9)
    rate = model.optimizer._learning_rate
    value = float(rate(50)) if callable(rate) else float(rate)
    assert value == pytest.approx(rate_at_half, rel=1e-4)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"loss": "hinge"}, ValueError),
        ({"pooling": "min"}, ValueError),
        ({"optimizer": "rmsprop"}, ValueError),
        ({"schedule": "step"}, ValueError),
        ({"activation": "tanh"}, ValueError),
        ({"dropout": 1.0}, ValueError),
        ({"scale": 1}, TypeError),
        ({"filters": [32, 64]}, TypeError),
        ({"filters": (8, 16, 32)}, ValueError),
        ({"batch_size": 0}, ValueError),
        ({"epochs": 0}, ValueError),
    ],
)
def test_variant_rejects_bad_fields(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        models.Variant(**kwargs)


def test_variant_changes_lists_what_differs_from_the_article():
    assert models.Variant().changes() == {}
    variant = dataclasses.replace(models.Variant(), loss="crossentropy", epochs=30)
    assert variant.changes() == {"loss": "crossentropy", "epochs": 30}


# --------------------------------------------------------------------------- small pieces


def test_as_inputs():
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28) % 256
    inputs = models.as_inputs(images.astype(np.uint8))
    assert inputs.shape == (2, 784) and inputs.dtype == np.float32
    assert inputs.max() == 255  # raw grey levels, as the article fed them
    with pytest.raises(ValueError, match="images"):
        models.as_inputs(np.zeros((2, 27, 28)))


def test_accuracy():
    y_true = np.array([0, 1, 2, 2, 3, 3, 3])
    y_pred = np.array([0, 1, 2, 3, 3, 3, 2])
    assert models.accuracy(y_true, y_pred) == pytest.approx(5 / 7)
    with pytest.raises(ValueError):
        models.accuracy([1, 2], [1])


def test_plot_confusion_draws_scikit_learn_counts():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    y_true = np.array([0, 1, 2, 2, 3, 3, 3])
    y_pred = np.array([0, 1, 2, 3, 3, 3, 2])
    counts = confusion_matrix(y_true, y_pred, labels=range(10))
    fig = models.plot_confusion(counts)
    written = sorted(int(t.get_text()) for t in fig.axes[0].texts)
    assert written == sorted(counts[counts > 0].tolist())  # one label per non-empty cell
    with pytest.raises(ValueError, match="square"):
        models.plot_confusion(counts[:3])
    with pytest.raises(TypeError, match="integer"):
        models.plot_confusion(counts.astype(float))
    with pytest.raises(ValueError, match="negative"):
        models.plot_confusion(-counts)
    plt.close("all")


def test_plot_filters_one_scale_for_every_set():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    before, after = rng.normal(size=(3, 3, 1, 32)), 3 * rng.normal(size=(3, 3, 32))
    fig = models.plot_filters({"before": before, "after": after}, columns=8)
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == 2  # one mosaic per set
    limit = np.abs(after).max()
    assert all(im.get_clim() == pytest.approx((-limit, limit)) for im in images)
    mosaic = images[1].get_array()
    assert mosaic.shape == (4 * 4 - 1, 8 * 4 - 1)  # 4 rows of 8 kernels, 1-pixel gaps
    np.testing.assert_allclose(mosaic[4:7, 8:11], after[:, :, 10])  # kernel 10: row 1, column 2
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.images] == ["before", "after"]
    with pytest.raises(ValueError, match="shape"):
        models.plot_filters({"conv2": rng.normal(size=(3, 3, 32, 64))})
    with pytest.raises(TypeError, match="mapping"):
        models.plot_filters(before)
    plt.close("all")


def test_augmentation_only_while_training():
    keras.utils.set_random_seed(0)
    layer = models.augmentation()
    images = np.zeros((4, 28, 28, 1), np.float32)
    images[:, 10:18, 12:16] = 255.0
    # Off outside training: in predict and evaluate (Keras passes training=False there),
    # while a direct call defaults to training, as Keras' random layers do.
    assert np.array_equal(keras.ops.convert_to_numpy(layer(images, training=False)), images)
    wrapped = keras.Sequential([keras.Input((28, 28, 1)), layer])
    assert np.array_equal(wrapped.predict(images, verbose=0), images)
    moved = keras.ops.convert_to_numpy(layer(images, training=True))
    assert moved.shape == images.shape
    assert not np.allclose(moved, images)
    assert moved.min() >= -1e-3 and moved.max() <= 255.0 + 1e-3
    # Small transforms: each image keeps most of its ink, centred within 3 pixels.
    ink = moved[..., 0].sum(axis=(1, 2)) / images[0, ..., 0].sum()
    assert np.all((ink > 0.7) & (ink < 1.3)), ink
    rows = np.arange(28)[None, :, None]
    centre = (moved[..., 0] * rows).sum(axis=(1, 2)) / moved[..., 0].sum(axis=(1, 2))
    assert np.all(np.abs(centre - 13.5) < 3.5), centre


def test_batch_history_recovers_each_batch():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((70, 784)).astype(np.float32) * 255
    y = rng.integers(0, 10, 70)
    model = models.build_variant(models.Variant(filters=(4, 8), dense=(16,)), n_train=70)
    history = models.BatchHistory(n_samples=70, batch_size=32)  # batches of 32, 32, 6
    logs = model.fit(x, keras.utils.to_categorical(y, 10), batch_size=32, epochs=2, verbose=0,
                     callbacks=[history])
    assert len(history.loss) == 6 and history.epoch == [0, 0, 0, 1, 1, 1]
    sizes = np.array([32, 32, 6])
    for epoch in range(2):
        per_batch = np.array(history.loss[3 * epoch:3 * epoch + 3])
        mean = np.sum(per_batch * sizes) / sizes.sum()
        assert mean == pytest.approx(logs.history["loss"][epoch], rel=1e-4)
        accuracies = np.array(history.accuracy[3 * epoch:3 * epoch + 3]) * sizes
        assert np.allclose(accuracies, np.round(accuracies), atol=1e-3)  # whole digits right


def test_draw_model_and_figures():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    model = models.article_model()
    figure = models.draw_model(model)
    assert len(figure.axes[0].patches) == len(model.layers) + 1  # one box per layer + input
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (12, 28, 28)).astype(np.uint8)
    y_true, y_pred = rng.integers(0, 10, 12), rng.integers(0, 10, 12)
    for fig in (models.plot_misclassified(images, y_true, y_pred),
                models.plot_filters({"conv1": model.get_layer("conv1").kernel.numpy()}),
                models.plot_feature_maps(model, models.as_inputs(images[:1]), "conv1")):
        assert fig.axes
    plt.close("all")


# --------------------------------------------------------------------------- with MNIST


@needs_mnist
def test_article_split_is_reproducible():
    first = data.article_split(seed=0)
    second = data.article_split(seed=0)
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    assert [len(a) for a in first] == [7500, 2500, 7500, 2500]
    other = data.article_split(seed=1)
    assert not np.array_equal(first[2], other[2])


@needs_mnist
def test_two_epoch_smoke_training_beats_chance():
    x_train, x_test, y_train, y_test = data.article_split(seed=0)
    result = models.train_variant(None, x_train[:512], y_train[:512], x_test[:500],
                                  y_test[:500], epochs=2, seed=0)
    assert result.n_train == 512 and result.epochs == 2
    assert result.accuracy > 0.3, f"the article's model after 2 epochs: {result.accuracy:.3f}"
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(result.history["val_accuracy"]) == 2
    # Keras' last held-out accuracy is the one train_variant measures itself.
    assert result.history["val_accuracy"][-1] == pytest.approx(result.accuracy, abs=1e-6)
    assert result.cpu_seconds > 0 and result.model is not None


@needs_mnist
def test_training_repeats_with_the_same_seed():
    x_train, x_test, y_train, y_test = data.article_split(seed=0)
    variant = models.Variant(filters=(), dense=(32,), epochs=1, augment=True, dropout=0.5)
    runs = [models.train_variant(variant, x_train[:256], y_train[:256], x_test[:100],
                                 y_test[:100], seed=seed, keep_model=False)
            for seed in (3, 3, 4)]
    assert runs[0].history == runs[1].history and runs[0].model is None
    assert runs[0].history != runs[2].history


@needs_mnist
def test_saved_model_round_trip(tmp_path):
    x_train, x_test, y_train, _ = data.article_split(seed=0)
    variant = models.Variant(scale=True, loss="crossentropy", activation="relu",
                             pooling="max", optimizer="adam", schedule="cosine",
                             batchnorm=True, dropout=0.5, augment=True, batch_size=64)
    model = models.build_variant(variant, n_train=256)
    model.fit(models.as_inputs(x_train[:256]), keras.utils.to_categorical(y_train[:256], 10),
              batch_size=64, epochs=1, verbose=0)
    path = tmp_path / "modern.keras"
    model.save(path)
    again = keras.models.load_model(path)
    inputs = models.as_inputs(x_test[:100])
    assert np.allclose(model.predict(inputs, verbose=0), again.predict(inputs, verbose=0),
                       atol=1e-5)


@needs_mnist
def test_train_bench_quick(tmp_path):
    output = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "train_bench.py"), "--quick",
                           "--verbose", "0", "--output", str(output)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(output.read_text())
    assert report["backend"] == keras.backend.backend()
    assert [run["job"] for run in report["runs"]] == ["article", "best"]
    assert all(run["epochs"] == 1 and run["n_train"] == 512 for run in report["runs"])
    assert all(0 <= run["accuracy"] <= 1 for run in report["runs"])
