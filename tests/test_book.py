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


def test_glue_emits_the_record_myst_nb_reads():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        assert book.glue("ratio", np.float64(0.25)) == 0.25
        book.glue("shown", 3, display=True)
    hidden, shown = captured.outputs
    assert hidden.data == {book.GLUE_PREFIX + "text/plain": "0.25"}  # a float, not np.float64
    assert hidden.metadata["scrapbook"] == {"name": "ratio", "mime_prefix": book.GLUE_PREFIX}
    assert shown.data == {"text/plain": "3"}
