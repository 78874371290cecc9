// Parts of a page that wait for a background job (a photo being processed, an
// import being applied) are marked data-refresh="<what is still waiting>", with
// an id and data-refresh-from="<the page that shows them>" (not always this
// page's address: a refused form is shown at the address it was posted to).
// While one is marked, that page is fetched every few seconds and each marked
// part is replaced by its newer version when that differs; a part no longer
// marked is done. Without JavaScript the page says to reload it.
(function () {
  "use strict";
  var DELAY = 1500, TRIES = 120;
  var tries = 0;
  function marked() { return document.querySelectorAll("[data-refresh][data-refresh-from][id]"); }
  function poll() {
    tries += 1;
    var parts = Array.prototype.slice.call(marked());
    var sources = {};
    parts.forEach(function (part) { sources[part.getAttribute("data-refresh-from")] = true; });
    var fetches = Object.keys(sources).map(function (url) {
      return fetch(url, {credentials: "same-origin", headers: {Accept: "text/html"}})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, "text/html");
          parts.forEach(function (part) {
            if (part.getAttribute("data-refresh-from") !== url) { return; }
            var next = fresh.getElementById(part.id);
            if (next && next.getAttribute("data-refresh") !== part.getAttribute("data-refresh")) {
              part.replaceWith(document.importNode(next, true));
            }
          });
        })
        .catch(function () { /* the next try may work */ });
    });
    Promise.all(fetches).then(function () {
      if (marked().length && tries < TRIES) { window.setTimeout(poll, DELAY); }
    });
  }
  if (marked().length) { window.setTimeout(poll, DELAY); }
})();
