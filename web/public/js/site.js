// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // Times are rendered in UTC and labelled so; show them in the shopper's own zone instead.
  try {
    var dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric" });
    var dateTimeFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    var times = document.querySelectorAll("time[data-local]");
    for (var t = 0; t < times.length; t++) {
      var when = new Date(times[t].getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      times[t].textContent = (times[t].getAttribute("data-local") === "date" ? dateFormat : dateTimeFormat).format(when);
    }
  } catch (e) {
    // an old browser keeps the labelled UTC text
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A second click while the first submit is on its way does nothing. (The server does not
    // rely on this: the pay form's idempotency key already makes a double submit harmless.)
    if (form.hasAttribute("data-once")) {
      if (form.getAttribute("data-submitted") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitted", "true");
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-disabled", "true");
        buttons[i].textContent = buttons[i].textContent + "…";
      }
    }
  });
})();
