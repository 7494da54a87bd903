// Small behaviours that need no library. Loaded with `defer` on every page.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 900px)");
  function syncMenu() {
    var menu = document.querySelector("details.menu");
    if (menu) menu.open = wide.matches;  // a row of links on desktops, a menu button on phones
  }
  syncMenu();
  wide.addEventListener("change", syncMenu);
  // Close the phone menu when the page is tapped elsewhere.
  document.addEventListener("click", function (event) {
    var menu = document.querySelector("details.menu[open]");
    if (menu && !wide.matches && !menu.contains(event.target)) menu.removeAttribute("open");
  });
  // Keep one submission per click on slow networks: disable submit buttons once a form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    window.setTimeout(function () { form.dataset.submitting = ""; }, 8000);
  });
})();
// Note templates: a [data-fill="<textarea id>"] button puts its text into that textarea (on a
// new line when there is text already) and focuses it, ready to be edited.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill]") : null;
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-fill"));
    if (!target || target.tagName !== "TEXTAREA") return;
    event.preventDefault();
    var text = button.textContent.trim();
    var current = target.value.replace(/\s+$/, "");
    target.value = current ? current + "\n" + text : text;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    target.setSelectionRange(target.value.length, target.value.length);
  });
})();
