"""Never publish stale numbers: a cached chapter is reused only with the code that made it.

jupyter-cache keys an executed notebook on its code cells and kernelspec
only. A chapter whose cells did not change but whose helpers did (or whose
pinned packages did) would otherwise be rendered from outputs computed with
the old code. So every cached notebook is stamped with a *fingerprint*: a
hash of ``requirements.txt`` and of every ``helpers`` module the chapter
imports, directly or through other helpers modules (imports inside functions
included). Before each build the extension drops each cached notebook whose
stamp differs from its chapter's fingerprint now (or that has no stamp) and
asks Sphinx to read that chapter again, so myst-nb executes it afresh; after
reading it stamps what was executed. ``make test``'s nbval run stamps the
outputs it caches the same way (:mod:`book_ext.nbval_cache`).

The stamps live beside jupyter-cache's database, in ``book_fingerprints.json``
(hash key of the cached notebook -> fingerprint), so the cache itself is
used exactly as myst-nb writes it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from pathlib import Path

STAMPS = "book_fingerprints.json"
PACKAGE = "helpers"
#: Files whose change re-executes every chapter.
ENVIRONMENT = ("requirements.txt",)
_MAGIC = re.compile(r"^\s*[%!]")


def _module_names(root: Path) -> set[str]:
    return {p.stem for p in (root / PACKAGE).glob("*.py")}


def imported_helpers(code: str, modules: set[str]) -> set[str] | None:
    """``helpers`` modules that ``code`` imports or names; ``None`` if it cannot be parsed.

    ``__init__`` stands for the package itself (any import of it runs ``__init__.py``).
    """
    code = "\n".join("pass" if _MAGIC.match(line) else line for line in code.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found: set[str] = set()

    def dotted(name: str) -> None:
        parts = name.split(".")
        if parts[0] == PACKAGE:
            found.add("__init__")
            if len(parts) > 1 and parts[1] in modules:
                found.add(parts[1])

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                dotted(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # inside the package: from . import x, from .x import y
                found.add("__init__")
                if node.module:
                    dotted(f"{PACKAGE}.{node.module}")
                else:
                    found.update(a.name for a in node.names if a.name in modules)
            elif node.module:
                dotted(node.module)
                if node.module == PACKAGE:
                    found.update(a.name for a in node.names if a.name in modules)
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == PACKAGE and node.attr in modules):
            found.update({"__init__", node.attr})
    return found


def _code_cells(notebook_path: Path) -> list[str]:
    cells = json.loads(Path(notebook_path).read_text(encoding="utf-8")).get("cells", [])
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c.get("cell_type") == "code"]


def dependencies(notebook_path: Path, root: Path) -> list[Path]:
    """The files a chapter's outputs depend on besides its own cells, sorted.

    ``requirements.txt`` and the ``helpers`` modules the notebook imports, closed
    over the modules' own imports. A cell that cannot be parsed makes the
    chapter depend on every module (when in doubt, re-execute).
    """
    root = Path(root)
    modules = _module_names(root)
    wanted: set[str] = set()
    for code in _code_cells(notebook_path):
        names = imported_helpers(code, modules)
        wanted |= modules if names is None else names
    todo, seen = list(wanted), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        names = imported_helpers((root / PACKAGE / f"{name}.py").read_text(encoding="utf-8"), modules)
        todo.extend(modules if names is None else names)
    files = [root / PACKAGE / f"{name}.py" for name in seen]
    files += [root / name for name in ENVIRONMENT if (root / name).is_file()]
    return sorted(files)


def fingerprint(notebook_path: Path, root: Path) -> str:
    """A hash of the contents of :func:`dependencies` (paths relative to ``root``)."""
    digest = hashlib.sha256()
    for path in dependencies(notebook_path, root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# ------------------------------------------------------------------------- stamps


def load_stamps(cache_path: Path) -> dict[str, str]:
    path = Path(cache_path) / STAMPS
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def save_stamps(cache_path: Path, stamps: dict[str, str]) -> None:
    path = Path(cache_path) / STAMPS
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n")
    os.replace(partial, path)


def stamp(cache, hashkey: str, value: str) -> None:
    """Record that the cached notebook ``hashkey`` was executed with fingerprint ``value``."""
    stamps = load_stamps(cache.path)
    stamps[hashkey] = value
    save_stamps(cache.path, stamps)


def _cached_record(cache, notebook_path: Path):
    import nbformat

    notebook = nbformat.read(str(notebook_path), as_version=4)
    try:
        return cache.match_cache_notebook(notebook)
    except KeyError:
        return None


def drop_stale(cache, notebooks: dict[str, tuple[Path, str]]) -> list[str]:
    """Remove cached outputs not made with today's code; return the names to execute again.

    ``notebooks`` maps a name (a Sphinx docname) to ``(path, fingerprint)``. A
    name is returned when its notebook has no cached record with a matching
    stamp; a record with a stale or missing stamp is removed from the cache.
    Stamps of records that no longer exist are forgotten.
    """
    stamps = load_stamps(cache.path)
    stale = []
    for name, (path, value) in notebooks.items():
        record = _cached_record(cache, path)
        if record is not None and stamps.get(record.hashkey) == value:
            continue
        if record is not None:
            cache.remove_cache(record.pk)
            stamps.pop(record.hashkey, None)
        stale.append(name)
    alive = {record.hashkey for record in cache.list_cache_records()}
    save_stamps(cache.path, {k: v for k, v in stamps.items() if k in alive})
    return stale


def stamp_new(cache, notebooks: dict[str, tuple[Path, str]]) -> list[str]:
    """Stamp the cached records of ``notebooks`` that have none yet; return their names.

    Called after the build's reading phase: :func:`drop_stale` removed every
    unstamped record before it, so an unstamped one now was executed in this
    build, with the fingerprint computed when the build started.
    """
    stamps = load_stamps(cache.path)
    done = []
    for name, (path, value) in notebooks.items():
        record = _cached_record(cache, path)
        if record is not None and record.hashkey not in stamps:
            stamps[record.hashkey] = value
            done.append(name)
    save_stamps(cache.path, stamps)
    return done


# ------------------------------------------------------------------ Sphinx events


def _notebooks(app, env) -> dict[str, tuple[Path, str]]:
    root = Path(app.srcdir)
    found = {}
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        if path.suffix == ".ipynb" and path.is_file():
            found[docname] = (path, fingerprint(path, root))
    return found


def _cache(app):
    config = getattr(app.env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not config.execution_cache_path:
        return None
    from jupyter_cache import get_cache

    return get_cache(config.execution_cache_path)


def on_env_get_outdated(app, env, added, changed, removed) -> list[str]:
    """Sphinx ``env-get-outdated``: drop stale cached chapters and read them again."""
    cache = _cache(app)
    if cache is None:
        return []
    app._book_fingerprints = _notebooks(app, env)
    stale = drop_stale(cache, app._book_fingerprints)
    from sphinx.util import logging

    for name in stale:
        if name not in added and name not in changed:
            logging.getLogger(__name__).info(
                f"book_ext: {name} executes again (its helpers or requirements.txt changed, "
                "or its cached outputs are not stamped)")
    return stale


def on_env_updated(app, env) -> list[str]:
    """Sphinx ``env-updated``: stamp the notebooks executed while reading."""
    cache = _cache(app)
    notebooks = getattr(app, "_book_fingerprints", None)
    if cache is not None and notebooks:
        stamp_new(cache, notebooks)
    return []
