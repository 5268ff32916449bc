// Smart Kampung shell behaviour. No inline scripts anywhere (CSP): pages opt in with data-attributes.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // <form data-autosubmit>: submit when a select changes (the language switch); the button stays for no-JS use.
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // <button data-confirm="...">: ask before a destructive action.
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
    // The menu is open by default on wide screens.
    var menu = document.querySelector("details.menu");
    if (menu && window.matchMedia("(min-width: 48rem)").matches) { menu.open = true; }
  });
})();
