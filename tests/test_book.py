"""helpers.book: set-up, glue and the stderr silencer."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from helpers import book


def test_setup_seeds_every_generator():
    rng = book.setup(seed=3)
    first = (random.random(), np.random.random(), rng.random())  # noqa: NPY002
    rng = book.setup(seed=3)
    again = (random.random(), np.random.random(), rng.random())  # noqa: NPY002
    assert first == again
    assert book.setup(seed=4).random() != first[2]


def test_setup_sets_quiet_tensorflow_logging(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    book.setup()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"


@pytest.mark.parametrize("seed, error", [(1.5, TypeError), (True, TypeError), ("1", TypeError), (-1, ValueError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        book.setup(seed=seed)


def test_glue_returns_value_and_checks_name():
    assert book.glue("answer", 42) == 42
    with pytest.raises(TypeError, match="name"):
        book.glue("", 1)
    with pytest.raises(TypeError, match="name"):
        book.glue(3, 1)


def test_quiet_stderr_hides_file_descriptor_two():
    code = (
        "import os, helpers.book as b\n"
        "with b.quiet_stderr():\n"
        "    os.write(2, b'hidden\\n')\n"
        "os.write(2, b'shown\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr == "shown\n"


def _glued(glue, name, value, **kwargs) -> list[tuple[dict, dict]]:
    """The display outputs a glue function emits: (data, metadata) pairs."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        glue(name, value, **kwargs)
    return [(dict(out.data), dict(out.metadata)) for out in captured.outputs]


@pytest.mark.parametrize("value", [0.25, 7, "seven", [1, 2], np.float64(2 / 3), np.int64(3),
                                   np.float32(0.5), np.arange(3.0)], ids=repr)
def test_glue_emits_what_myst_nb_glue_emits(value):
    """helpers.glue is myst_nb.glue(display=False), with NumPy scalars made Python numbers."""
    from myst_nb import glue as myst_nb_glue

    expected = value.item() if isinstance(value, np.generic) else value
    ours = _glued(book.glue, "x", value)
    theirs = _glued(myst_nb_glue, "x", expected, display=False)
    assert ours == theirs
    assert ours and ours[0][1]["scrapbook"]["name"] == "x"
