/* The problem sheet's print button, without an inline handler (CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
