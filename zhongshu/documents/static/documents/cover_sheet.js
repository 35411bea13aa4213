// The 发文稿纸's print button (a file: the CSP forbids inline scripts).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
