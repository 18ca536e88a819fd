// The book's own script (book_ext adds it to every page): accessible names for
// two buttons of the theme (pydata-sphinx-theme), whose templates the book does
// not copy. axe-core's label-content-name-mismatch: a control's accessible name
// must contain its visible text.
(() => {
  const fix = () => {
    // "Search Ctrl+K" is shown, aria-label says "Search": let the text name it.
    document.querySelectorAll(".search-button-field[aria-label]").forEach((button) => {
      if (button.textContent.trim()) button.removeAttribute("aria-label");
    });
    // The colour-mode button is named "Color mode" (its tooltip too); its icons'
    // titles ("Light", "Dark", ...), which Font Awesome turns into SVG <title>s,
    // would give it hidden text that contradicts that name.
    document.querySelectorAll(".theme-switch-button [title]").forEach((icon) => {
      icon.removeAttribute("title");
    });
    document.querySelectorAll(".theme-switch-button svg title").forEach((title) => title.remove());
    document.querySelectorAll(".theme-switch-button svg[aria-labelledby]").forEach((svg) => {
      svg.removeAttribute("aria-labelledby");
    });
  };
  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", fix);
})();
