// Enhancement only: the form works the same without it.
(function () {
  "use strict";
  // Move focus to the error summary, so a screen reader announces what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // One submission per press: a second press while the first is in flight does nothing.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent") === "yes") { event.preventDefault(); return; }
      form.setAttribute("data-sent", "yes");
      window.setTimeout(function () { form.removeAttribute("data-sent"); }, 4000);
    });
  });
})();
