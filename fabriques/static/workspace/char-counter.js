/*
 * « n / max caractères » under each text area with a limit (core.forms.LongTextField).
 *
 * The page works without it: the server checks the length and says how much to remove.
 * The visible counter follows every keystroke; screen readers hear about it only near the
 * limit (a polite live region), not at each character typed. Nothing is ever cut: a text
 * pasted over the limit stays whole and the counter shows the excess.
 */
(function () {
  "use strict";

  // Announce when fewer than this share of the limit is left, and when over it.
  var NEAR = 0.1;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function attach(area) {
    var max = parseInt(area.getAttribute("data-maxlength"), 10);
    if (!max || area.getAttribute("data-counter-ready")) {
      return;
    }
    area.setAttribute("data-counter-ready", "1");
    var id = (area.id || "texte") + "-compteur";
    var counter = document.createElement("p");
    counter.id = id;
    counter.className = "fr-hint-text fab-char-counter";
    var live = document.createElement("p");
    live.className = "fr-sr-only";
    live.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", live);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", described ? described + " " + id : id);

    var lastState = "";
    function update() {
      var n = area.value.length;
      var left = max - n;
      var values = { n: n, max: max, left: left, excess: -left };
      var over = left < 0;
      counter.textContent = fill(
        area.getAttribute(over ? "data-counter-over" : "data-counter-text"),
        values
      );
      counter.classList.toggle("fab-char-counter--over", over);
      var state = over ? "over" : left <= max * NEAR ? "near" : "";
      // Speak once on entering a state, not at every character.
      if (state !== lastState) {
        live.textContent = state === "over"
          ? counter.textContent
          : state === "near"
            ? fill(area.getAttribute("data-counter-near"), values)
            : "";
        lastState = state;
      }
    }
    area.addEventListener("input", update);
    update();
  }

  function init() {
    var areas = document.querySelectorAll("textarea[data-maxlength]");
    for (var i = 0; i < areas.length; i += 1) {
      attach(areas[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
