// The colleague picker (transfer, 加签, delegation). htmx asks the server for matches as the
// user types; here, Enter or the Find button searches in place instead of reloading the page,
// so an opinion already written is not lost. Without JavaScript the search form is a plain
// GET that renders the same list. Loaded as a file (CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-picker-form") || !window.htmx) return;
    var input = document.querySelector('input[data-picker-input][form="' + form.id + '"]');
    if (!input) return;
    event.preventDefault();
    window.htmx.trigger(input, "picker-search");
  });
})();
