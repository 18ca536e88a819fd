"""MNIST digits, and the source article's 10,000-digit experiment.

:func:`load_mnist` looks for the digits in three places, in order, and uses
the first it finds:

1. ``MNIST_DIR``: if this environment variable is set (and not empty), a
   folder holding the four published IDX files (``.gz`` or not). Nothing
   else is tried: a missing or incomplete folder is an error.
2. The cache ``data/mnist.npz`` at the root of the book's repository, in the
   layout of Keras' ``mnist.npz`` (``x_train``, ``y_train``, ``x_test``,
   ``y_test``). Git ignores it.
3. A download of Keras' ``mnist.npz`` (11 MB) with
   :func:`keras.utils.get_file`, checked against its SHA-256 and moved into
   the cache only once complete and valid.

:func:`article_split` draws the article's experiment from the training
digits: a reproducible random sample of 10,000, split 75/25.

This module imports Keras (and so TensorFlow) only when it has to download.

Taught in: chapter 6.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import secrets
import zipfile
import zlib
from pathlib import Path

import numpy as np

from helpers._validate import choice, integer

__all__ = [
    "MNIST_CACHE_DIR",
    "MNIST_ORIGIN",
    "MNIST_SHA256",
    "MnistUnavailableError",
    "article_indices",
    "article_split",
    "load_mnist",
    "mnist_source",
]

#: Where Keras publishes MNIST as one ``.npz`` file (the download source).
MNIST_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
#: SHA-256 of the file at :data:`MNIST_ORIGIN`.
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
#: The repository's ``data/`` folder, which holds the cache ``mnist.npz``.
MNIST_CACHE_DIR = Path(__file__).resolve().parent.parent / "data"

_ENV_VAR = "MNIST_DIR"
_CACHE_NAME = "mnist.npz"
_REPO_ROOT = MNIST_CACHE_DIR.parent
_IDX_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# magic number and number of dimensions of the two IDX file kinds
_IDX_KINDS = {"images": (2051, 3), "labels": (2049, 1)}
_SIDE = 28
_NUM_CLASSES = 10
_HOW_TO_FIX = (
    "Fix it in one of three ways: (a) connect to the internet and call load_mnist() again "
    "(it downloads 11 MB once, checks its SHA-256 and keeps it in the cache); "
    "(b) copy Keras' mnist.npz (from {origin}, or ~/.keras/datasets/mnist.npz if Keras "
    "downloaded it before) to {cache}; (c) set the environment variable MNIST_DIR to a folder "
    "holding the four published IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, "
    "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each with or without .gz)."
)


class MnistUnavailableError(RuntimeError):
    """No source could provide MNIST.

    Raised when ``MNIST_DIR`` is set but the folder is missing or lacks a
    file, or when ``MNIST_DIR`` is unset, the cache is absent and the
    download fails (no network, wrong checksum, interrupted transfer). The
    message names ``MNIST_DIR``, the cache path and the download origin, and
    says how to fix it.

    Files that exist but are corrupt raise :class:`ValueError` instead.

    Taught in: no chapter (used by load_mnist, raised when no copy of MNIST can be found).
    """


# --------------------------------------------------------------------------- public API


def load_mnist(
    split: str = "train",
    *,
    cache_dir: str | os.PathLike | None = None,
    origin: str | None = None,
    sha256: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load one split of MNIST as uint8 arrays.

    Sources, first match wins: the IDX files in the folder named by the
    environment variable ``MNIST_DIR``; else the cache ``mnist.npz`` in
    ``cache_dir``; else a checksummed download into that cache. The number
    of digits is whatever the source holds (70,000 in the published
    dataset: 60,000 train and 10,000 test).

    Parameters
    ----------
    split : {"train", "test"}, default "train"
        Which split to return.
    cache_dir : str or os.PathLike, optional
        Folder of the cache ``mnist.npz``. Defaults to the repository's
        ``data/`` folder (:data:`MNIST_CACHE_DIR`).
    origin : str, optional
        URL to download ``mnist.npz`` from if neither ``MNIST_DIR`` nor the
        cache provides it. Defaults to :data:`MNIST_ORIGIN`.
    sha256 : str, optional
        Expected SHA-256 (64 hex digits) of the downloaded file. Defaults
        to :data:`MNIST_SHA256`.

    Returns
    -------
    images : numpy.ndarray of uint8, shape (N, 28, 28)
        Grey levels, 0 (black background) to 255 (ink).
    labels : numpy.ndarray of uint8, shape (N,)
        The digit each image shows, 0-9.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``split`` is not "train" or "test", ``sha256`` is not 64 hex
        digits, or a file exists but is corrupt: an IDX file with a wrong
        magic number, wrong image size, a length that disagrees with its
        header, a broken gzip stream, labels outside 0-9, image and label
        counts that differ; or a cache (or freshly downloaded) ``.npz``
        whose arrays are missing or have the wrong shapes or dtypes. The
        message names the file and what is wrong.
    MnistUnavailableError
        If ``MNIST_DIR`` is set but the folder or one of the split's files
        is missing, or if there is no ``MNIST_DIR``, no cache and the
        download fails. No partial file is ever left in the cache.

    Notes
    -----
    Taught in: chapter 6.

    Keras prints its download progress bar to standard output, never to
    standard error.

    Examples
    --------
    >>> images, labels = load_mnist("test")  # doctest: +SKIP
    >>> images.shape, images.dtype, labels[:3]  # doctest: +SKIP
    ((10000, 28, 28), dtype('uint8'), array([7, 2, 1], dtype=uint8))
    """
    split = _check_split(split)
    cache = _cache_path(cache_dir)
    origin, sha256 = _check_download_args(origin, sha256)
    mnist_dir = _mnist_dir_from_env()
    if mnist_dir is not None:
        return _load_idx_split(mnist_dir, split, cache)
    if not cache.exists():
        _download(cache, origin, sha256)
    return _load_npz_split(cache, split)


def mnist_source(*, cache_dir: str | os.PathLike | None = None, origin: str | None = None) -> str:
    """Say where :func:`load_mnist` takes the digits from, in a few words.

    Called after :func:`load_mnist`, it tells where the digits came from
    (a chapter can print or glue it); called before, where they will come
    from. It only looks at ``MNIST_DIR`` and whether the cache file exists;
    it reads no data.

    Parameters
    ----------
    cache_dir : str or os.PathLike, optional
        As in :func:`load_mnist`.
    origin : str, optional
        As in :func:`load_mnist`.

    Returns
    -------
    str
        One of ``"MNIST_DIR=<folder> (IDX files)"``, ``"cache <path>"`` (the
        path relative to the repository root when inside it, e.g.
        ``"cache data/mnist.npz"``) or ``"download from <origin>"``.

    Raises
    ------
    TypeError
        If ``cache_dir`` or ``origin`` has the wrong type.

    Notes
    -----
    Taught in: no chapter (used by tools/train_bench.py and the tests, to say where the digits came from).

    Examples
    --------
    >>> mnist_source()  # doctest: +SKIP
    'cache data/mnist.npz'
    """
    cache = _cache_path(cache_dir)
    origin, _ = _check_download_args(origin, None)
    mnist_dir = _mnist_dir_from_env()
    if mnist_dir is not None:
        return f"{_ENV_VAR}={os.environ[_ENV_VAR]} (IDX files)"
    if cache.exists():
        try:
            shown = cache.relative_to(_REPO_ROOT)
        except ValueError:
            shown = cache
        return f"cache {shown.as_posix()}"
    return f"download from {origin}"


def article_indices(
    n_available: int, n: int = 10_000, test_size: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the article's sample: indices of ``n`` digits, split train/test.

    ``n`` distinct indices are drawn at random from ``range(n_available)``
    with ``numpy.random.default_rng(seed)``; the first
    ``ceil(test_size * n)`` form the test set, the rest the training set,
    as scikit-learn's ``train_test_split`` does. The split is not
    stratified (neither was the article's), so class proportions vary a
    little around those of the source.

    Parameters
    ----------
    n_available : int
        How many digits the source holds (at least 2).
    n : int, default 10_000
        How many to draw, 2 to ``n_available``.
    test_size : float, default 0.25
        Fraction of the ``n`` digits held out for testing, strictly between
        0 and 1; both parts must end up non-empty.
    seed : int, default 0
        Non-negative seed: the same seed gives the same indices every run
        (with the same NumPy version).

    Returns
    -------
    train_indices, test_indices : numpy.ndarray of int64
        Disjoint indices into the source, in random order, of lengths
        ``n - ceil(test_size * n)`` and ``ceil(test_size * n)``.

    Raises
    ------
    TypeError
        If an argument has the wrong type (``bool`` is not an int).
    ValueError
        If ``n`` exceeds ``n_available`` (the message says how many are
        available), an argument is out of range, or a part would be empty.

    Notes
    -----
    Taught in: no chapter (used by article_split).

    Examples
    --------
    >>> train, test = article_indices(100, n=8, test_size=0.25, seed=0)
    >>> len(train), len(test), set(train).isdisjoint(test)
    (6, 2, True)
    """
    n_available = _check_int("n_available", n_available, minimum=1)
    n, n_test = _check_sample_args(n, test_size, seed)
    if n > n_available:
        raise ValueError(
            f"n must be at most the number of digits available, {n_available}; got n={n}"
        )
    rng = np.random.default_rng(seed)
    drawn = rng.choice(n_available, size=n, replace=False).astype(np.int64)
    return drawn[n_test:], drawn[:n_test]


def article_split(
    n: int = 10_000,
    test_size: float = 0.25,
    seed: int = 0,
    *,
    cache_dir: str | os.PathLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The source article's experiment: ``n`` training digits, split 75/25.

    Draws ``n`` digits without replacement from MNIST's training split
    (loaded with :func:`load_mnist`) and splits them at random, not
    stratified, into a training and a test part, as the article did with
    scikit-learn's ``train_test_split``. See :func:`article_indices` for
    the draw. The result depends on the seed and on how many training
    digits the source holds (60,000 published; fewer in a subset given by
    ``MNIST_DIR``), so state the source alongside it (:func:`mnist_source`).

    Parameters
    ----------
    n : int, default 10_000
        How many digits to draw, 2 to the number of training digits.
    test_size : float, default 0.25
        Fraction held out for testing, strictly between 0 and 1.
    seed : int, default 0
        Non-negative seed; the same seed gives identical arrays.
    cache_dir : str or os.PathLike, optional
        As in :func:`load_mnist`.

    Returns
    -------
    x_train : numpy.ndarray of uint8, shape (n - n_test, 28, 28)
    x_test : numpy.ndarray of uint8, shape (n_test, 28, 28)
    y_train : numpy.ndarray of uint8, shape (n - n_test,)
    y_test : numpy.ndarray of uint8, shape (n_test,)
        With ``n_test = ceil(test_size * n)``: 7,500 and 2,500 by default.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, or ``n`` exceeds the number of
        training digits available (the message says how many).
    MnistUnavailableError
        As in :func:`load_mnist`.

    Notes
    -----
    Taught in: chapter 6.

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = article_split()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((7500, 28, 28), (2500, 28, 28))
    """
    _check_sample_args(n, test_size, seed)  # fail fast, before reading any file
    images, labels = load_mnist("train", cache_dir=cache_dir)
    if n > len(labels):
        raise ValueError(
            f"n must be at most the number of training digits available, {len(labels)} "
            f"(source: {mnist_source(cache_dir=cache_dir)}); got n={n}"
        )
    train_indices, test_indices = article_indices(len(labels), n, test_size, seed)
    return (
        images[train_indices],
        images[test_indices],
        labels[train_indices],
        labels[test_indices],
    )


# --------------------------------------------------------------------------- arguments


def _check_int(name: str, value, *, minimum: int) -> int:
    # Named first, as its call sites (article_indices among them) name it.
    return integer(value, name, minimum=minimum)


def _check_sample_args(n, test_size, seed) -> tuple[int, int]:
    """Validate the sample's arguments; return ``n`` and the test part's size."""
    n = _check_int("n", n, minimum=1)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float, np.floating)):
        raise TypeError(
            f"test_size must be a float between 0 and 1, got {type(test_size).__name__} "
            f"{test_size!r}"
        )
    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size must be strictly between 0 and 1, got {test_size}")
    _check_int("seed", seed, minimum=0)
    n_test = math.ceil(float(test_size) * n)
    if n_test >= n:
        raise ValueError(
            f"n={n} with test_size={test_size} leaves no training digits "
            f"({n_test} would be held out); use a larger n or a smaller test_size"
        )
    return n, n_test


def _check_split(split) -> str:
    return choice(split, "split", tuple(_IDX_NAMES))


def _cache_path(cache_dir) -> Path:
    if cache_dir is None:
        return MNIST_CACHE_DIR / _CACHE_NAME
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a str, a path or None, got {type(cache_dir).__name__}")
    return Path(cache_dir).expanduser().resolve() / _CACHE_NAME


def _check_download_args(origin, sha256) -> tuple[str, str]:
    if origin is None:
        origin = MNIST_ORIGIN
    elif not isinstance(origin, str) or not origin:
        raise TypeError(f"origin must be a non-empty str (a URL) or None, got {origin!r}")
    if sha256 is None:
        sha256 = MNIST_SHA256
    elif not isinstance(sha256, str):
        raise TypeError(f"sha256 must be a str of 64 hex digits or None, got {sha256!r}")
    sha256 = sha256.lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"sha256 must be 64 hex digits, got {sha256!r}")
    return origin, sha256


def _mnist_dir_from_env() -> Path | None:
    value = os.environ.get(_ENV_VAR, "")
    return Path(value).expanduser() if value else None


# --------------------------------------------------------------------------- IDX files


def _load_idx_split(folder: Path, split: str, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one split's two IDX files from ``MNIST_DIR``; never falls back."""
    fallback = (
        f"Fix MNIST_DIR, or unset it to use the cache {cache} or the download; "
        "load_mnist does not fall back while MNIST_DIR is set."
    )
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise MnistUnavailableError(
            f"MNIST_DIR={os.environ[_ENV_VAR]} {state}. It should name a folder holding the "
            f"four published IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            f"t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; .gz or not). {fallback}"
        )
    paths, missing = [], []
    for name in _IDX_NAMES[split]:
        found = next((p for p in (folder / name, folder / f"{name}.gz") if p.is_file()), None)
        paths.append(found)
        if found is None:
            missing.append(f"{name}[.gz]")
    if missing:
        raise MnistUnavailableError(
            f"MNIST_DIR={os.environ[_ENV_VAR]} is incomplete: the {split} split needs "
            f"{' and '.join(missing)}, not found in {folder}. {fallback}"
        )
    images = _read_idx(paths[0], "images")
    labels = _read_idx(paths[1], "labels")
    if len(images) != len(labels):
        raise ValueError(
            f"MNIST_DIR: {paths[0]} holds {len(images)} images but {paths[1]} holds "
            f"{len(labels)} labels; they must agree"
        )
    _check_labels(labels, paths[1])
    return images, labels


def _read_idx(path: Path, kind: str) -> np.ndarray:
    """Parse one IDX file of uint8 ``images`` (N, 28, 28) or ``labels`` (N,)."""
    if path.name.endswith(".gz"):
        with open(path, "rb") as raw:
            try:
                with gzip.GzipFile(fileobj=raw) as stream:
                    data = stream.read()
            except (OSError, EOFError, zlib.error) as exc:
                raise ValueError(
                    f"{path}: not a readable gzip file ({exc}); replace it with an intact copy"
                ) from exc
    else:
        data = path.read_bytes()
    magic, ndim = _IDX_KINDS[kind]
    header_size = 4 * (1 + ndim)
    if len(data) < header_size:
        raise ValueError(
            f"{path}: {len(data)} bytes, too short for the {header_size}-byte header of an IDX "
            f"{kind} file: the file is truncated or empty"
        )
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        other = {2051: "an images file", 2049: "a labels file"}.get(found, "not an IDX file")
        raise ValueError(
            f"{path}: magic number {found}, expected {magic} for IDX {kind} ({other}?)"
        )
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if kind == "images" and dims[1:] != (_SIDE, _SIDE):
        raise ValueError(f"{path}: images of {dims[1]}x{dims[2]} pixels, expected {_SIDE}x{_SIDE}")
    if dims[0] == 0:
        raise ValueError(f"{path}: the header announces 0 {kind}")
    expected = header_size + math.prod(dims)
    if len(data) != expected:
        problem = (
            f"{expected - len(data)} bytes missing: the file is truncated"
            if len(data) < expected
            else f"{len(data) - expected} bytes too many: the file is corrupt"
        )
        raise ValueError(
            f"{path}: the header announces {dims[0]} {kind} ({expected} bytes in all), but the "
            f"file holds {len(data)} bytes ({problem})"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(dims).copy()


def _check_labels(labels: np.ndarray, where, advice: str = "") -> None:
    if labels.size and int(labels.max()) >= _NUM_CLASSES:
        raise ValueError(
            f"{where}: labels must be digits 0-9, found {int(labels.max())}"
            + (f"; {advice}" if advice else "")
        )


# --------------------------------------------------------------------------- the cache


def _load_npz_split(
    path: Path, split: str, *, splits: tuple[str, ...] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Read and validate ``split`` (and any other ``splits``) of a Keras-style npz."""
    advice = "delete it and call load_mnist() again to download a fresh copy"
    if not path.is_file():
        raise ValueError(f"{path}: the MNIST cache is not a file; {advice}")
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [
                f"{x}_{s}" for s in ("train", "test") for x in "xy" if f"{x}_{s}" not in npz.files
            ]
            if not missing:
                for s in splits or (split,):
                    arrays[s] = (npz[f"x_{s}"], npz[f"y_{s}"])
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc}); {advice}") from exc
    if missing:
        raise ValueError(
            f"{path}: lacks the array(s) {', '.join(missing)} of Keras' mnist.npz layout "
            f"(x_train, y_train, x_test, y_test); {advice}"
        )
    for s, (images, labels) in arrays.items():
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (_SIDE, _SIDE):
            raise ValueError(
                f"{path}: x_{s} is {images.dtype} of shape {images.shape}, expected uint8 of "
                f"shape (N, {_SIDE}, {_SIDE}); {advice}"
            )
        if labels.dtype != np.uint8 or labels.shape != (len(images),):
            raise ValueError(
                f"{path}: y_{s} is {labels.dtype} of shape {labels.shape}, expected uint8 of "
                f"shape ({len(images)},) to match x_{s}; {advice}"
            )
        if len(images) == 0:
            raise ValueError(f"{path}: x_{s} holds no images; {advice}")
        _check_labels(labels, f"{path}: y_{s}", advice)
    return arrays[split]


def _download(cache: Path, origin: str, sha256: str) -> None:
    """Fetch ``origin`` into ``cache`` atomically; leave nothing behind on failure."""
    folder = cache.parent
    partial = folder / f".{cache.name}.{os.getpid()}-{secrets.token_hex(4)}.part"
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            get_file = _import_get_file()
            # An absolute cache_subdir pins the folder: Keras would otherwise
            # switch silently to /tmp/.keras when cache_dir is not writable.
            fetched = get_file(
                fname=partial.name,
                origin=origin,
                file_hash=sha256,
                hash_algorithm="sha256",
                cache_dir=str(folder),
                cache_subdir=str(folder),
                force_download=True,
            )
            if Path(fetched) != partial:  # pragma: no cover - Keras moved the file
                Path(fetched).unlink(missing_ok=True)
                raise RuntimeError(f"Keras saved the download to {fetched}, not {partial}")
            # Keras checks the hash; check again so the guarantee never
            # depends on the Keras version.
            found = _sha256_of(partial)
            if found != sha256:
                raise ValueError(f"the file's SHA-256 is {found}, expected {sha256}")
        except Exception as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise MnistUnavailableError(_unavailable_message(cache, origin, reason)) from exc
        _load_npz_split(partial, "train", splits=("train", "test"))  # ValueError if invalid
        os.replace(partial, cache)
    finally:
        partial.unlink(missing_ok=True)  # gone already after a successful replace


def _import_get_file():
    """Import :func:`keras.utils.get_file` with TensorFlow's start-up lines hidden."""
    from helpers.book import _LOG_ENV, quiet_stderr

    for name, value in _LOG_ENV.items():
        os.environ.setdefault(name, value)
    try:
        with quiet_stderr():
            from keras.utils import get_file
    except ImportError as exc:
        raise RuntimeError(f"downloading needs Keras, which cannot be imported ({exc})") from exc
    return get_file


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unavailable_message(cache: Path, origin: str, reason: str) -> str:
    return (
        "MNIST is not available. load_mnist() tried, in order: "
        f"(1) the environment variable MNIST_DIR: not set; "
        f"(2) the cache {cache}: no such file; "
        f"(3) a download from {origin}: failed ({reason}). "
        "Nothing was written to the cache. " + _HOW_TO_FIX.format(origin=origin, cache=cache)
    )
