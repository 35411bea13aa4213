// Zhongshu shell behaviour. Loaded as a file: the CSP forbids inline scripts.
(function () {
  "use strict";
  // Whole table rows act as links (UI.md "the whole row clickable"), keyboard included.
  document.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-href]");
    if (!row || event.target.closest("a, button, input, label, select")) return;
    window.location.assign(row.getAttribute("data-href"));
  });
  document.addEventListener("keydown", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (row && event.key === "Enter") window.location.assign(row.getAttribute("data-href"));
  });
  // Buttons that fill the sign-in form in the demo.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-username]");
    if (!button) return;
    var form = document.getElementById("login-form");
    if (!form) return;
    form.querySelector("[name=username]").value = button.getAttribute("data-fill-username");
    form.querySelector("[name=password]").value = button.getAttribute("data-fill-password");
    form.querySelector("[name=password]").focus();
  });
  // Destructive actions ask once.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Auto-submit filter selects.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
