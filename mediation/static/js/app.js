/* The only script of the application (the CSP allows scripts from 'self' only, docs/security.md, S18),
   loaded by the error summary of a form (mediation/templates/macros/forms.html). Every page works without it; it only
   moves the focus (docs/architecture.md, A5).

   - The error summary of a form takes the focus when the page loads, so that a screen reader reads it
     and the keyboard starts from it.
   - A link of the summary focuses its field and scrolls the field's label (or legend) into view, where the
     browser alone would hide the label above the top of the window. */
(function () {
  "use strict";

  // Each error summary loads this file; a page with two forms in error runs it once.
  if (window.mediationErrorSummary) {
    return;
  }
  window.mediationErrorSummary = true;

  // What names the field: the legend of a group of choices, else the field's own label.
  function labelOf(input) {
    var group = input.closest("fieldset.field-choices");
    if (group && group.querySelector("legend")) {
      return group.querySelector("legend");
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
