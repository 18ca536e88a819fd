"""Plain-Markdown editions of the chapters: for Colab, downloads and the student archive.

The chapters are written in MyST Markdown, which only the website (and
JupyterLab with jupyterlab-myst) renders. Colab, GitHub, VS Code and most
course platforms render plain Markdown, where ``{glue:text}`ch1_ratio:.1f```
shows as role syntax instead of a number. After every HTML build this module
writes, for every notebook of the book, a *reader edition* under
``<html>/notebooks/<name>.ipynb`` in which no MyST is left:

* a glued value becomes the value of this build (``{glue:text}``, ``{glue:md}``,
  ``{glue:math}``, ``{glue:figure}``);
* a reference becomes its text on the website, linked there: "Fig. 2.3",
  a section's title, "Exercise 1.2", an equation's "(4)";
* a citation becomes "(Author, year)" / "Author (year)", linked to the
  bibliography;
* an admonition becomes a quoted block; a dropdown, a folded solution or a
  ``solution`` block an HTML ``<details>`` block; a gated solution's
  markdown cells become ``<details>`` blocks and its code cells are folded;
* labels, comments and options disappear; figure captions, which the website
  takes from cell metadata, follow their cell as a markdown cell.

Code cells keep their source unchanged (so the notebook runs as the chapter
does); cells hidden on the website are folded (``jupyter.source_hidden``).
A conversion that meets MyST it does not know, or leaves any behind, fails
the build rather than publishing role syntax to readers.

The website's download button and its Colab launch button point at these
editions (:func:`adjust_buttons`). ``tools/student_edition.py`` runs the same
conversion over the student edition.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

#: Folder of the website (and of the student website) that holds the reader editions.
NOTEBOOKS_DIR = "notebooks"

ADMONITIONS = {
    "admonition": None, "attention": "Attention", "caution": "Caution", "danger": "Danger",
    "error": "Error", "hint": "Hint", "important": "Important", "note": "Note",
    "seealso": "See also", "tip": "Tip", "warning": "Warning", "margin": "Note",
    "sidebar": None, "topic": None,
}
#: Tags that hide a code cell's source on the website; the reader edition folds it.
HIDDEN_SOURCE_TAGS = {"remove-cell", "remove-input", "hide-cell", "hide-input"}
HIDDEN_OUTPUT_TAGS = {"remove-output", "hide-output"}
#: Best first, as myst-nb chooses for HTML.
MIME_ORDER = ["text/markdown", "text/html", "image/svg+xml", "image/png", "image/jpeg",
              "text/latex", "text/plain"]

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE_INFO = re.compile(r"^\s*\{(?P<name>[A-Za-z][\w:.\-]*)\}\s*(?P<arg>.*?)\s*$")
_LABEL_LINE = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_OPTION_LINE = re.compile(r"^:(?P<key>[\w\-]+):\s*(?P<value>.*)$")
_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.\-]*)\}(?P<ticks>`+)")
_TITLE_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>\s*$", re.S)
_MATH_ENV = re.compile(r"^\s*\\begin\{(align|alignat|equation|gather|multline|eqnarray)\*?\}")
_DISPLAY_MATH_LABEL = re.compile(r"^(?P<body>.*\$\$)\s*\((?P<label>[^()\s]+)\)\s*$")


class ReaderConversionError(ValueError):
    """The chapter holds MyST the conversion does not handle, or MyST survived it."""


# ------------------------------------------------------------------------ what a build knows


@dataclass
class BookIndex:
    """What the conversion needs to know about the built book.

    Built from the Sphinx environment by :func:`index_from_sphinx`; tests build one by hand.
    """

    site_url: str                                    #: website root, ends with "/"
    #: label -> (docname, anchor, title); the title is a section's or an object's name
    labels: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: label -> (docname, anchor, "Fig. 1.2"): what {numref} shows on the website
    numbers: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: equation label -> (docname, anchor, "(4)")
    equations: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: citation key -> (docname, anchor, authors, year)
    citations: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    #: glossary term (lower case) -> (docname, anchor)
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: docname -> title
    titles: dict[str, str] = field(default_factory=dict)
    #: docname -> {glue key -> output dict (``data``, ``metadata``)}
    glue: dict[str, dict[str, dict]] = field(default_factory=dict)
    #: math macros of the website's MathJax configuration (name -> expansion)
    macros: dict[str, str] = field(default_factory=dict)
    numfig_format: dict[str, str] = field(default_factory=lambda: {
        "figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s",
        "section": "Section %s", "exercise": "Exercise %s"})

    def url(self, docname: str, anchor: str = "") -> str:
        return f"{self.site_url}{quote(docname)}.html" + (f"#{anchor}" if anchor else "")


# --------------------------------------------------------------------- inline (roles)


def _backtick_run(text: str, start: int) -> int:
    """Length of the run of backticks starting at ``start``."""
    end = start
    while end < len(text) and text[end] == "`":
        end += 1
    return end - start


def _find_run(text: str, start: int, length: int) -> int:
    """Start of the next run of exactly ``length`` backticks at or after ``start`` (or -1)."""
    pos = text.find("`", start)
    while pos >= 0:
        run = _backtick_run(text, pos)
        if run == length:
            return pos
        pos = text.find("`", pos + run)
    return -1


def _map_inline(text: str, on_role) -> str:
    """Replace every role with ``on_role(name, content)``, leaving inline code verbatim."""
    out, pos = [], 0
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            out.append(text[pos:pos + 2])
            pos += 2
            continue
        role = _ROLE.match(text, pos) if char == "{" else None
        if role:
            ticks = len(role.group("ticks"))
            close = _find_run(text, role.end(), ticks)
            if close < 0:
                raise ReaderConversionError(f"unclosed role {text[pos:pos + 60]!r}")
            out.append(on_role(role.group("name"), text[role.end():close]))
            pos = close + ticks
            continue
        if char == "`":
            run = _backtick_run(text, pos)
            close = _find_run(text, pos + run, run)
            end = close + run if close >= 0 else pos + run
            out.append(text[pos:end])
            pos = end
            continue
        out.append(char)
        pos += 1
    return "".join(out)


def _title_and_target(content: str) -> tuple[str | None, str]:
    match = _TITLE_TARGET.match(content)
    if match and match.group("title"):
        return match.group("title"), match.group("target").strip()
    return None, content.strip()


def _link(text: str, url: str) -> str:
    return f"[{text}]({url})"


def _format_plain(text: str, fmt: str) -> str:
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(text, fmt)


def _citation_text(index: BookIndex, keys: str, role: str) -> str:
    items = []
    for key in [k.strip() for k in keys.split(",") if k.strip()]:
        if key not in index.citations:
            raise ReaderConversionError(f"citation key {key!r} is not in the bibliography")
        docname, anchor, authors, year = index.citations[key]
        url = index.url(docname, anchor)
        if role in ("cite:t", "cite:ts", "cite:ct", "cite:cts"):
            items.append(_link(f"{authors} ({year})", url))
        elif role == "cite:author":
            items.append(_link(authors, url))
        elif role == "cite:year":
            items.append(_link(year, url))
        else:
            items.append(_link(f"{authors}, {year}", url))
    if role in ("cite", "cite:p", "cite:ps", "cite:cp", "cite:cps"):
        return "(" + "; ".join(items) + ")"
    return ", ".join(items)


class _Converter:
    """Converts the markdown of one document (its glue values, its relative paths)."""

    def __init__(self, index: BookIndex, docname: str):
        self.index = index
        self.docname = docname

    # ---- values
    def glue_output(self, key: str) -> tuple[str, dict]:
        docname = self.docname
        if "::" in key:
            path, key = key.split("::", 1)
            docname = self.resolve_doc(path)
        outputs = self.index.glue.get(docname, {})
        if key not in outputs:
            raise ReaderConversionError(
                f"{self.docname}: no glued value {key!r} (was the chapter executed by this build?)")
        return docname, outputs[key]

    def glue_text(self, content: str) -> str:
        key, _, fmt = content.strip().rpartition(":")
        if not key or key.endswith(":"):  # no format, or a doc::key without one
            key, fmt = content.strip(), "s"
        _, output = self.glue_output(key)
        if "text/plain" not in output.get("data", {}):
            raise ReaderConversionError(f"{self.docname}: glued {key!r} has no text/plain")
        return _format_plain(output["data"]["text/plain"], fmt)

    def glue_markdown(self, content: str) -> str:
        key = content.strip()
        if key.rsplit(":", 1)[-1] in ("commonmark", "myst", "gfm"):
            key = key.rsplit(":", 1)[0]
        _, output = self.glue_output(key)
        data = output.get("data", {})
        if "text/markdown" not in data:
            raise ReaderConversionError(f"{self.docname}: glued {key!r} has no text/markdown")
        return self.markdown(str(data["text/markdown"]).strip())

    def glue_block(self, key: str) -> str:
        """A glued value as a block: its best representation for a notebook."""
        _, output = self.glue_output(key)
        data = output.get("data", {})
        for mime in MIME_ORDER:
            if mime not in data:
                continue
            value = data[mime]
            value = "".join(value) if isinstance(value, list) else value
            if mime == "text/markdown":
                return self.markdown(value.strip())
            if mime == "text/html":  # a table; notebooks drop <style> blocks anyway
                return re.sub(r"<style[^>]*>.*?</style>\s*", "", value, flags=re.S).strip()
            if mime == "image/svg+xml":
                encoded = base64.b64encode(value.encode()).decode()
                return f'<img src="data:image/svg+xml;base64,{encoded}" alt="{key}"/>'
            if mime.startswith("image/"):
                return f'<img src="data:{mime};base64,{value.strip()}" alt="{key}"/>'
            if mime == "text/latex":
                return self.display_math(value)
            return "```\n" + value.rstrip("\n") + "\n```"
        raise ReaderConversionError(f"{self.docname}: glued {key!r} has no displayable data")

    def display_math(self, latex: str) -> str:
        from myst_nb.core.render import strip_latex_delimiters

        return "$$\n" + self.macros(strip_latex_delimiters(latex.strip()).strip()) + "\n$$"

    def macros(self, math: str) -> str:
        for name, expansion in self.index.macros.items():
            expansion = expansion[0] if isinstance(expansion, (list, tuple)) else expansion
            math = re.sub(rf"\\{re.escape(name)}(?![A-Za-z])", lambda _m, e=expansion: e, math)
        return math

    # ---- references
    def resolve_doc(self, target: str) -> str:
        target = target.strip()
        if target.startswith("/"):
            return target.lstrip("/").removesuffix(".md").removesuffix(".ipynb")
        base = Path(self.docname).parent
        parts: list[str] = []
        for part in (base / target).with_suffix("").as_posix().split("/"):
            if part == "..":
                parts.pop() if parts else None
            elif part not in ("", "."):
                parts.append(part)
        return "/".join(parts)

    def role(self, name: str, content: str) -> str:
        index = self.index
        if name in ("glue:text", "glue"):
            return self.glue_text(content)
        if name == "glue:md":
            return self.glue_markdown(content)
        if name == "numref":
            title, label = _title_and_target(content)
            if label not in index.numbers:
                raise ReaderConversionError(f"{self.docname}: {{numref}} to unknown label {label!r}")
            docname, anchor, shown = index.numbers[label]
            if title:
                number = re.sub(r"^\D*", "", shown)
                shown = title.replace("%s", number).replace("{number}", number)
            return _link(shown, index.url(docname, anchor))
        if name == "ref":
            title, label = _title_and_target(content)
            if label not in index.labels:
                raise ReaderConversionError(f"{self.docname}: {{ref}} to unknown label {label!r}")
            docname, anchor, text = index.labels[label]
            if not text and label in index.numbers:  # an exercise or a figure: "Exercise 1.2"
                text = index.numbers[label][2]
            return _link(title or text or label, index.url(docname, anchor))
        if name == "eq":
            title, label = _title_and_target(content)
            if label not in index.equations:
                raise ReaderConversionError(f"{self.docname}: {{eq}} to unknown label {label!r}")
            docname, anchor, shown = index.equations[label]
            return _link(title or shown, index.url(docname, anchor))
        if name == "doc":
            title, target = _title_and_target(content)
            docname = self.resolve_doc(target)
            if docname not in index.titles:
                raise ReaderConversionError(f"{self.docname}: {{doc}} to unknown page {target!r}")
            return _link(title or index.titles[docname], index.url(docname))
        if name == "term":
            title, term = _title_and_target(content)
            if term.lower() not in index.terms:
                raise ReaderConversionError(f"{self.docname}: {{term}} {term!r} is not in the glossary")
            return _link(title or term, index.url(*index.terms[term.lower()]))
        if name == "cite" or name.startswith("cite:"):
            return _citation_text(index, content, name)
        if name == "math":
            return f"${self.macros(content)}$"
        if name in ("sub", "sup"):
            return f"<{name}>{self.inline(content)}</{name}>"
        if name == "abbr":
            return self.inline(re.sub(r"\s*\(.*\)\s*$", "", content))
        raise ReaderConversionError(f"{self.docname}: no plain-Markdown form for the role {{{name}}}")

    def inline(self, text: str) -> str:
        return _map_inline(text, self.role)

    # ---- blocks
    def markdown(self, text: str) -> str:
        """Convert a markdown text (a cell, or a directive's body)."""
        lines = text.split("\n")
        out: list[str] = []
        paragraph: list[str] = []
        i = 0

        def flush() -> None:
            if paragraph:
                out.append(self.inline("\n".join(paragraph)))
                paragraph.clear()

        while i < len(lines):
            line = lines[i]
            fence = _FENCE_OPEN.match(line)
            if fence:
                char, count = fence.group("fence")[0], len(fence.group("fence"))
                end = i + 1
                closer = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{count},}}\s*$")
                while end < len(lines) and not closer.match(lines[end]):
                    end += 1
                body = lines[i + 1:end]
                directive = _DIRECTIVE_INFO.match(fence.group("info"))
                flush()
                if directive:
                    out.append(self.directive(directive.group("name"), directive.group("arg"),
                                              body))
                elif char == ":":
                    raise ReaderConversionError(f"{self.docname}: colon fence without a directive")
                else:  # an ordinary code block: verbatim
                    out.append("\n".join(lines[i:end + 1]))
                i = end + 1
                continue
            if _LABEL_LINE.match(line) or re.match(r"^%", line) or line.strip() == "+++":
                flush()
                i += 1
                continue
            if line.strip().startswith("$$"):
                end = i
                if "$$" not in line.strip()[2:]:  # several lines, up to the closing $$
                    end = i + 1
                    while end < len(lines) and "$$" not in lines[end]:
                        end += 1
                flush()
                block = lines[i:end + 1]
                labelled = _DISPLAY_MATH_LABEL.match(block[-1])
                if labelled:
                    block[-1] = labelled.group("body")
                out.append(self.macros("\n".join(block)))
                i = end + 1
                continue
            if _MATH_ENV.match(line):
                env = _MATH_ENV.match(line).group(1)
                end = i
                while end < len(lines) and not re.search(rf"\\end\{{{env}\*?\}}", lines[end]):
                    end += 1
                flush()
                out.append("$$\n" + self.macros("\n".join(lines[i:end + 1])) + "\n$$")
                i = end + 1
                continue
            if not line.strip():
                flush()
                out.append("")
                i += 1
                continue
            paragraph.append(line)
            i += 1
        flush()
        text = "\n".join(out)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")

    def directive(self, name: str, argument: str, body: list[str]) -> str:
        options: dict[str, str] = {}
        if body and body[0].strip() == "---":
            end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
            if end is None:
                raise ReaderConversionError(f"{self.docname}: unclosed options block in {{{name}}}")
            for line in body[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip().strip("'\"")
            body = body[end + 1:]
        while body and _OPTION_LINE.match(body[0]):
            match = _OPTION_LINE.match(body[0])
            options[match.group("key")] = match.group("value").strip().strip("'\"")
            body = body[1:]
        content = "\n".join(body).strip("\n")
        classes = options.get("class", "").split()

        if name in ADMONITIONS:
            title = self.inline(argument) if argument else (ADMONITIONS[name] or name.title())
            if "dropdown" in classes:
                return details(title, self.markdown(content))
            return quote_block(f"**{title}**", self.markdown(content))
        if name == "dropdown":
            return details(self.inline(argument) or "Details", self.markdown(content))
        if name == "exercise":
            label = options.get("label", "")
            shown = self.index.numbers.get(label, ("", "", "Exercise"))[2]
            title = shown
            if label in self.index.numbers:  # the link reads as the website's references do
                title = _link(shown, self.index.url(*self.index.numbers[label][:2]))
            if argument:
                title = f"{title} ({self.inline(argument)})"
            return quote_block(f"**{title}**", self.markdown(content))
        if name == "solution":
            return details(solution_title(self.index, argument.strip()), self.markdown(content))
        if name in ("solution-start", "solution-end"):
            raise ReaderConversionError(
                f"{self.docname}: {{{name}}} must stand alone in its markdown cell")
        if name in ("math", "glue:math"):
            if name == "glue:math":
                _, output = self.glue_output(argument.strip())
                latex = output.get("data", {}).get("text/latex")
                if latex is None:
                    raise ReaderConversionError(f"{self.docname}: glued {argument!r} has no text/latex")
                return self.display_math("".join(latex) if isinstance(latex, list) else latex)
            return "$$\n" + self.macros(content) + "\n$$"
        if name in ("glue:figure", "glue", "glue:any"):
            block = self.glue_block(argument.strip())
            label = options.get("name", "")
            caption = self.markdown(content) if content.strip() else ""
            if label and label in self.index.numbers:
                shown = _link(self.index.numbers[label][2], self.index.url(*self.index.numbers[label][:2]))
                caption = f"**{shown}.** {caption}".strip()
            return block + (f"\n\n{caption}" if caption else "")
        if name in ("figure", "image"):
            alt = options.get("alt", "")
            label = options.get("name", "")
            image = f"![{alt}]({argument.strip()})"
            caption = self.markdown(content) if content.strip() else ""
            if label and label in self.index.numbers:
                caption = f"**{self.index.numbers[label][2]}.** {caption}".strip()
            return image + (f"\n\n{caption}" if caption else "")
        if name in ("code-block", "code", "code-cell"):
            return f"```{argument.strip()}\n{content}\n```"
        if name == "epigraph":
            return quote_block("", self.markdown(content))
        raise ReaderConversionError(f"{self.docname}: no plain-Markdown form for the directive {{{name}}}")


def quote_block(title: str, body: str) -> str:
    lines = ([title, ""] if title else []) + body.split("\n")
    return "\n".join(f"> {line}".rstrip() for line in lines)


def details(summary: str, body: str) -> str:
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


def solution_title(index: BookIndex, label: str) -> str:
    if label in index.numbers:
        return f"Solution to {index.numbers[label][2]}"
    return "Solution"


# ----------------------------------------------------------------------------- notebooks


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def gate(cell: dict) -> tuple[str, str] | None:
    """``("solution-start", label)`` / ``("solution-end", "")`` for a gate cell, else None."""
    if cell.get("cell_type") != "markdown":
        return None
    lines = [line for line in _source(cell).strip().split("\n") if line.strip()]
    if not lines:
        return None
    opening = _FENCE_OPEN.match(lines[0])
    directive = opening and _DIRECTIVE_INFO.match(opening.group("info"))
    if not directive or directive.group("name") not in ("solution-start", "solution-end"):
        return None
    return directive.group("name"), directive.group("arg").strip()


def _markdown_cell(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def convert_notebook(notebook: dict, docname: str, index: BookIndex) -> dict:
    """The reader edition of ``notebook`` (a chapter's JSON), checked free of MyST."""
    converter = _Converter(index, docname)
    result = copy.deepcopy(notebook)
    cells: list[dict] = []
    title = index.titles.get(docname)
    if title:
        cells.append(_markdown_cell(
            f"*{title}*: an edition of this chapter in plain Markdown, with the numbers of "
            f"the book's build. [Read it on the website]({index.url(docname)}); "
            "run it top to bottom: the first cell fetches the book's code when it is missing."))
    solution: str | None = None
    solution_cells = 0
    for cell in notebook["cells"]:
        marker = gate(cell)
        if marker:
            kind, label = marker
            if kind == "solution-start":
                if solution is not None:
                    raise ReaderConversionError(f"{docname}: a solution opens inside another")
                solution, solution_cells = label, 0
            else:
                if solution is None:
                    raise ReaderConversionError(f"{docname}: solution-end without solution-start")
                solution = None
            continue
        new = copy.deepcopy(cell)
        if cell["cell_type"] == "markdown":
            text = converter.markdown(_source(cell))
            if solution is not None:
                summary = solution_title(index, solution)
                text = details(summary + (", continued" if solution_cells else ""), text)
            new["source"] = text.splitlines(keepends=True)
        elif cell["cell_type"] == "code":
            tags = set(cell.get("metadata", {}).get("tags", []))
            meta = new.setdefault("metadata", {})
            jupyter = {}
            if tags & HIDDEN_SOURCE_TAGS or solution is not None:
                jupyter["source_hidden"] = True
            if tags & HIDDEN_OUTPUT_TAGS:
                jupyter["outputs_hidden"] = True
            if jupyter:
                meta["jupyter"] = {**meta.get("jupyter", {}), **jupyter}
            if solution is not None and solution_cells == 0:
                cells.append(_markdown_cell(
                    f"**{solution_title(index, solution)}**: the code below (folded in "
                    "JupyterLab: click the bar on its left to open it)."))
            new["outputs"], new["execution_count"] = [], None
        if solution is not None:
            solution_cells += 1
        cells.append(new)
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if cell["cell_type"] == "code" and figure:
            caption = converter.markdown(str(figure.get("caption", "")))
            label = figure.get("name", "")
            if label in index.numbers:
                shown = _link(index.numbers[label][2], index.url(*index.numbers[label][:2]))
                caption = f"**{shown}.** {caption}".strip()
            if caption:
                cells.append(_markdown_cell(caption))
    if solution is not None:
        raise ReaderConversionError(f"{docname}: solution {solution!r} is never closed")
    result["cells"] = with_cell_ids(cells, "reader") if result.get("nbformat_minor", 0) >= 5 else cells
    meta = result.get("metadata", {})
    result["metadata"] = {k: meta[k] for k in ("kernelspec", "language_info") if k in meta}
    problems = [f"cell {i}: {p}" for i, cell in enumerate(cells) if cell["cell_type"] == "markdown"
                for p in find_myst(_source(cell))]
    if problems:
        raise ReaderConversionError(f"{docname}: MyST left in the reader edition: {problems[:5]}")
    return result


def with_cell_ids(cells: list[dict], prefix: str) -> list[dict]:
    """Give the cells that lack one a unique id (nbformat 4.5 requires them)."""
    taken = {cell["id"] for cell in cells if "id" in cell}
    for number, cell in enumerate(cells):
        if "id" not in cell:
            new = f"{prefix}-{number}"
            while new in taken:
                new += "x"
            cell["id"] = new
            taken.add(new)
    return cells


def find_myst(markdown: str) -> list[str]:
    """MyST syntax in ``markdown`` outside code: roles, directives, labels, options.

    Parsed with markdown-it-py and the MyST plugins (the parser behind MyST
    itself), so it sees what a MyST renderer would treat as MyST.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    parser = (MarkdownIt("commonmark").use(myst_role_plugin).use(myst_block_plugin)
              .use(colon_fence_plugin).enable("table"))
    found = []

    def walk(tokens):
        for token in tokens:
            if token.type == "myst_role":
                found.append(f"role {{{token.meta.get('name')}}}`{token.content}`")
            elif token.type == "myst_target":
                found.append(f"label ({token.content})=")
            elif token.type in ("myst_line_comment", "myst_block_break"):
                found.append(f"{token.type} {token.content!r}")
            elif token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
                found.append(f"directive {token.info.strip()}")
            elif token.type == "colon_fence":
                found.append(f"colon fence {token.info.strip()!r}")
            if token.children:
                walk(token.children)

    walk(parser.parse(markdown))
    return found


# ------------------------------------------------------------------------------- Sphinx


def _site_url(app) -> str:
    url = app.config.reader_notebooks_site_url
    if not url:
        repo = app.config.html_theme_options.get("repository_url", "")
        match = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", repo)
        if not match:
            raise ReaderConversionError(
                "set reader_notebooks_site_url in _config.yml (sphinx: config:): the website's "
                f"address cannot be derived from repository.url {repo!r}")
        url = f"https://{match.group(1)}.github.io/{match.group(2)}/"
    return url if url.endswith("/") else url + "/"


def _authors_and_year(entry) -> tuple[str, str]:
    from pybtex.richtext import Text

    def last(person) -> str:
        names = " ".join(person.prelast_names + person.last_names)
        return Text.from_latex(names).render_as("text").replace("{", "").replace("}", "")

    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [last(p) for p in people]
    if not names:
        authors = entry.fields.get("organization") or entry.fields.get("title", entry.key)
    elif len(names) == 1:
        authors = names[0]
    elif len(names) == 2:
        authors = f"{names[0]} and {names[1]}"
    else:
        authors = f"{names[0]} et al."
    return authors, str(entry.fields.get("year", "n.d."))


def index_from_sphinx(app) -> BookIndex:
    """Collect labels, numbers, citations, glue values and titles from a finished build."""
    env = app.env
    index = BookIndex(site_url=_site_url(app))
    index.numfig_format.update(app.config.numfig_format or {})
    std = env.get_domain("std")
    for label, (docname, anchor, title) in std.labels.items():
        index.labels[label] = (docname, anchor, title)
    for label, (docname, anchor) in std.anonlabels.items():
        numbers = env.toc_fignumbers.get(docname, {})
        for figtype, ids in numbers.items():
            if anchor in ids:
                number = ".".join(map(str, ids[anchor]))
                fmt = index.numfig_format.get(figtype, figtype.title() + " %s")
                index.numbers[label] = (docname, anchor, fmt % number)
                break
        else:
            secnumber = env.toc_secnumbers.get(docname, {}).get(f"#{anchor}")
            if secnumber:
                fmt = index.numfig_format.get("section", "Section %s")
                index.numbers[label] = (docname, anchor, fmt % ".".join(map(str, secnumber)))
        if label not in index.labels:
            index.labels[label] = (docname, anchor, "")
    # sphinx-exercise: the website shows a reference to an exercise as "Exercise 1.2".
    for label in getattr(env, "sphinx_exercise_registry", None) or {}:
        if label in index.numbers:
            index.labels[label] = index.numbers[label]
    math = env.get_domain("math")
    numbered_by_section = app.config.numfig and app.config.math_numfig  # "(1.2)", as Sphinx does
    for label, (docname, number) in math.data.get("objects", {}).items():
        anchor = f"equation-{label}"
        if numbered_by_section:
            found = env.toc_fignumbers.get(docname, {}).get("displaymath", {}).get(anchor)
            number = ".".join(map(str, found)) if found else number
        index.equations[label] = (docname, anchor, f"({number})")
    for (kind, name), (docname, anchor) in std.objects.items():
        if kind == "term":
            index.terms[name.lower()] = (docname, anchor)
    try:
        cite = env.get_domain("cite")
    except Exception:  # noqa: BLE001 - sphinxcontrib-bibtex not loaded
        cite = None
    if cite is not None:
        for citation in cite.citations:
            authors, year = _authors_and_year(citation.entry)
            key = citation.key
            index.citations.setdefault(key, (citation.bibliography_key.docname,
                                             citation.citation_id, authors, year))
    for docname in env.found_docs:
        title = env.titles.get(docname)
        if title is not None:
            index.titles[docname] = title.astext()
    folder = Path(env.mystnb_config.output_folder) if hasattr(env, "mystnb_config") else None
    if folder is not None:
        for path in folder.rglob("*.glue.json"):
            docname = path.relative_to(folder).as_posix().removesuffix(".glue.json")
            index.glue[docname] = json.loads(path.read_text(encoding="utf-8"))
    macros = (getattr(app.config, "mathjax3_config", None) or {}).get("tex", {}).get("macros", {})
    index.macros = dict(macros)
    return index


def notebook_docs(app) -> list[str]:
    """The book's documents written as notebooks, in the table of contents' order."""
    env = app.env
    ordered = [d for d in (getattr(env, "all_docs", None) or {}) if d in env.found_docs]
    docs = sorted(set(ordered) | set(env.found_docs))
    return [d for d in docs if str(env.doc2path(d)).endswith(".ipynb")]


def reader_path(app, docname: str) -> Path:
    return Path(app.outdir) / NOTEBOOKS_DIR / f"{Path(docname).name}.ipynb"


def write_reader_notebooks(app, exception) -> None:
    """``build-finished``: write the reader edition of every notebook of the book."""
    # The website's builder only: the single-page build of the PDF needs no reader
    # editions, and numbers its figures by its own scheme.
    if exception is not None or app.builder.name != "html":
        return
    from sphinx.errors import ExtensionError

    index = index_from_sphinx(app)
    docs = notebook_docs(app)
    names = [Path(d).name for d in docs]
    if len(set(names)) != len(names):
        raise ExtensionError(f"reader notebooks: two notebooks share a file name: {names}")
    for docname in docs:
        notebook = json.loads(Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
        try:
            reader = convert_notebook(notebook, docname, index)
        except ReaderConversionError as error:
            raise ExtensionError(f"reader notebooks: {error}") from None
        path = reader_path(app, docname)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(reader, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def adjust_buttons(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: the download and Colab buttons of a notebook page use its
    reader edition (after sphinx-book-theme has added them, at priority 501)."""
    try:
        source = str(app.env.doc2path(pagename))
    except Exception:  # noqa: BLE001 - generated pages (genindex, search)
        return
    if not source.endswith(".ipynb"):
        return
    name = f"{Path(pagename).name}.ipynb"
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("label") == "download-source-button":
                button["url"] = context["pathto"](f"{NOTEBOOKS_DIR}/{name}", 1)
                button["tooltip"] = "Download the notebook (plain Markdown: Jupyter, Colab, VS Code)"
            elif button.get("text") == "Colab":
                repo = app.config.html_theme_options.get("repository_url", "").rstrip("/")
                match = re.match(r"https://github\.com/([^/]+)/([^/]+)$", repo)
                launch = app.config.html_theme_options.get("launch_buttons", {})
                colab = launch.get("colab_url", "https://colab.research.google.com").rstrip("/")
                if match:
                    branch = app.config.reader_notebooks_branch
                    folder = app.config.reader_notebooks_folder.strip("/")
                    button["url"] = (f"{colab}/github/{match.group(1)}/{match.group(2)}/blob/"
                                     f"{branch}/{folder}/{name}")


def setup(app) -> None:
    """Register the configuration values and the two event handlers.

    ``reader_notebooks_site_url``: the website's address, which the reader editions
    link to (default: GitHub Pages of ``repository.url``); ``reader_notebooks_branch``
    and ``reader_notebooks_folder``: where the published website (and so the
    reader editions) lie on GitHub, for Colab's launch button.
    """
    app.add_config_value("reader_notebooks_site_url", "", "html")
    app.add_config_value("reader_notebooks_branch", "gh-pages", "html")
    app.add_config_value("reader_notebooks_folder", NOTEBOOKS_DIR, "html")
    app.connect("build-finished", write_reader_notebooks)
    app.connect("html-page-context", adjust_buttons, priority=600)
