// The back room's transfer pages, for when JavaScript runs (they work without it):
// - [data-print] buttons appear and print the page (a transfer note to travel with the goods);
// - receiving a transfer shows each line's difference (sent − received) as it is typed, and
//   records in the form's `previewed` field that these differences were seen, so confirming
//   does not first show them again (without JavaScript, "Xem chênh lệch" does that).
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var WORDS = {
    vi: {missing: "Chênh lệch: thiếu ", same: "Khớp số đã gửi", more: "Nhiều hơn số đã gửi"},
    en: {missing: "Discrepancy: short by ", same: "Matches what was sent", more: "More than was sent"}
  }[lang];

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.querySelector("form[data-receive]");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-sent]"));
  var previewed = form.querySelector("input[name='previewed']");
  function lineId(input) {
    var hidden = form.querySelector("input[name='" + input.name.replace(/quantity$/, "line_id") + "']");
    return hidden ? hidden.value : "";
  }
  function show() {
    var signature = [];
    inputs.forEach(function (input) {
      var sent = parseInt(input.getAttribute("data-sent"), 10);
      var received = /^\d+$/.test(input.value.trim()) ? parseInt(input.value, 10) : NaN;
      var out = document.getElementById(input.id + "-diff");
      var item = input.closest("li");
      var text = "";
      if (!isNaN(received)) {
        text = received > sent ? WORDS.more : (received < sent ? WORDS.missing + (sent - received) : WORDS.same);
        signature.push([parseInt(lineId(input), 10), received]);
      }
      if (out) { out.textContent = text; }
      if (item) { item.classList.toggle("differs", !isNaN(received) && received !== sent); }
    });
    if (previewed && signature.length === inputs.length) {
      signature.sort(function (a, b) { return a[0] - b[0]; });
      previewed.value = signature.map(function (pair) { return pair[0] + ":" + pair[1]; }).join(",");
    }
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  show();
})();
