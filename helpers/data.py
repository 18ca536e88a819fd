"""MNIST digits, and the source article's 10,000-digit experiment.

:func:`load_mnist` reads the IDX files in ``MNIST_DIR``, else the cache
``data/mnist.npz``, else downloads Keras' ``mnist.npz`` and checks its SHA-256
(``data/README.md`` says more); Keras (and TensorFlow) is imported only then.
:func:`article_split` draws the article's experiment from the training digits.

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

from helpers._validate import choice, integer, real

__all__ = ["MNIST_CACHE_DIR", "MNIST_ORIGIN", "MNIST_SHA256", "MnistUnavailableError",
           "article_indices", "article_split", "load_mnist", "mnist_source"]

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


class MnistUnavailableError(RuntimeError):
    """No source could provide MNIST; the message names the sources tried and how to fix it.

    A file that exists but is corrupt raises :class:`ValueError` instead.

    Notes
    -----
    Taught in: no chapter (used by load_mnist, raised when no copy of MNIST can be found).
    """


def load_mnist(
    split: str = "train",
    *,
    cache_dir: str | os.PathLike | None = None,
    origin: str | None = None,
    sha256: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load one split of MNIST as uint8 arrays.

    Sources, first found wins: the IDX files in ``MNIST_DIR`` (no fallback while
    it is set), else the cache ``mnist.npz`` in ``cache_dir``, else a checksummed
    download into that cache. ``N`` is 60,000 (train) or 10,000 (test) in the published set.

    Parameters
    ----------
    split : {"train", "test"}, default "train"
        Which split to return.
    cache_dir : str or os.PathLike, optional
        Folder of the cache ``mnist.npz`` (default :data:`MNIST_CACHE_DIR`).
    origin : str, optional
        URL to download ``mnist.npz`` from (default :data:`MNIST_ORIGIN`).
    sha256 : str, optional
        Expected SHA-256 of the download, 64 hex digits (default :data:`MNIST_SHA256`).

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
        If ``split`` or ``sha256`` is invalid, or a file is corrupt (the message names it).
    MnistUnavailableError
        If ``MNIST_DIR`` is incomplete, or no cache exists and the download fails.

    Notes
    -----
    Taught in: chapter 6.

    Examples
    --------
    >>> images, labels = load_mnist("test")
    >>> images.shape, images.dtype, labels[:3]
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
    """Say in a few words where :func:`load_mnist` takes (or took) the digits from; reads no data.

    Parameters
    ----------
    cache_dir : str or os.PathLike, optional
        As in :func:`load_mnist`.
    origin : str, optional
        As in :func:`load_mnist`.

    Returns
    -------
    str
        ``"MNIST_DIR=<folder> (IDX files)"``, ``"cache <path>"`` (relative to the
        repository root when inside it) or ``"download from <origin>"``.

    Notes
    -----
    Taught in: no chapter (used by tools/train_bench.py and the tests).

    Examples
    --------
    >>> mnist_source().startswith(("MNIST_DIR=", "cache ", "download from "))
    True
    """
    cache = _cache_path(cache_dir)
    origin, _ = _check_download_args(origin, None)
    if _mnist_dir_from_env() is not None:
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

    ``numpy.random.default_rng(seed)`` draws ``n`` distinct indices; the first
    ``ceil(test_size * n)`` are the test set (rounded as scikit-learn's
    ``train_test_split``). Not stratified, as the article's split was not.

    Parameters
    ----------
    n_available : int
        How many digits the source holds.
    n : int, default 10_000
        How many to draw, 2 to ``n_available``.
    test_size : float, default 0.25
        Fraction held out for testing, strictly between 0 and 1; both parts non-empty.
    seed : int, default 0
        Non-negative seed: the same seed gives the same indices.

    Returns
    -------
    train_indices, test_indices : numpy.ndarray of int64
        Disjoint indices, of lengths ``n - ceil(test_size * n)`` and ``ceil(test_size * n)``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, a part would be empty, or ``n > n_available``.

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

    Draws ``n`` of :func:`load_mnist`'s training digits and splits them as
    :func:`article_indices` does. The result depends on how many digits the
    source holds: report it with :func:`mnist_source`.

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
        If an argument is out of range, or ``n`` exceeds the training digits available.
    MnistUnavailableError
        As in :func:`load_mnist`.

    Notes
    -----
    Taught in: chapter 6.

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = article_split()
    >>> x_train.shape, x_test.shape
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


def _check_int(name: str, value, *, minimum: int) -> int:
    # Kept (name first) because article_indices, hashed training code, calls it.
    return integer(value, name, minimum=minimum)


def _check_sample_args(n, test_size, seed) -> tuple[int, int]:
    """Check the sample's arguments; return ``n`` and the test part's size."""
    n = integer(n, "n", minimum=1)
    test_size = real(test_size, "test_size")
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be strictly between 0 and 1, got {test_size}")
    integer(seed, "seed", minimum=0)
    n_test = math.ceil(test_size * n)
    if n_test >= n:
        raise ValueError(f"n={n} with test_size={test_size} leaves no training digits ({n_test} "
                         "would be held out); use a larger n or a smaller test_size")
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


def _load_idx_split(folder: Path, split: str, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one split's two IDX files from ``MNIST_DIR``; never falls back."""
    names = _IDX_NAMES[split]
    paths = [next((p for p in (folder / name, folder / f"{name}.gz") if p.is_file()), None)
             for name in names]
    missing = [f"{name}[.gz]" for name, p in zip(names, paths, strict=True) if p is None]
    if missing:  # all of them when the folder is not there
        if folder.is_dir():
            problem = f"is incomplete: the {split} split needs {' and '.join(missing)}"
        else:
            problem = "is not a folder" if folder.exists() else "does not exist"
        raise MnistUnavailableError(
            f"MNIST_DIR={os.environ[_ENV_VAR]} {problem}. It must name a folder holding the four "
            "published IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; .gz or not). Fix MNIST_DIR, or "
            f"unset it to use the cache {cache} or the download: load_mnist does not fall back "
            "while MNIST_DIR is set.")
    images, labels = _read_idx(paths[0], "images"), _read_idx(paths[1], "labels")
    if len(images) != len(labels):
        raise ValueError(f"MNIST_DIR: {paths[0]} holds {len(images)} images but {paths[1]} "
                         f"holds {len(labels)} labels; they must agree")
    _check_labels(labels, paths[1])
    return images, labels


def _read_idx(path: Path, kind: str) -> np.ndarray:
    """Parse one IDX file of uint8 ``images`` (N, 28, 28) or ``labels`` (N,)."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: not a readable gzip file ({exc}); replace it with an "
                             "intact copy") from exc
    magic, ndim = _IDX_KINDS[kind]
    header_size = 4 * (1 + ndim)
    if len(data) < header_size:
        raise ValueError(f"{path}: {len(data)} bytes, too short for the {header_size}-byte "
                         f"header of an IDX {kind} file: the file is truncated or empty")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        other = {2051: "an images file", 2049: "a labels file"}.get(found, "not an IDX file")
        raise ValueError(f"{path}: magic number {found}, expected {magic} for IDX {kind} "
                         f"({other}?)")
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if kind == "images" and dims[1:] != (_SIDE, _SIDE):
        raise ValueError(f"{path}: images of {dims[1]}x{dims[2]} pixels, expected {_SIDE}x{_SIDE}")
    if dims[0] == 0:
        raise ValueError(f"{path}: the header announces 0 {kind}")
    expected = header_size + math.prod(dims)
    if len(data) != expected:
        problem = (f"{expected - len(data)} bytes missing: the file is truncated"
                   if len(data) < expected
                   else f"{len(data) - expected} bytes too many: the file is corrupt")
        raise ValueError(f"{path}: the header announces {dims[0]} {kind} ({expected} bytes in "
                         f"all), but the file holds {len(data)} bytes ({problem})")
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(dims).copy()


def _check_labels(labels: np.ndarray, where, advice: str = "") -> None:
    if labels.size and int(labels.max()) > 9:
        raise ValueError(f"{where}: labels must be digits 0-9, found {int(labels.max())}"
                         + (f"; {advice}" if advice else ""))


def _load_npz_split(path: Path, split: str, *, splits: tuple[str, ...] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Read and check ``split`` (and any other ``splits``) of a Keras-style ``mnist.npz``."""
    advice = "delete it and call load_mnist() again to download a fresh copy"
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in ("x_train", "y_train", "x_test", "y_test")
                       if key not in npz.files]
            arrays = {} if missing else {s: (npz[f"x_{s}"], npz[f"y_{s}"])
                                         for s in splits or (split,)}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc}); {advice}") from exc
    if missing:
        raise ValueError(f"{path}: lacks the array(s) {', '.join(missing)} of Keras' mnist.npz "
                         f"layout (x_train, y_train, x_test, y_test); {advice}")
    for s, (images, labels) in arrays.items():
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (_SIDE, _SIDE):
            raise ValueError(f"{path}: x_{s} is {images.dtype} of shape {images.shape}, expected "
                             f"uint8 of shape (N, {_SIDE}, {_SIDE}); {advice}")
        if labels.dtype != np.uint8 or labels.shape != (len(images),):
            raise ValueError(f"{path}: y_{s} is {labels.dtype} of shape {labels.shape}, expected "
                             f"uint8 of shape ({len(images)},) to match x_{s}; {advice}")
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
            # An absolute cache_subdir pins the folder: Keras would otherwise
            # switch silently to /tmp/.keras when cache_dir is not writable.
            fetched = _import_get_file()(
                fname=partial.name, origin=origin, file_hash=sha256, hash_algorithm="sha256",
                cache_dir=str(folder), cache_subdir=str(folder), force_download=True)
            if Path(fetched) != partial:  # pragma: no cover - Keras moved the file
                Path(fetched).unlink(missing_ok=True)
                raise RuntimeError(f"Keras saved the download to {fetched}, not {partial}")
            # Keras checks the hash; check again so the guarantee never depends on its version.
            found = hashlib.sha256(partial.read_bytes()).hexdigest()
            if found != sha256:
                raise ValueError(f"the file's SHA-256 is {found}, expected {sha256}")
        except Exception as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise MnistUnavailableError(
                "MNIST is not available. load_mnist() tried, in order: (1) the environment "
                f"variable MNIST_DIR: not set; (2) the cache {cache}: no such file; (3) a "
                f"download from {origin}: failed ({reason}). Nothing was written to the cache. "
                "Fix it in one of three ways: (a) connect to the internet and call load_mnist() "
                "again (it downloads 11 MB once and checks its SHA-256); (b) copy Keras' "
                f"mnist.npz (often ~/.keras/datasets/mnist.npz) to {cache}; (c) set MNIST_DIR "
                "to a folder holding the four published IDX files (data/README.md names them)."
            ) from exc
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
