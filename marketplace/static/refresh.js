// Parts of a page that wait for a background job (a photo being processed, an
// import being applied) are marked data-refresh="<what is still waiting>" and
// have an id. While one is marked, the page is fetched again every few seconds
// and each marked part is replaced by its newer version when that differs;
// a part no longer marked is done. Without JavaScript the page says to reload.
(function () {
  "use strict";
  var DELAY = 1500, TRIES = 120;
  var tries = 0;
  function marked() { return document.querySelectorAll("[data-refresh][id]"); }
  function poll() {
    tries += 1;
    fetch(window.location.href, {credentials: "same-origin", headers: {Accept: "text/html"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        marked().forEach(function (part) {
          var next = fresh.getElementById(part.id);
          if (next && next.getAttribute("data-refresh") !== part.getAttribute("data-refresh")) {
            part.replaceWith(document.importNode(next, true));
          }
        });
      })
      .catch(function () { /* the next try may work */ })
      .then(function () { if (marked().length && tries < TRIES) { window.setTimeout(poll, DELAY); } });
  }
  if (marked().length) { window.setTimeout(poll, DELAY); }
})();
