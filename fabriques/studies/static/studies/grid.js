// The MICMAC grid, keyboard-first: the arrow keys move between cells (the grid works as a
// plain form without this script; Tab still goes cell by cell, row by row).
(function () {
  "use strict";
  var grid = document.querySelector(".studies-grid");
  if (!grid) { return; }
  var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  grid.addEventListener("keydown", function (event) {
    var move = moves[event.key];
    var input = event.target;
    if (!move || !input.classList.contains("studies-grid__cell")) { return; }
    var parts = input.name.split("-");
    var row = Number(parts[1]);
    var column = Number(parts[2]);
    var size = grid.tBodies[0].rows.length;
    for (var step = 1; step <= 2; step += 1) {
      var r = row + move[0] * step;
      var c = column + move[1] * step;
      if (r < 0 || c < 0 || r >= size || c >= size) { return; }
      var next = document.getElementById("c-" + r + "-" + c);
      if (next) {
        event.preventDefault();
        next.focus();
        next.select();
        return;
      }
    }
  });
})();
