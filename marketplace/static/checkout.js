/* Checkout: with JavaScript, the ward list follows the province at once (from
   the regions API), so the "Chọn tỉnh" step button of the no-JS form is hidden.
   Shipping fees to the new province show on the order's page, and on the next
   render of this one. */
(function () {
  "use strict";
  var province = document.getElementById("province_code");
  var ward = document.getElementById("ward_code");
  var step = document.getElementById("choose-province");
  var hint = document.getElementById("province-hint");
  if (!province || !ward || !window.fetch) return;
  if (step) step.hidden = true;
  if (hint) hint.hidden = true;
  var placeholder = ward.options[0] ? ward.options[0].text : "";

  function fill(wards) {
    ward.length = 0;
    ward.add(new Option(placeholder, ""));
    wards.sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); });
    wards.forEach(function (w) { ward.add(new Option(w.name, String(w.code))); });
  }

  province.addEventListener("change", function () {
    var code = province.value;
    if (!code) { fill([]); return; }
    var url = province.getAttribute("data-wards-url").replace(/\/0\/wards$/, "/" + encodeURIComponent(code) + "/wards");
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(fill)
      .catch(function () { if (step) step.hidden = false; });
  });
})();
