// The facilitator's vote page: the projected grid (#votes-live, data-live-url) is fetched
// again every 3 seconds while the vote is open, so that it fills in as votes arrive. Without
// this script the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var live = document.getElementById("votes-live");
  if (!live || !live.getAttribute("data-live-url")) { return; }
  var url = live.getAttribute("data-live-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { live.innerHTML = html; } })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
