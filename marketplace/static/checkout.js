/* Checkout: the summary's shipping fees follow the province (new or saved address)
   from each producer's fee table the page carries (data-fees). The ward list
   follows the province through wards.js. */
(function () {
  "use strict";
  var province = document.getElementById("province_code");
  var total = document.querySelector("[data-total]");
  if (!province) return;

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
  province.addEventListener("change", function () {
    var chosen = document.querySelector("input[name=address_choice]:checked");
    if (!chosen || chosen.value === "new") showShipping(province.value);
  });
})();
