/* The only script of the application (the CSP allows scripts from 'self' only, docs/security.md, S18),
   loaded by the error summary of a form (mediation/templates/macros/forms.html) and by the booking form's
   proposed times (mediation/templates/appointments/form.html). Every page works without it.

   The error summary (docs/architecture.md, A5):

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

/* A proposed free time of the booking form (docs/architecture.md, U5): a click on its link fills the form's
   date, start, end and room from the link's data-* attributes instead of loading the form again, then moves
   the focus to the next field to fill. Without script the link loads the form filled in from its address. */
(function () {
  "use strict";

  // The booking form loads this file, and so does its error summary: the listener is added once.
  if (window.mediationProposedTimes) {
    return;
  }
  window.mediationProposedTimes = true;

  // The link's data-* attribute, then the id of the form's field it fills (WTForms: the field's name).
  var FILLS = [["day", "day"], ["start", "start"], ["end", "end"]];

  function set(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The room is filled only for a meeting in person; its list must offer the proposed room. With no free
  // room proposed the choice is emptied: a room chosen for another time may be taken at this one.
  function setRoom(list, link) {
    var room = document.getElementById("room_id");
    var mode = document.getElementById("mode");
    if (!room || (mode && mode.value !== list.getAttribute("data-slot-room-mode"))) {
      return;
    }
    var wanted = link.getAttribute("data-room") || "";
    var offered = Array.prototype.some.call(room.options, function (option) {
      return option.value === wanted;
    });
    set(room, offered ? wanted : "");
  }

  // The next field to fill: a required field still empty (the type of meeting), else the room when it is
  // needed and empty, else the field the list names (the first invited party, or for a family without a
  // case the label that says who it is), else the form's button.
  function nextField(list, form) {
    var empty = Array.prototype.find.call(form.querySelectorAll("select[required], input[required]"),
      function (input) { return !input.value; });
    var room = document.getElementById("room_id");
    var mode = document.getElementById("mode");
    if (!empty && room && !room.value && (!mode || mode.value === list.getAttribute("data-slot-room-mode"))) {
      empty = room;
    }
    var then = list.getAttribute("data-slot-then");
    return empty || (then && document.getElementById(then)) || form.querySelector("button[type=submit]");
  }

  function choose(event) {
    var link = event.target.closest("a[data-day]");
    var list = link && link.closest("[data-slot-form]");
    var form = list && document.getElementById(list.getAttribute("data-slot-form"));
    if (!form || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; // a new tab or window asked for: the link does what links do
    }
    var inputs = FILLS.map(function (pair) { return document.getElementById(pair[1]); });
    if (inputs.some(function (input) { return !input; })) {
      return;
    }
    event.preventDefault();
    FILLS.forEach(function (pair, index) {
      set(inputs[index], link.getAttribute("data-" + pair[0]));
    });
    setRoom(list, link);
    var next = nextField(list, form);
    if (next) {
      next.focus();
    }
  }

  document.addEventListener("click", choose);
})();
