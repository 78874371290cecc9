/* The till's payment side (after till-sale.js and till.js): the total, cash tendered and the
   change, card, a bank transfer's amount and reference, a lead operator's approval, and
   sending the sale. A sale is frozen while it is out and whenever its answer was lost: it is
   then only ever sent again as it was, with the same key, until the server answers. */
(function () {
  "use strict";
  var T = window.OcopTill, Sale = window.OcopTillSale;
  if (!T || !Sale) return;
  var M = T.M, data = T.root.dataset, $ = function (id) { return document.getElementById(id); };
  var tendered = T.tendered, submit = $("till-submit"), resend = $("till-resend"), discard = $("till-discard");

  function methodPanels(method) {
    $("till-cash").hidden = method !== "cash";
    $("till-card").hidden = method !== "card";
    $("till-transfer").hidden = method !== "bank_transfer";
  }

  function quickAmounts(total) {  // the exact amount, then the next round sums a customer hands over
    var amounts = [total];
    [10000, 50000, 100000, 500000].forEach(function (step) {
      var next = Math.ceil(total / step) * step;
      if (next > total && amounts.indexOf(next) < 0 && amounts.length < 4) amounts.push(next);
    });
    return total > 0 ? amounts : [];
  }

  // The VietQR of the amount and reference (GET …/transfer-qr.svg), fetched again only when either changes.
  function showQr(amount, reference) {
    var img = $("till-transfer-qr");
    if (!amount || !reference) { img.hidden = true; return; }
    var src = data.qrUrl + "?amount_vnd=" + amount + "&reference=" + encodeURIComponent(reference);
    if (img.getAttribute("src") !== src) img.setAttribute("src", src);
    img.hidden = false;
  }

  function fieldError(id, text) { $(id).textContent = text || ""; $(id).hidden = !text; }

  function drawPayment() {
    var sale = T.sale(), total = T.total(), frozen = T.frozen(), paid = T.parseVnd(sale.tendered);
    $("till-total").textContent = T.vnd(total);
    document.querySelectorAll('input[name="payment_method"]').forEach(function (radio) {
      radio.checked = radio.value === sale.method;
      radio.disabled = frozen;
    });
    methodPanels(sale.method);
    tendered.disabled = frozen;
    if (document.activeElement !== tendered) tendered.value = sale.tendered;
    $("till-change").textContent = T.vnd(paid && paid >= total ? paid - total : 0);
    var quick = $("till-quick");
    quick.textContent = "";
    quickAmounts(total).forEach(function (amount) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = T.vnd(amount);
      button.disabled = frozen;
      button.addEventListener("click", function () { setTendered(String(amount)); tendered.focus(); });
      quick.appendChild(button);
    });
    fieldError("till-tendered-error", sale.errors.tendered);
    tendered.setAttribute("aria-invalid", sale.errors.tendered ? "true" : "false");
    $("till-transfer-amount").textContent = T.vnd(total);
    $("till-transfer-reference").textContent = T.reference() || "—";
    showQr(sale.method === "bank_transfer" ? total : 0, T.reference());
    $("till-approval").hidden = !T.needsApproval();
    $("till-approver-email").disabled = $("till-approver-password").disabled = frozen;
    fieldError("till-approval-error", sale.errors.approval);
    submit.textContent = sale.state === "sending" ? M.sending : T.say(M.pay, {amount: T.vnd(total)});
    submit.disabled = frozen || !sale.lines.length;
    submit.hidden = sale.state === "unknown";
    resend.hidden = sale.state !== "unknown";
    discard.disabled = sale.state === "sending" || !sale.key;
    $("till-send-error").textContent = sale.message;
  }
  T.drawPayment = drawPayment;

  function setTendered(text) {
    var sale = T.sale();
    sale.tendered = text;
    sale.errors.tendered = "";
    T.save();
    drawPayment();
    if (document.activeElement === tendered) tendered.value = text;
  }
  tendered.addEventListener("input", function () { setTendered(tendered.value); });
  tendered.addEventListener("change", function () {
    var paid = T.parseVnd(tendered.value);
    if (Number.isInteger(paid)) tendered.value = T.vnd(paid).replace(" \u20ab", "");
  });
  document.querySelectorAll('input[name="payment_method"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      var sale = T.sale();
      sale.method = radio.value;
      sale.errors.tendered = "";
      T.save();
      drawPayment();
    });
  });
  ["email", "password"].forEach(function (name) {
    $("till-approver-" + name).addEventListener("input", function (event) { T.approval[name] = event.target.value; });
  });

  // --- sending -----------------------------------------------------------------------------
  function problems(sale, total) {  // what the server would refuse, said before sending
    var found = false, paid = T.parseVnd(sale.tendered);
    sale.errors = {};
    if (sale.method === "cash" && paid !== null && !(Number.isInteger(paid) && paid >= total)) {
      sale.errors.tendered = Number.isInteger(paid) ? T.say(M.tenderedShort, {amount: T.vnd(total - paid)})
        : M.tenderedInvalid;
      found = true;
    }
    if (T.needsApproval() && (!T.approval.email.trim() || !T.approval.password)) {
      sale.errors.approval = M.needApproval;
      found = true;
    }
    return found;
  }

  function body(sale) {
    var paid = T.parseVnd(sale.tendered), sent = {
      payment_method: sale.method,
      note: sale.method === "bank_transfer" ? T.reference() : "",
      lines: sale.lines.map(function (line) {
        var out = {variant_id: line.variant_id, quantity: line.quantity};
        if (line.price !== null) {
          out.unit_price_vnd = line.price;
          out.override_reason = line.reason;
          out.override_note = line.note;
        }
        return out;
      })
    };
    if (sale.method === "cash" && paid !== null) sent.cash_tendered_vnd = paid;
    return JSON.stringify(sent);
  }

  submit.addEventListener("click", function () {
    var sale = T.sale();
    if (sale.state !== "editing" || !sale.lines.length) return;  // a second tap while sending does nothing
    sale.message = "";
    if (problems(sale, T.total())) {
      sale.message = M.fixFirst;
      T.save();
      drawPayment();
      return;
    }
    sale.body = body(sale);  // frozen from here: a resend sends exactly this
    go();
  });
  resend.addEventListener("click", function () { if (T.sale().state === "unknown") go(); });

  function go() {
    var sale = T.sale(), sent = sale.body;
    sale.state = "sending";
    sale.message = "";
    T.save();
    T.drawLines();
    drawPayment();
    T.notice(M.sending);
    if (T.approval.email && T.approval.password) {  // the password goes out, never into storage
      var withApproval = JSON.parse(sent);
      withApproval.approval = {email: T.approval.email.trim(), password: T.approval.password};
      sent = JSON.stringify(withApproval);
    }
    Sale.send(data.salesUrl, sale.key, sent).then(answered);
  }

  function answered(result) {
    var sale = T.sale();
    if (result.kind === "confirmed") {
      T.store.clear();
      T.notice(M.confirmed);
      window.location.assign(data.receiptUrl.replace(/0$/, String(result.sale.id)));
      return;
    }
    if (result.kind === "unknown") {
      sale.state = "unknown";
      sale.message = {offline: M.offlineUnsent, timeout: M.timeout, session: M.sessionExpired, busy: M.busy}[result.reason] || M.unknown;
    } else {
      sale.state = "editing";  // refused: nothing was sold, and the key may go out again with the changes
      Sale.refused(sale, result.error, M);
    }
    T.save();
    T.drawLines();
    drawPayment();
    T.notice("");
    if (sale.state === "editing" && !$("till-approval").hidden && sale.errors.approval) $("till-approver-email").focus();
  }

  discard.addEventListener("click", function () {
    var sale = T.sale();
    if (!window.confirm(sale.state === "unknown" ? M.discardUnsure : M.discardConfirm)) return;
    T.store.clear();
    T.setSale(Sale.fresh());
    T.drawLines();
    drawPayment();
    T.notice("");
    T.code.focus();
  });

  // --- the network, and a sale found on loading the page -------------------------------------
  function connection() {
    $("till-offline").hidden = navigator.onLine !== false;
    if (navigator.onLine !== false) T.notice(T.sale().state === "unknown" ? M.onlineResend : M.online);
  }
  window.addEventListener("offline", connection);
  window.addEventListener("online", connection);
  $("till-offline").hidden = navigator.onLine !== false;

  var found = T.sale();
  if (found.state === "sending" || found.state === "unknown") {  // its answer never came: offer to send it again
    found.state = "unknown";
    found.message = M.pendingFound;
    T.save();
  }
  T.drawLines();
  drawPayment();
  if (found.state === "unknown") resend.focus(); else T.code.focus();
})();
