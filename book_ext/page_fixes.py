"""Readable, accessible pages: the book's CSS and script, and fixes to generated HTML.

* ``static/book.css``: code lines wrap instead of being cut off, pandas tables
  are spaced and aligned, coloured rich output keeps its contrast;
* ``static/book.js``: accessible names of two theme buttons;
* :func:`fix_body`: what other tools write into a page's body and axe-core
  (``make test-site``) finds inaccessible: matplotlib's animation frame without
  alt text and its slider without a label, folded cells' summaries whose
  aria-label hides their visible text, docutils' deprecated
  ``doc-biblioentry`` role inside a list, pandas' empty header cells.

Each fix is a small text substitution on HTML these tools generate in a fixed
form; the website tests fail if a new version changes that form and a
violation comes back.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
CSS_FILES = ["book.css"]
JS_FILES = ["book.js"]

_ANIM_IMG = re.compile(r'<img id="(_anim_img\w+)"(?![^>]*\balt=)')
_ANIM_SLIDER = re.compile(r'(<input id="_anim_slider\w+" type="range" class="anim-slider")(?![^>]*aria-label)')
_BLANK_TH = re.compile(r'<th (class="blank[^"]*"[^>]*)>(&nbsp;)?</th>')

ANIMATION_ALT = "Animated figure: step through its frames with the controls below"


def fix_body(app, pagename, templatename, context, doctree) -> None:
    """Sphinx ``html-page-context``: make generated markup in the page body accessible."""
    body = context.get("body")
    if not body:
        return
    fixed = _ANIM_IMG.sub(rf'<img id="\1" alt="{ANIMATION_ALT}"', body)
    fixed = _ANIM_SLIDER.sub(r'\1 aria-label="Animation frame"', fixed)
    # A list of citations: each entry is a list item (doc-biblioentry is deprecated,
    # and a role="list" parent needs listitem children).
    fixed = fixed.replace('role="doc-biblioentry"', 'role="listitem"')
    # Folded cells and solutions: their summary shows "Show code cell source" or
    # "Show solution"; an aria-label of other words would hide that from speech input.
    fixed = fixed.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    # pandas Styler's corner and spacer cells: empty, so data cells, not headers.
    fixed = _BLANK_TH.sub(r"<td \1>\2</td>", fixed)
    if fixed != body:
        context["body"] = fixed
