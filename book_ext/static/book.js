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
  // ipywidgets draws a slider's handle (role="slider") after the page loads, with its
  // description in a separate label: name each handle by that label as it appears.
  const nameSliders = () => {
    document.querySelectorAll('.widget-slider [role="slider"]:not([aria-label])').forEach((handle) => {
      const label = handle.closest(".widget-slider")?.querySelector(".widget-label");
      handle.setAttribute("aria-label", (label && label.textContent.trim()) || "slider");
    });
  };
  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", () => {
    fix();
    nameSliders();
    new MutationObserver(nameSliders).observe(document.body, { childList: true, subtree: true });
  });
})();
