"""Argument checks shared by every helpers module, written once.

Each check returns the value in the form the caller computes with, or raises
``TypeError`` (the wrong kind of value) or ``ValueError`` (the right kind, a
wrong value) with a message that starts with the argument's name and says what
was expected and what was given. Public functions call them at their boundary;
the computations behind them assume valid input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np


def _given(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """``value`` if it is one of the strings ``allowed``."""
    listed = ", ".join(map(repr, allowed))
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {listed}; got {_given(value)}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def integer(value: Any, name: str, *, minimum: int | None = None, odd: bool = False) -> int:
    """``value`` as an int (bools refused), at least ``minimum``, odd if ``odd``."""
    parity = "odd " if odd else ""
    if minimum == 1:
        expected = f"a positive {parity}int"
    elif minimum is None:
        expected = f"an {parity}int"
    else:
        expected = f"an {parity}int >= {minimum}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {expected}, got {_given(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (odd and value % 2 == 0):
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def real(value: Any, name: str, *, positive: bool = False, optional: bool = False) -> float | None:
    """``value`` as a finite float (bools refused); ``> 0`` if ``positive``; ``None``
    passes through if ``optional``."""
    if optional and value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        kind = "a positive real number" if positive else "a real number"
        kind = f"None or {kind}" if optional else kind
        raise TypeError(f"{name} must be {kind}, got {_given(value)}")
    value = float(value)
    if positive and not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def flag(value: Any, name: str) -> bool:
    """``value`` if it is True or False (NumPy's bools too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_given(value)}")
    return bool(value)


def real_array(
    value: Any,
    name: str,
    ndim: int | tuple[int, ...] | None = None,
    *,
    dtype: Any = np.float64,
    allow_bool: bool = True,
    allow_nan: bool = False,
) -> np.ndarray:
    """``value`` as a non-empty array of finite real numbers.

    ``ndim``: the dimensions allowed (None: any). ``dtype``: the dtype returned
    (None: a float array keeps its precision, any other becomes float64; no
    copy when none is needed). ``allow_nan``: NaN passes (missing values in a
    plot), infinity never does.
    """
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    expected = "" if allowed is None else " or ".join(f"{n}-D" for n in allowed) + " "
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a {expected}array of real numbers, got "
                        f"{type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of real numbers; NumPy could not "
                         f"convert it: {error}") from None
    if array.dtype.kind not in ("biuf" if allow_bool else "iuf"):
        kinds = "bool, int or float" if allow_bool else "int or float"
        raise TypeError(f"{name} must hold real numbers ({kinds}), got a {array.dtype} array "
                        f"of shape {array.shape}")
    if allowed is not None and array.ndim not in allowed:
        raise ValueError(f"{name} must be {expected.strip()}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif array.dtype.kind != "f":
        array = array.astype(np.float64)
    finite = np.isfinite(array)
    if allow_nan:
        finite |= np.isnan(array)
    if not finite.all():
        what = "infinity" if allow_nan else "NaN or infinity"
        raise ValueError(f"{name} must hold only finite values, got {what}")
    return array


def shape_pair(shape: Any, name: str) -> tuple[int, int]:
    """``shape`` as ``(rows, cols)``: a pair of positive ints."""
    message = f"{name} must be a pair of positive ints (rows, cols), got {shape!r}"
    try:
        items = tuple(shape)
    except TypeError:
        raise TypeError(message) from None
    if len(items) != 2 or not all(map(_is_int, items)):
        raise TypeError(message)
    if min(items) < 1:
        raise ValueError(message)
    return int(items[0]), int(items[1])


def size_pair(size: Any, name: str, *, minimum: int = 1, odd: bool = False) -> tuple[int, int]:
    """``size`` as ``(rows, cols)``: an int ``n`` means ``(n, n)``, or a pair of ints;
    each at least ``minimum``, and odd if ``odd``."""
    if _is_int(size):
        n = integer(size, name, minimum=minimum, odd=odd)
        return n, n
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return (integer(size[0], f"{name}[0]", minimum=minimum, odd=odd),
                integer(size[1], f"{name}[1]", minimum=minimum, odd=odd))
    raise TypeError(f"{name} must be an int or a pair (rows, cols) of ints, got {_given(size)}")
