"""pytest set-up for the whole repository: the nbval-to-cache bridge and the fast suite.

* :mod:`book_ext.nbval_cache` (a plugin loaded here) stores the outputs of each
  chapter nbval executed in the book's jupyter-cache, stamped with the code
  that made them, so ``make book`` after ``make test`` executes nothing twice.
* ``--fast`` (``make test-fast``) leaves out the slow tests: those marked
  ``slow``, those that request a ``keras``/``tensorflow`` fixture, and whole
  modules (test modules, and helpers modules collected for their docstring
  examples) that import TensorFlow or Keras when imported (collecting them
  alone costs TensorFlow's start-up). A test that starts TensorFlow without
  being marked fails in a fast run, so the fast suite stays fast.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

pytest_plugins = ["book_ext.nbval_cache"]

#: Modules whose import starts TensorFlow (Keras 3 imports its backend at once).
HEAVY = ("tensorflow", "keras")
#: Fixtures that hand a test Keras or TensorFlow.
HEAVY_FIXTURES = {"keras", "tensorflow", "tf"}


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true",
                     help="leave out slow tests (training, TensorFlow, book builds); "
                          "fail any other test that starts TensorFlow")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: trains a network, starts TensorFlow or builds a book "
                   "(left out by make test-fast)")


def imports_tensorflow_at_import(path: Path) -> bool:
    """Whether importing the module ``path`` (a test or a helpers module) starts TensorFlow.

    Module-level statements only (not function bodies): ``import keras``,
    ``from tensorflow import ...`` or ``helpers.setup(..., keras=True)``.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return False
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] in HEAVY for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in HEAVY:
            return True
        if isinstance(node, ast.Expr | ast.Assign) and isinstance(node.value, ast.Call):
            if any(k.arg == "keras" and isinstance(k.value, ast.Constant) and k.value.value
                   for k in node.value.keywords):
                return True
    return False


_left_out: list[str] = []


def pytest_ignore_collect(collection_path, config):
    # Test modules, and helpers modules collected for their docstring examples.
    if (config.getoption("--fast") and collection_path.suffix == ".py"
            and collection_path.name != "conftest.py"
            and imports_tensorflow_at_import(collection_path)):
        _left_out.append(collection_path.name)
        return True
    return None


#: A numpydoc type line naming a Keras class: the function builds or takes a Keras object.
KERAS_TYPE = re.compile(r"^\s*(\w+ : )?keras\.\w+", re.M)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        # A docstring example of such a function starts TensorFlow.
        if isinstance(item, DoctestItem) and KERAS_TYPE.search(item.dtest.docstring or ""):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--fast"):
        slow = [item for item in items if item.get_closest_marker("slow")]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_runtest_setup(item):
    # helpers.data's examples read MNIST: from MNIST_DIR or the cache, never a download here.
    if isinstance(item, DoctestItem) and item.name.startswith("helpers.data."):
        from helpers import data
        if data.mnist_source().startswith("download") and ">>> " in (item.dtest.docstring or ""):
            if "load_mnist(" in item.dtest.docstring or "article_split(" in item.dtest.docstring:
                pytest.skip("no MNIST here: set MNIST_DIR (as CI does) to run this example")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    before = "tensorflow" in sys.modules
    result = yield
    if item.config.getoption("--fast") and not before and "tensorflow" in sys.modules:
        pytest.fail(f"{item.nodeid} starts TensorFlow: mark it @pytest.mark.slow "
                    "(make test-fast leaves such tests out)", pytrace=False)
    return result


def pytest_terminal_summary(terminalreporter, config):
    if config.getoption("--fast") and _left_out:
        terminalreporter.write_line(
            "--fast: not collected (they import TensorFlow or Keras): "
            + ", ".join(sorted(set(_left_out))))


@pytest.fixture(autouse=True)
def _keras_floatx_restored():
    """Give Keras' default float type back after every test.

    Some tests run chapter code that switches Keras to float64 (chapter 3 does, to
    compare with NumPy); left so, every later test that builds a model in the same
    process would compute in float64, and Keras' augmentation layers fail on it.
    """
    yield
    keras = sys.modules.get("keras")
    if keras is not None and keras.config.floatx() != "float32":
        keras.config.set_floatx("float32")
