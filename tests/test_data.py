"""Tests of helpers.data: MNIST loading (IDX folder, cache, download) and the article's split.

Real digits come from the offline IDX folder: the MNIST_DIR environment
variable if set, else ../shared/data/mnist next to the repository. Every
download goes to a local HTTP server on 127.0.0.1; nothing touches the
internet.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from helpers import data
from helpers.data import MnistUnavailableError, article_indices, article_split, load_mnist

REPO = Path(__file__).resolve().parent.parent
SHARED_MNIST = Path(os.environ.get("MNIST_DIR") or REPO.parent / "shared" / "data" / "mnist")

TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TRAIN_SUBSET_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
IDX_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def mnist_dir(monkeypatch):
    """The offline IDX folder of real digits, set as MNIST_DIR."""
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"no MNIST IDX folder at {SHARED_MNIST}: set MNIST_DIR to one to run this")
    monkeypatch.setenv("MNIST_DIR", str(SHARED_MNIST))
    return SHARED_MNIST


@pytest.fixture
def no_mnist_dir(monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)


@pytest.fixture
def cache(tmp_path, no_mnist_dir):
    """An empty cache folder, with MNIST_DIR unset."""
    folder = tmp_path / "cache"
    folder.mkdir()
    return folder


def small_digits(n, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    return images, labels


def npz_bytes(**arrays):
    if not arrays:
        x_train, y_train = small_digits(30, 1)
        x_test, y_test = small_digits(12, 2)
        arrays = dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def idx_bytes(array, magic=None):
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = 2051 if array.ndim == 3 else 2049
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


def write_idx_folder(folder, n=20, gz=True, images=None, labels=None):
    """A small MNIST_DIR with both splits; ``images``/``labels`` override the train files."""
    folder.mkdir(exist_ok=True)
    for split in ("train", "test"):
        x, y = small_digits(n, seed=3 if split == "train" else 4)
        contents = (idx_bytes(x), idx_bytes(y))
        if split == "train":
            contents = (
                contents[0] if images is None else images,
                contents[1] if labels is None else labels,
            )
        for name, content in zip(IDX_NAMES[split], contents, strict=True):
            if gz:
                (folder / f"{name}.gz").write_bytes(gzip.compress(content))
            else:
                (folder / name).write_bytes(content)
    return folder


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        body, sent = self.server.body, self.server.bytes_to_send
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:sent])

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def server():
    """A loopback HTTP server; set ``.body`` (and ``.bytes_to_send`` to truncate)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.body, httpd.bytes_to_send = npz_bytes(), None
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/mnist.npz"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


def sha256(content):
    return hashlib.sha256(content).hexdigest()


# --------------------------------------------------------------------------- real digits


def test_import_does_not_load_tensorflow():
    code = "import sys, helpers.data; print('keras' in sys.modules or 'tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_test_split_matches_published_counts(mnist_dir):
    images, labels = load_mnist("test")
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == TEST_COUNTS
    assert round(float(images.mean()), 2) == 33.79
    assert images.flags.writeable


def test_training_subset_matches_published_counts(mnist_dir):
    images, labels = load_mnist()
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == TRAIN_SUBSET_COUNTS
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert round(float(images.mean()), 2) == 33.44


def test_source_names_mnist_dir(mnist_dir):
    assert data.mnist_source() == f"MNIST_DIR={mnist_dir} (IDX files)"


def test_mnist_dir_wins_over_cache(mnist_dir, tmp_path):
    (tmp_path / "mnist.npz").write_bytes(npz_bytes())
    images, _ = load_mnist("test", cache_dir=tmp_path)
    assert len(images) == 10_000


# --------------------------------------------------------------------------- MNIST_DIR


@pytest.mark.parametrize("gz", [True, False])
def test_small_idx_folder_loads(tmp_path, monkeypatch, gz):
    folder = write_idx_folder(tmp_path / "idx", n=20, gz=gz)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    images, labels = load_mnist("train")
    expected_images, expected_labels = small_digits(20, 3)
    np.testing.assert_array_equal(images, expected_images)
    np.testing.assert_array_equal(labels, expected_labels)


@pytest.mark.parametrize("missing", ["absent", "empty", "a_file"])
def test_missing_or_empty_mnist_dir_is_an_error(tmp_path, monkeypatch, missing):
    folder = tmp_path / "idx"
    if missing == "empty":
        folder.mkdir()
    elif missing == "a_file":
        folder.write_text("not a folder")
    (tmp_path / "mnist.npz").write_bytes(npz_bytes())  # a valid cache is not a fallback
    monkeypatch.setenv("MNIST_DIR", str(folder))
    with pytest.raises(MnistUnavailableError, match="MNIST_DIR") as info:
        load_mnist(cache_dir=tmp_path)
    assert str(folder) in str(info.value)
    assert "unset" in str(info.value)


def test_incomplete_mnist_dir_names_the_missing_file(tmp_path, monkeypatch):
    folder = write_idx_folder(tmp_path / "idx")
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("MNIST_DIR", str(folder))
    load_mnist("train")  # the train files are all there
    with pytest.raises(MnistUnavailableError, match="t10k-labels-idx1-ubyte"):
        load_mnist("test")


def _labels_20():
    return idx_bytes(np.arange(20) % 10)


@pytest.mark.parametrize(
    ("images", "labels", "match"),
    [
        (idx_bytes(np.zeros((20, 28, 28)))[:-5], None, "truncated"),
        (idx_bytes(np.zeros((20, 28, 28))) + b"\0", None, "too many"),
        (idx_bytes(np.zeros((20, 28, 28)))[:10], None, "too short"),
        (b"", None, "too short"),
        (idx_bytes(np.zeros((20, 28, 28)), magic=2049), None, "magic number 2049, expected 2051"),
        (None, idx_bytes(np.zeros((20, 28, 28))), "magic number 2051, expected 2049"),
        (idx_bytes(np.zeros((20, 32, 32))), None, "32x32"),
        (idx_bytes(np.zeros((0, 28, 28))), idx_bytes(np.zeros(0)), "0 images"),
        (None, idx_bytes(np.arange(19) % 10), "20 images but .* 19 labels"),
        (None, idx_bytes(np.full(20, 10)), "0-9"),
    ],
    ids=[
        "truncated",
        "trailing-bytes",
        "short-header",
        "empty-file",
        "images-magic",
        "labels-magic",
        "wrong-size",
        "no-items",
        "count-mismatch",
        "label-range",
    ],
)
def test_corrupt_idx_files_raise_value_error(tmp_path, monkeypatch, images, labels, match):
    folder = write_idx_folder(tmp_path / "idx", images=images, labels=labels, gz=False)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    with pytest.raises(ValueError, match=match) as info:
        load_mnist("train")
    assert "train-" in str(info.value)  # names the file
    load_mnist("test")  # the intact split still loads


@pytest.mark.parametrize("damage", ["not-gzip", "cut-short", "bad-crc"])
def test_corrupt_gzip_raises_value_error(tmp_path, monkeypatch, damage):
    folder = write_idx_folder(tmp_path / "idx")
    path = folder / "train-images-idx3-ubyte.gz"
    content = path.read_bytes()
    if damage == "not-gzip":
        content = b"this is not gzip" + content
    elif damage == "cut-short":
        content = content[: len(content) // 2]
    else:
        content = content[:-8] + bytes(b ^ 0xFF for b in content[-8:-4]) + content[-4:]
    path.write_bytes(content)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz: not a readable gzip"):
        load_mnist("train")


# --------------------------------------------------------------------------- the cache


def test_cache_is_used(cache):
    content = npz_bytes()
    (cache / "mnist.npz").write_bytes(content)
    images, labels = load_mnist("test", cache_dir=cache, origin=closed_port_url())
    assert images.shape == (12, 28, 28) and labels.dtype == np.uint8
    np.testing.assert_array_equal(images, small_digits(12, 2)[0])
    assert data.mnist_source(cache_dir=cache) == f"cache {(cache / 'mnist.npz').as_posix()}"


def test_default_cache_is_the_repository_data_folder():
    assert data.MNIST_CACHE_DIR == REPO / "data"
    assert (data.MNIST_CACHE_DIR / "README.md").is_file()


def _bad_npz(kind):
    x, y = small_digits(12, 0)
    good = dict(x_train=x, y_train=y, x_test=x, y_test=y)
    if kind == "not-a-zip":
        return b"garbage" * 100
    if kind == "truncated":
        return npz_bytes(**good)[:-100]
    if kind == "missing-key":
        return npz_bytes(x_train=x, y_train=y, x_test=x)
    if kind == "float-images":
        return npz_bytes(**{**good, "x_train": x.astype(np.float32)})
    if kind == "flat-images":
        return npz_bytes(**{**good, "x_train": x.reshape(12, -1)})
    if kind == "int64-labels":
        return npz_bytes(**{**good, "y_train": y.astype(np.int64)})
    if kind == "count-mismatch":
        return npz_bytes(**{**good, "y_train": y[:-1]})
    return npz_bytes(**{**good, "y_train": y + 10})  # label-range


@pytest.mark.parametrize(
    "kind",
    [
        "not-a-zip",
        "truncated",
        "missing-key",
        "float-images",
        "flat-images",
        "int64-labels",
        "count-mismatch",
        "label-range",
    ],
)
def test_corrupt_cache_raises_value_error(cache, kind):
    (cache / "mnist.npz").write_bytes(_bad_npz(kind))
    with pytest.raises(ValueError, match="mnist.npz") as info:
        load_mnist("train", cache_dir=cache, origin=closed_port_url())
    assert "delete it" in str(info.value)


# --------------------------------------------------------------------------- download


@pytest.mark.slow  # downloads with keras.utils.get_file: starts TensorFlow
def test_offline_raises_one_clear_error_and_leaves_nothing(cache):
    origin = closed_port_url()
    assert data.mnist_source(cache_dir=cache, origin=origin) == f"download from {origin}"
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(cache_dir=cache, origin=origin)
    message = str(info.value)
    for part in ("MNIST_DIR", str(cache / "mnist.npz"), origin, "Fix it"):
        assert part in message
    assert list(cache.iterdir()) == []


@pytest.mark.slow  # downloads with keras.utils.get_file: starts TensorFlow
def test_download_writes_cache_and_loads_it(cache, server):
    images, labels = load_mnist(
        "train", cache_dir=cache, origin=server.url, sha256=sha256(server.body)
    )
    np.testing.assert_array_equal(images, small_digits(30, 1)[0])
    np.testing.assert_array_equal(labels, small_digits(30, 1)[1])
    assert [p.name for p in cache.iterdir()] == ["mnist.npz"]
    assert (cache / "mnist.npz").read_bytes() == server.body
    # Later calls read the cache: no server needed.
    images, _ = load_mnist("test", cache_dir=cache, origin=closed_port_url())
    assert images.shape == (12, 28, 28)


@pytest.mark.slow  # downloads with keras.utils.get_file: starts TensorFlow
def test_download_defaults_come_from_module_constants(cache, server, monkeypatch):
    monkeypatch.setattr(data, "MNIST_ORIGIN", server.url)
    monkeypatch.setattr(data, "MNIST_SHA256", sha256(server.body))
    load_mnist("test", cache_dir=cache)
    assert (cache / "mnist.npz").is_file()


@pytest.mark.slow  # downloads with keras.utils.get_file: starts TensorFlow
def test_download_with_wrong_hash_leaves_nothing(cache, server):
    with pytest.raises(MnistUnavailableError, match="hash|SHA-256") as info:
        load_mnist(cache_dir=cache, origin=server.url, sha256="0" * 64)
    assert server.url in str(info.value)
    assert list(cache.iterdir()) == []


@pytest.mark.slow  # downloads with keras.utils.get_file: starts TensorFlow
def test_truncated_download_leaves_nothing(cache, server):
    server.bytes_to_send = len(server.body) // 2
    with pytest.raises(MnistUnavailableError, match=server.url):
        load_mnist(cache_dir=cache, origin=server.url, sha256=sha256(server.body))
    assert list(cache.iterdir()) == []


@pytest.mark.slow  # downloads with keras.utils.get_file: starts TensorFlow
def test_download_of_a_wrong_file_with_matching_hash_leaves_nothing(cache, server):
    server.body = b"not an npz at all"
    with pytest.raises(ValueError, match="not a readable .npz"):
        load_mnist(cache_dir=cache, origin=server.url, sha256=sha256(server.body))
    assert list(cache.iterdir()) == []


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        (dict(split="validation"), ValueError),
        (dict(split=0), TypeError),
        (dict(cache_dir=3), TypeError),
        (dict(origin=""), TypeError),
        (dict(sha256="abc"), ValueError),
        (dict(sha256=123), TypeError),
    ],
)
def test_load_mnist_rejects_bad_arguments(kwargs, error, no_mnist_dir):
    name = next(iter(kwargs))
    with pytest.raises(error, match=name):
        load_mnist(**kwargs)


# --------------------------------------------------------------------------- article split


def test_article_split_sizes_and_reproducibility(mnist_dir):
    first = article_split()
    second = article_split()
    x_train, x_test, y_train, y_test = first
    assert x_train.shape == (7500, 28, 28) and x_test.shape == (2500, 28, 28)
    assert y_train.shape == (7500,) and y_test.shape == (2500,)
    assert all(a.dtype == np.uint8 for a in first)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    other = article_split(seed=1)
    assert not np.array_equal(first[3], other[3])


def test_article_split_matches_its_indices(mnist_dir):
    images, labels = load_mnist("train")
    x_train, x_test, y_train, y_test = article_split(n=1000, seed=3)
    train, test = article_indices(len(labels), n=1000, seed=3)
    np.testing.assert_array_equal(x_train, images[train])
    np.testing.assert_array_equal(y_test, labels[test])


def test_article_split_says_how_many_are_available(mnist_dir):
    with pytest.raises(ValueError, match="10000"):
        article_split(n=10_001)


def test_article_indices_are_disjoint_and_reproducible():
    train, test = article_indices(60_000)
    assert len(train) == 7500 and len(test) == 2500
    assert len(np.union1d(train, test)) == 10_000
    assert np.intersect1d(train, test).size == 0
    assert train.min() >= 0 and max(train.max(), test.max()) < 60_000
    again = article_indices(60_000)
    np.testing.assert_array_equal(train, again[0])
    np.testing.assert_array_equal(test, again[1])
    assert not np.array_equal(test, article_indices(60_000, seed=1)[1])


def test_article_indices_size_follows_sklearn_rounding():
    train, test = article_indices(100, n=10, test_size=0.33)
    assert (len(train), len(test)) == (6, 4)  # ceil(3.3) held out, as train_test_split


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(n=0), ValueError, "n must be a positive int"),
        (dict(n=1), ValueError, "no training digits"),
        (dict(n=10.0), TypeError, "n must be a positive int"),
        (dict(n=True), TypeError, "n must be a positive int"),
        (dict(n=100_001), ValueError, "at most .* 100000"),
        (dict(test_size=0.0), ValueError, "test_size"),
        (dict(test_size=1.0), ValueError, "test_size"),
        (dict(test_size="0.25"), TypeError, "test_size"),
        (dict(n=10, test_size=0.95), ValueError, "no training digits"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(seed=1.5), TypeError, "seed"),
        (dict(seed=None), TypeError, "seed"),
    ],
)
def test_article_indices_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        article_indices(100_000, **kwargs)


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(test_size=2), dict(seed=-3)])
def test_article_split_checks_arguments_before_loading(kwargs, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "does-not-exist"))
    with pytest.raises(ValueError):
        article_split(**kwargs)
