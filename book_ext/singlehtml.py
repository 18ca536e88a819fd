"""Let the single-page builder (``make pdf``) render every node the HTML builder renders.

Sphinx gives a builder the node handlers registered under its *name* and falls
back to those of its *format* only when its name has none at all
(``SphinxComponentRegistry.create_translator``). sphinx-exercise registers its
nodes for ``singlehtml`` by name, so from then on ``singlehtml`` loses every
handler other extensions registered for ``html``: myst-nb's folded code cells
(``HideCodeCellNode``) stop the build with "unknown node type". Before anything
is written, this copies the missing ``html`` handlers to ``singlehtml``.
"""

from __future__ import annotations


def complete_singlehtml_handlers(app) -> None:
    """``builder-inited``: ``singlehtml`` handlers = ``html`` handlers, its own kept."""
    handlers = app.registry.translation_handlers
    if app.builder.name != "singlehtml" or "singlehtml" not in handlers:
        return
    for node, visit_depart in handlers.get("html", {}).items():
        handlers["singlehtml"].setdefault(node, visit_depart)
