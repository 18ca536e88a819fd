"""How autodoc reads the helpers' numpydoc docstrings for the API page (``api.md``)."""

from __future__ import annotations

import os


def import_helpers_quietly(modules: list[str]) -> None:
    """Import every helpers module once, with TensorFlow's C++ start-up lines hidden.

    autodoc imports the modules for the API page; one that imports Keras at
    import time would print TensorFlow's absl/oneDNN lines into the build log.
    A module that fails to import is left for autodoc to report.
    """
    import importlib

    for name, value in {"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR",
                        "GLOG_minloglevel": "3"}.items():
        os.environ.setdefault(name, value)
    try:
        from helpers.book import quiet_stderr
    except Exception:  # noqa: BLE001 - autodoc reports it
        return
    for name in modules:
        with quiet_stderr():
            try:
                importlib.import_module(f"helpers.{name}")
            except Exception:  # noqa: BLE001 - autodoc reports it
                pass


def plain_attribute_docstrings(app, what, name, obj, options, lines) -> None:
    """Keep napoleon from reading ``#: Loss names: mse and bce`` as type ``Loss names``.

    napoleon takes the text before a colon on the first line of a constant's
    docstring as its type, a cross-reference that nitpicky mode (-n) rejects.
    The helpers document constants in prose: a leading ": " gives napoleon an
    empty type, and it keeps the sentence whole.
    """
    if what in ("data", "attribute") and lines and ":" in lines[0]:
        lines[0] = ": " + lines[0]


#: Section names napoleon turns into fields or rubrics itself.
_NAPOLEON_SECTIONS = {
    "args", "arguments", "attention", "attributes", "caution", "danger", "error",
    "example", "examples", "hint", "important", "keyword args", "keyword arguments",
    "methods", "note", "notes", "other parameters", "parameters", "receive", "receives",
    "return", "returns", "raise", "raises", "references", "see also", "tip", "todo",
    "warning", "warnings", "warn", "warns", "yield", "yields",
}


def rubric_sections(app, what, name, obj, options, lines) -> None:
    """Turn a docstring's own sections ("Conventions" + underline) into rubrics.

    The API page puts every module on one page, where two modules' sections
    of the same name would clash ("Duplicate explicit target name"); a rubric
    looks the same and creates no target. napoleon's sections are left alone.
    """
    for i in range(len(lines) - 1):
        title, underline = lines[i].strip(), lines[i + 1].strip()
        if (title and title.lower() not in _NAPOLEON_SECTIONS and len(underline) >= len(title)
                and len(set(underline)) == 1 and underline[0] in "-=~^\"'*+#"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i], lines[i + 1] = f"{indent}.. rubric:: {title}", ""


