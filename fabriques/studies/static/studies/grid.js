// The matrix grids (MICMAC, MACTOR, CIB), keyboard-first. Without this script a grid is a
// plain form (Tab goes cell by cell, row by row; the button saves). With it:
// - the arrow keys move between cells (the diagonal is skipped);
// - when the table has data-cell-url, each changed cell is saved at once with the value it
//   had when read: if someone else changed that cell in between, the server refuses (409)
//   and the cell shows their value; the status line is read out to screen readers.
(function () {
  "use strict";
  var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function cellAt(grid, row, column) {
    return grid.querySelector('input[data-row="' + row + '"][data-column="' + column + '"]');
  }

  function announce(grid, text) {
    var status = document.getElementById(grid.id + "-statut");
    if (status) { status.textContent = text; }
  }

  var pending = [];

  function save(grid, input) {
    var url = grid.getAttribute("data-cell-url");
    var form = input.form;
    if (!url || !form || input.value === input.getAttribute("data-saved")) { return; }
    pending.push(send(grid, input, url, form));
  }

  function send(grid, input, url, form) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("matrix", grid.getAttribute("data-grid"));
    body.append("row", input.getAttribute("data-row"));
    body.append("column", input.getAttribute("data-column"));
    body.append("expected", input.getAttribute("data-saved"));
    body.append("value", input.value);
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return [response.status, data]; });
      })
      .then(function (answer) {
        var data = answer[1];
        if (answer[0] === 200) {
          input.setAttribute("data-saved", data.value);
          input.value = data.value;
          input.removeAttribute("aria-invalid");
          input.parentNode.classList.add("studies-grid__filled");
          input.parentNode.title = data.author;
          var version = form.querySelector("[name=lock_version]");
          if (version) { version.value = data.lock_version; }
        } else {
          if (answer[0] === 409) {
            input.value = data.value;
            input.setAttribute("data-saved", data.value);
          }
          input.setAttribute("aria-invalid", "true");
        }
        announce(grid, data.message);
      })
      .catch(function () { announce(grid, grid.getAttribute("data-offline") || ""); });
  }

  document.querySelectorAll("table[data-grid]").forEach(function (grid) {
    grid.addEventListener("keydown", function (event) {
      var move = moves[event.key];
      var input = event.target;
      if (!move || !input.classList.contains("studies-grid__cell")) { return; }
      var row = Number(input.getAttribute("data-row"));
      var column = Number(input.getAttribute("data-column"));
      for (var step = 1; step <= 2; step += 1) {
        var next = cellAt(grid, row + move[0] * step, column + move[1] * step);
        if (next) {
          event.preventDefault();
          next.focus();
          next.select();
          return;
        }
      }
    });
    grid.addEventListener("change", function (event) {
      if (event.target.classList.contains("studies-grid__cell")) { save(grid, event.target); }
    });
    // The whole-grid button still posts the form (every cell, for the record), once the cells
    // being saved one by one are: it then carries the lock version they left.
    var form = grid.closest("form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!pending.length) { return; }
        event.preventDefault();
        var waiting = pending;
        pending = [];
        Promise.all(waiting).then(function () { form.submit(); }, function () { form.submit(); });
      });
    }
  });
})();
