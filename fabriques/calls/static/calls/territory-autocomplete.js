/*
 * Territory autocomplete for the application form (progressive enhancement, no dependency).
 *
 * Without JavaScript the form works as is: the server resolves the typed name or code and
 * explains when it is ambiguous. With it, each input[data-autocomplete] becomes an ARIA 1.2
 * combobox listing the matches of /appels/territoires/?q= ; picking one fills the hidden
 * « kind:pk » reference named by data-autocomplete-ref.
 */
(function () {
  "use strict";

  var DELAY_MS = 250;
  var MIN_LENGTH = 2;

  function message(input, name, count) {
    var text = input.getAttribute("data-msg-" + name) || "";
    return text.replace("{n}", String(count));
  }

  function enhance(input) {
    var url = input.getAttribute("data-autocomplete");
    var ref = document.getElementById(input.getAttribute("data-autocomplete-ref"));
    var kinds = input.getAttribute("data-autocomplete-kinds");
    var listId = input.id + "-options";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;

    list.id = listId;
    list.className = "fab-autocomplete";
    list.setAttribute("role", "listbox");
    if (input.labels && input.labels[0]) {
      input.labels[0].id = input.labels[0].id || input.id + "-label";
      list.setAttribute("aria-labelledby", input.labels[0].id);
    }
    list.hidden = true;
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      var items = list.children;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var item = options[index];
      if (!item) return;
      input.value = item.label;
      if (ref) ref.value = item.ref;
      close();
      status.textContent = message(input, "chosen", 0).replace("{label}", item.label);
    }

    function render(data) {
      options = (data && data.results) || [];
      list.textContent = "";
      active = -1;
      options.forEach(function (item, index) {
        var option = document.createElement("li");
        var name = document.createElement("span");
        var detail = document.createElement("span");
        option.id = listId + "-" + index;
        option.className = "fab-autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        name.textContent = item.label;
        detail.className = "fab-autocomplete__detail";
        detail.textContent = item.kind_label + " · " + item.departement;
        option.appendChild(name);
        option.appendChild(detail);
        // mousedown rather than click: it fires before the input loses focus.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      status.textContent = options.length
        ? message(input, "results", options.length)
        : message(input, "none", 0);
      if (options.length) {
        open();
      } else {
        close();
      }
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      var params = new URLSearchParams({ q: query });
      if (kinds) params.set("kinds", kinds);
      fetch(url + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(render)
        .catch(function () {
          /* aborted or offline: the server resolves the text on submit */
        });
    }

    input.addEventListener("input", function () {
      // Typing again invalidates an earlier pick; the server then resolves the text.
      if (ref) ref.value = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && options.length) {
          open();
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight(Math.min(active + 1, options.length - 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(Math.max(active - 1, 0));
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        choose(active);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(enhance);
})();
