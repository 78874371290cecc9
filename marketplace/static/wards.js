// Province → ward selects, in place. A province <select> names its ward
// <select> and where to fetch the wards:
//   <select data-wards-select="ward_code" data-wards-url="/api/v1/regions/provinces/{code}/wards"
//           data-wards-placeholder="Choose a ward">   (optional: the ward select's first option)
// An element marked data-wards-refresh (the no-JavaScript "choose ward" button,
// which sends the form back with the wards filled in) is removed: it is not needed.
(function () {
  "use strict";
  document.querySelectorAll("select[data-wards-select]").forEach(function (province) {
    var ward = document.getElementById(province.dataset.wardsSelect);
    var form = province.form;
    if (!ward || !form) { return; }
    form.querySelectorAll("[data-wards-refresh]").forEach(function (element) { element.remove(); });
    var placeholder = ward.options.length ? ward.options[0].cloneNode(true) : document.createElement("option");
    province.addEventListener("change", function () {
      var code = province.value;
      var first = placeholder.cloneNode(true);
      if (code && province.dataset.wardsPlaceholder) { first.textContent = province.dataset.wardsPlaceholder; }
      ward.replaceChildren(first);
      ward.value = "";
      if (!code) { return; }
      ward.disabled = true;
      fetch(province.dataset.wardsUrl.replace("{code}", encodeURIComponent(code)), {headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (wards) {
          if (province.value !== code) { return; }  // the shopper has chosen another province meanwhile
          var key = function (item) { return item.codename.replace(/^(xa|phuong|dac_khu)_/, ""); };
          wards.sort(function (a, b) { return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0; });
          wards.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.code;
            option.textContent = item.name;
            ward.appendChild(option);
          });
        })
        .catch(function () { /* the form still posts; the server asks for the ward again */ })
        .then(function () { ward.disabled = false; });
    });
  });
}());
