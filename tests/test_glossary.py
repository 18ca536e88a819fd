"""The glossary's chapter references, checked against the chapters themselves.

Every entry of ``glossary.md`` ends with the chapters that explain it:
"(Chapter 5.)", "(Chapters 4 and 6.)", "(Chapter 2; learned by a network in
chapter 5.)". These tests read those numbers and the chapters' prose (their
markdown cells) and check that

1. every entry names at least one chapter, and every chapter named exists;
2. the term, or one of its usual forms (:data:`ALIASES`), appears in the
   prose of every chapter named;
3. no chapter before the first one named uses the term, except where
   :data:`PASSING_MENTIONS` records that the earlier use is only in passing
   (a forward reference, or the word in another sense): the glossary names
   where a term is first *explained*.

Matching ignores case, and treats hyphens, underscores and runs of spaces
alike ("one-hot" matches "one hot", "classification_report" matches
"classification report"); a term matches as a word prefix, so plurals count.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "glossary.md"

#: Regular expressions (on the normalised prose) for terms whose chapters word them differently.
ALIASES = {
    "Automatic differentiation": r"automatic differentiation|differentiates them automatically",
    "Boundary handling": r"boundar(y|ies)",
    "Box filter": r"box (filter|kernel|blur)",
    "Convolution layer": r"convolution(al)? layer",
    "Full-batch training": r"full batch",
    "Linear shift-invariant system": r"linear shift invariant",
    "Loss function": r"\bloss",
    "Overfitting": r"overfit|memoris",
    "Sobel operator": r"sobel",
    "Toeplitz matrix": r"toeplitz",
    "Weight sharing": r"weight (sharing|tying)|tied weights|shared weights",
    "XOR problem": r"\bxor",
    "Normalisation (of a kernel)": r"normalis",
    "One-hot encoding": r"one hot",
}

#: (term, chapter) pairs where a chapter before the glossary's first one uses the word in passing.
PASSING_MENTIONS = {
    ("Batch", 1): "Keras' shape convention (batch, rows, cols, channels), in a code aside",
    ("Channel", 1): "Keras' shape convention, in a code aside",
    ("Convolution layer", 1): "why 'a convolutional layer can share one small kernel', looking ahead",
    ("Convolution layer", 2): "an exercise question about what a convolutional layer leaves open",
    ("Filter", 1): "'two filters applied one after the other', before filtering is taught",
    ("Filter", 3): "'filtered images', looking back at chapters 1 and 2",
    ("Least squares", 2): "'the least-squares scale' between two Sobel variants",
    ("Least squares", 4): "forward reference: 'the next chapter ... by least squares'",
    ("MNIST", 1): "an exercise on the output size of a 28x28 digit",
    ("MNIST", 3): "forward reference to the article's digit classifier",
    ("MNIST", 4): "parameter counts at MNIST sizes, ahead of chapter 6",
    ("MNIST", 5): "forward reference to chapter 6",
    ("Momentum", 3): "'plain stochastic gradient descent (no momentum)'",
    ("Multiply-add", 1): "'once per multiply-add', about the cost of Python loops",
    ("Precision", 5): "floating-point precision, another sense of the word",
}


def _normalise(text: str) -> str:
    return re.sub(r"[-_\s]+", " ", text.lower())


def glossary_entries() -> dict[str, str]:
    """Term -> definition text, from the ``{glossary}`` block of glossary.md."""
    text = GLOSSARY.read_text(encoding="utf-8")
    match = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert match, "glossary.md has no ```{glossary} block"
    entries: dict[str, str] = {}
    term = None
    for line in match.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if not line.startswith(" "):
            term = line.strip()
            entries[term] = ""
        elif term is not None:
            entries[term] += " " + line.strip()
    return entries


def chapter_prose() -> dict[int, str]:
    """Chapter number -> the normalised text of its markdown cells."""
    prose = {}
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                         for c in cells if c["cell_type"] == "markdown")
        prose[int(path.name[:2])] = _normalise(text)
    return prose


def cited_chapters(definition: str) -> list[int]:
    """The chapter numbers of the definition's closing parenthesis."""
    closing = re.findall(r"\(([^()]*\b[Cc]hapters?\b[^()]*)\)\s*$", definition)
    return [int(n) for n in re.findall(r"\b\d+\b", closing[-1])] if closing else []


def _pattern(term: str) -> str:
    if term in ALIASES:
        return ALIASES[term]
    return r"\b" + re.escape(_normalise(re.sub(r"\s*\(.*?\)", "", term)))


ENTRIES = glossary_entries()
PROSE = chapter_prose()


def test_the_glossary_has_entries():
    assert len(ENTRIES) > 40


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_entry_names_existing_chapters(term):
    chapters = cited_chapters(ENTRIES[term])
    assert chapters, f"glossary entry {term!r} names no chapter, as '(Chapter N.)'"
    missing = [n for n in chapters if n not in PROSE]
    assert not missing, f"{term!r} names chapters {missing}, which do not exist"


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_term_appears_in_every_chapter_named(term):
    pattern = _pattern(term)
    absent = [n for n in cited_chapters(ENTRIES[term])
              if n in PROSE and not re.search(pattern, PROSE[n])]
    assert not absent, (f"glossary entry {term!r} names chapter(s) {absent}, whose prose never "
                        f"uses it (pattern {pattern!r}); fix the reference or add an alias")


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_no_earlier_chapter_uses_the_term(term):
    chapters = cited_chapters(ENTRIES[term])
    if not chapters:
        pytest.fail(f"{term!r} names no chapter")
    pattern = _pattern(term)
    earlier = [n for n in PROSE if n < min(chapters) and re.search(pattern, PROSE[n])
               and (term, n) not in PASSING_MENTIONS]
    assert not earlier, (f"glossary entry {term!r} says chapter {min(chapters)} first explains it, "
                         f"but chapter(s) {earlier} already use it: cite the earlier chapter, or "
                         f"record a passing mention in PASSING_MENTIONS")


def test_passing_mentions_are_still_there():
    stale = [(term, n) for term, n in PASSING_MENTIONS
             if term not in ENTRIES or not re.search(_pattern(term), PROSE.get(n, ""))]
    assert not stale, f"PASSING_MENTIONS lists uses that are gone: {stale}"


def test_parser_reads_the_closing_parenthesis():
    assert cited_chapters("A term. (Chapter 2; learned by a network in chapter 5.)") == [2, 5]
    assert cited_chapters("A term. (Chapters 3, 5 and 6.)") == [3, 5, 6]
    assert cited_chapters("A term without a reference.") == []
