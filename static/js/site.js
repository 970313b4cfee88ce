// Site-wide behaviour. No inline scripts anywhere (CSP): pages add their own
// files with <script src defer>.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  // Mobile navigation toggle; Escape closes it and returns focus to the button.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // "Back" links: go back in history when there is somewhere to go back to,
  // otherwise follow the link's own href.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-history-back]") : null;
    if (!link) {
      return;
    }
    var cameFromHere = document.referrer && new URL(document.referrer).origin === window.location.origin;
    if (cameFromHere && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Skip link: move focus to <main> so the next Tab continues from the content.
  var skip = document.querySelector(".skip-link");
  var main = document.getElementById("main");
  if (skip && main) {
    skip.addEventListener("click", function () {
      main.focus();
    });
  }
})();
