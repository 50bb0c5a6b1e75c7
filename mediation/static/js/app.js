/* The only script of the application (the CSP allows scripts from 'self' only, docs/security.md, S18).
   Every page works without it; it only moves the focus (docs/architecture.md, A5).

   - The error summary of a form takes the focus when the page loads, so that a screen reader reads it
     and the keyboard starts from it.
   - A link of the summary focuses its field and scrolls the field's label (or legend) into view, where the
     browser alone would hide the label above the top of the window. */
(function () {
  "use strict";

  function labelOf(input) {
    var legend = input.closest("fieldset");
    if (legend && legend.querySelector("legend")) {
      return legend.querySelector("legend");
    }
    return document.querySelector('label[for="' + CSS.escape(input.id) + '"]') || input;
  }

  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-field]");
      var input = link && document.getElementById(link.getAttribute("data-field"));
      if (!input) {
        return;
      }
      event.preventDefault();
      labelOf(input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
