// Card entry, the one place the storefront needs JavaScript: Stripe.js Elements
// take the card (its number goes to Stripe, never to us), confirmCardPayment
// pays the order's PaymentIntent, then the order page says the payment is being
// confirmed, and reloads itself once Stripe's webhook has marked it paid.
(function () {
  "use strict";

  // Intent statuses after which the money is on its way; the webhook tells the server.
  var PAID = ["succeeded", "processing"];
  var form = document.getElementById("card-form");
  if (form) {
    var data = form.dataset;
    var button = document.getElementById("card-submit");
    var errors = document.getElementById("card-errors");
    var show = function (text) { errors.textContent = text || ""; };
    if (typeof window.Stripe !== "function") {
      show(data.unavailableText);
      return;
    }
    var stripe = window.Stripe(data.publishableKey);
    var card = stripe.elements().create("card", {hidePostalCode: true});
    card.mount("#card-element");
    card.on("change", function (event) { show(event && event.error ? event.error.message : ""); });
    button.disabled = false;
    var label = button.textContent;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      button.textContent = data.payingText;
      show("");
      var failed = function (message) {
        show(message || data.failedText);
        button.disabled = false;
        button.textContent = label;
      };
      stripe.confirmCardPayment(data.clientSecret, {payment_method: {card: card}}).then(function (result) {
        var intent = result && result.paymentIntent;
        if (result.error) {
          failed(result.error.message);
        } else if (!intent || PAID.indexOf(intent.status) < 0) {
          failed();  // e.g. 3-D Secure refused: the intent wants another card
        } else {
          window.location.assign(data.returnUrl);
        }
      }, function () { failed(); });
    });
  }

  // The order page after paying: ask the API until the payment is no longer pending.
  var waiting = document.querySelector("[data-awaiting-payment]");
  if (waiting) {
    var tries = 0;
    var poll = function () {
      tries += 1;
      fetch(waiting.dataset.awaitingPayment, {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (order) {
          if (order && order.payment && order.payment.status !== "pending") {
            window.location.reload();
          } else if (tries < 60) {
            setTimeout(poll, 2000);
          }
        })
        .catch(function () { if (tries < 60) { setTimeout(poll, 2000); } });
    };
    setTimeout(poll, 2000);
  }
}());
