// The kiosk's thank-you screen returns to a fresh survey by itself, replacing itself in the
// history so that Back never leads to the previous person's screens.
(function () {
  "use strict";
  var next = document.querySelector("[data-next-person]");
  if (!next) { return; }
  var seconds = parseInt(next.getAttribute("data-after-seconds") || "15", 10);
  window.setTimeout(function () { window.location.replace(next.getAttribute("href")); }, seconds * 1000);
}());
