// The decision panel (UI.md "Deciding"): common opinions fill the box with one tap, and a
// return or rejection asks for a reason before the form is sent. Loaded as a file (CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-opinion]");
    if (!chip) return;
    var box = document.getElementById("opinion");
    if (box) { box.value = chip.getAttribute("data-opinion"); box.focus(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "decide-form") return;
    var button = event.submitter;
    var required = (form.getAttribute("data-opinion-required") || "").split(",");
    var box = document.getElementById("opinion");
    if (button && required.indexOf(button.value) !== -1 && box && !box.value.trim()) {
      event.preventDefault();
      box.required = true;
      box.reportValidity();
    }
  });
})();
