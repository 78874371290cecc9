/* Checkout: with JavaScript, the ward list follows the province at once (from
   the regions API), so the "Chọn tỉnh" step button of the no-JS form is hidden;
   and the summary's shipping fees follow the province (new or saved address)
   from each producer's fee table the page carries (data-fees). */
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
  var total = document.querySelector("[data-total]");

  function vnd(amount) {  // as the server's vnd filter: 150.000 ₫
    return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".") + " \u20ab";
  }

  function showShipping(code) {
    var fees = document.querySelectorAll("[data-fees]"), sum = 0;
    if (!code || !total) return;
    fees.forEach(function (cell) {
      var fee = JSON.parse(cell.getAttribute("data-fees"))[code];
      sum += fee;
      cell.textContent = fee === 0 ? total.getAttribute("data-free") : vnd(fee);
    });
    document.querySelector("[data-shipping-total]").textContent = vnd(sum);
    total.textContent = vnd(Number(total.getAttribute("data-items")) + sum);
    document.querySelector("[data-shipping-unknown]").hidden = true;
  }

  document.querySelectorAll("input[name=address_choice][data-province]").forEach(function (radio) {
    radio.addEventListener("change", function () { showShipping(radio.getAttribute("data-province")); });
  });
  var newAddress = document.getElementById("address-new");
  if (newAddress) {
    newAddress.addEventListener("change", function () { showShipping(province.value); });
    // Typing a new address means shipping to it, not to the saved one still ticked.
    document.getElementById("new-address").addEventListener("focusin", function () {
      if (!newAddress.checked) { newAddress.checked = true; showShipping(province.value); }
    });
  }

  function fold(name) {  // as the server sorts them (marketplace.text.fold)
    return name.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function fill(wards) {
    ward.length = 0;
    ward.add(new Option(placeholder, ""));
    wards.sort(function (a, b) { return fold(a.name) < fold(b.name) ? -1 : 1; });
    wards.forEach(function (w) { ward.add(new Option(w.name, String(w.code))); });
  }

  // Typing a province's name in the closed select changes it letter by letter:
  // only the answer for the province chosen now fills the list, and only once,
  // so a late answer never resets a ward the shopper has started choosing.
  var filledFor = province.value;
  province.addEventListener("change", function () {
    var code = province.value;
    var chosen = document.querySelector("input[name=address_choice]:checked");
    if (!chosen || chosen.value === "new") showShipping(code);
    if (code === filledFor) return;
    if (!code) { filledFor = code; fill([]); return; }
    var url = province.getAttribute("data-wards-url").replace(/\/0\/wards$/, "/" + encodeURIComponent(code) + "/wards");
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (wards) {
        if (province.value !== code || filledFor === code) return;
        filledFor = code;
        fill(wards);
      })
      .catch(function () { if (step) step.hidden = false; if (hint) hint.hidden = false; });
  });
})();
