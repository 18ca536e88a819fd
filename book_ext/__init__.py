"""The book's Sphinx extension (``_config.yml``: ``sphinx.local_extensions``).

At every build it

* stages the offline JavaScript (MathJax, the widget scripts) from
  ``node_modules`` into the site: :mod:`book_ext.offline_assets`;
* writes the generated parts of the API, instructors' and execution pages:
  :mod:`book_ext.generated`;
* adjusts autodoc's reading of the helpers' numpydoc docstrings:
  :mod:`book_ext.api_docs`;
* lets the single-page builder of ``make pdf`` render what the HTML builder
  renders: :mod:`book_ext.singlehtml`;
* writes a plain-Markdown reader edition of every chapter after the build
  (for Colab and the download button): :mod:`book_ext.reader_notebooks`.

Author scripts (benchmark, one-chapter build, notebook cleaning) live in
``tools/``; this folder holds only what the build itself loads.
"""

from __future__ import annotations

from book_ext import api_docs, generated, offline_assets, reader_notebooks, singlehtml


def _on_config_inited(app, config) -> None:
    from sphinx.errors import ConfigError

    try:
        offline_assets.stage_assets()
    except offline_assets.SiteAssetsError as error:
        raise ConfigError(f"book_ext: {error}") from None
    generated.write_generated()
    if "sphinx.ext.autodoc" in config.extensions:
        api_docs.import_helpers_quietly(generated.helper_modules())
    static = offline_assets.STATIC
    config.html_static_path.append(str(static))
    # _config.yml must point at the staged copies, never at a CDN.
    wanted = [config.mathjax_path, *getattr(config, "nb_ipywidgets_js", {}).keys()]
    for uri in wanted:
        if "://" in uri or uri.startswith("//"):
            raise ConfigError(f"book_ext: {uri} is a remote URL; the site must work offline.")
        if not (static / uri).is_file():
            raise ConfigError(f"book_ext: {uri} (from _config.yml) is not among the staged "
                              f"files in {static}; see ASSETS in book_ext/offline_assets.py.")


def setup(app):
    """Sphinx entry point (``sphinx.local_extensions: {book_ext: ./}``)."""
    app.connect("config-inited", _on_config_inited, priority=900)
    app.connect("builder-inited", singlehtml.complete_singlehtml_handlers)  # make pdf
    # Before napoleon's own handler (priority 500).
    app.connect("autodoc-process-docstring", api_docs.plain_attribute_docstrings, priority=400)
    app.connect("autodoc-process-docstring", api_docs.rubric_sections, priority=400)
    app.connect("html-page-context", offline_assets.drop_animation_cdn)
    # After myst-nb adds a page's widget scripts (priority 500).
    app.connect("html-page-context", offline_assets.dedupe_scripts, priority=999)
    reader_notebooks.setup(app)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
