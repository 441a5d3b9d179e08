// The live screen of a morphological analysis. Without this script the choices are a plain
// GET form (« Vérifier la combinaison »). With it, each click asks the server for the answer's
// fragment (the HX-Request header, as htmx sends it) and swaps the choices and the hidden
// choices of the scenario form, and rewrites the live region so that the answer is read out.
(function () {
  "use strict";
  var form = document.getElementById("morpho-choices-form");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var pending = null;

  function swap(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    ["morpho-choices", "morpho-save-choices"].forEach(function (id) {
      var fresh = holder.content.getElementById(id);
      var old = document.getElementById(id);
      if (fresh && old) { old.replaceWith(fresh); }
    });
    var answer = document.getElementById("morpho-answer");
    var freshAnswer = holder.content.getElementById("morpho-answer");
    if (answer && freshAnswer) { answer.innerHTML = freshAnswer.innerHTML; }
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.type !== "radio") { return; }
    var focused = target.id;
    var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin",
                 signal: pending.signal })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { form.submit(); return; }
        swap(html);
        var again = document.getElementById(focused);
        if (again) { again.focus(); }
        if (window.history && history.replaceState) { history.replaceState(null, "", url); }
      })
      .catch(function (error) { if (error.name !== "AbortError") { form.submit(); } });
  });
})();
