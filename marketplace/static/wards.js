// Province → ward selects, in place. A province <select> names its ward
// <select> and where to fetch the wards:
//   <select data-wards-select="ward_code" data-wards-url="/api/v1/regions/provinces/{code}/wards"
//           data-wards-placeholder="Choose a ward">   (optional: the ward select's first option)
// The no-JavaScript way (a button that sends the form back with the wards filled in)
// is not needed then: an element of the form marked data-wards-refresh is removed;
// one marked data-wards-fallback is hidden, and shown again if the wards cannot be fetched.
(function () {
  "use strict";
  if (!window.fetch) { return; }

  // Lower case without diacritics (đ → d), as the server folds (marketplace.text.fold);
  // without "Xã", "Phường", "Đặc khu", as the server sorts the wards by name.
  function sortKey(name) {
    return name.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().trim().replace(/\s+/g, " ").replace(/^(thanh pho|tinh|xa|phuong|dac khu) /, "");
  }

  document.querySelectorAll("select[data-wards-select]").forEach(function (province) {
    var ward = document.getElementById(province.dataset.wardsSelect);
    var form = province.form;
    if (!ward || !form) { return; }
    form.querySelectorAll("[data-wards-refresh]").forEach(function (element) { element.remove(); });
    var fallback = form.querySelectorAll("[data-wards-fallback]");
    fallback.forEach(function (element) { element.hidden = true; });
    var placeholder = ward.options.length ? ward.options[0].cloneNode(true) : document.createElement("option");
    // Typing a province's name in the closed select changes it letter by letter:
    // only the answer to the last change fills the list, so a late answer never
    // adds to it or resets a ward the shopper has started choosing.
    var asked = 0;
    province.addEventListener("change", function () {
      var code = province.value;
      var ask = ++asked;
      var first = placeholder.cloneNode(true);
      if (code && province.dataset.wardsPlaceholder) { first.textContent = province.dataset.wardsPlaceholder; }
      ward.replaceChildren(first);
      ward.value = "";
      if (!code) { ward.disabled = false; return; }
      ward.disabled = true;
      fetch(province.dataset.wardsUrl.replace("{code}", encodeURIComponent(code)), {headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (wards) {
          if (ask !== asked) { return; }
          wards.sort(function (a, b) { return sortKey(a.name) < sortKey(b.name) ? -1 : sortKey(a.name) > sortKey(b.name) ? 1 : 0; });
          wards.forEach(function (item) { ward.add(new Option(item.name, String(item.code))); });
        })
        .catch(function () {  // the form still posts, and the server asks for the ward again
          if (ask === asked) { fallback.forEach(function (element) { element.hidden = false; }); }
        })
        .then(function () { if (ask === asked) { ward.disabled = false; } });
    });
  });
}());
