/* The till (templates/showrooms/point/till.html): add items by scanning (a keyboard-wedge
   scanner types the digits and Enter), by name without diacritics, or from the recent items;
   change quantities and prices (with a reason, within the point's limit or with its lead
   operator's approval); take the payment; send the sale with the Idempotency-Key made when
   it started (till-sale.js keeps it until the server confirms). Then the receipt. */
(function () {
  "use strict";
  var root = document.getElementById("till");
  var Sale = window.OcopTillSale;
  if (!root || !Sale) return;

  var data = root.dataset, M = JSON.parse(data.messages), REASONS = JSON.parse(data.reasons);
  var pointId = data.pointId, maxBps = Number(data.maxDiscountBps), isLead = data.lead === "true";
  var store = new Sale.Store(pointId);
  var $ = function (id) { return document.getElementById(id); };
  var code = $("till-code"), linesEl = $("till-lines"), found = $("till-found"), tendered = $("till-tendered");
  var sale = store.load() || Sale.fresh(), approval = {email: "", password: ""}, recent = null, openPanels = {};

  var say = Sale.say, vnd = Sale.vnd, parseVnd = Sale.parseVnd;
  function day(iso) { var p = String(iso).split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }
  function notice(text) { $("till-alert").textContent = ""; $("till-notice").textContent = text || ""; }
  function alarm(text) { $("till-notice").textContent = ""; $("till-alert").textContent = text || ""; }
  function frozen() { return sale.state !== "editing"; }
  function price(line) { return line.price === null ? line.item.price_vnd : line.price; }
  function total() { return sale.lines.reduce(function (sum, l) { return sum + l.quantity * price(l); }, 0); }
  function overLimit(line) {  // as price_override.within_limit, in integers
    var listing = line.item.price_vnd;
    return line.price !== null && line.price < listing && (listing - line.price) * 10000 > listing * maxBps;
  }
  function floorPrice(listing) { return listing - Math.floor(listing * maxBps / 10000); }
  function needsApproval() { return !isLead && (sale.needsApproval || sale.lines.some(overLimit)); }
  function reference() { return sale.key ? "OCOP" + pointId + " " + sale.key.slice(0, 8).toUpperCase() : ""; }
  function save() {
    if (!store.save(sale)) alarm(M.storageFailed);
  }

  // --- finding items -----------------------------------------------------------------------
  var lookups = 0;
  function lookup(url) {
    var mine = ++lookups;
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        return {status: r.status, body: body, stale: mine !== lookups};
      });
    });
  }

  function showItems(items, title, empty) {
    $("till-found-title").textContent = title;
    found.textContent = "";
    $("till-found-empty").hidden = items.length > 0;
    $("till-found-empty").textContent = empty;
    items.forEach(function (item) {
      var li = $("till-item-template").content.firstElementChild.cloneNode(true);
      li.querySelector(".till-item-name").textContent = item.product_name + " · " + item.variant_label;
      li.querySelector(".till-item-meta").textContent = item.price_display + " · " + say(M.left, {count: item.on_hand});
      li.querySelector("button").addEventListener("click", function () {
        addItem(item);
        code.value = "";
        showRecent();
        code.focus();
      });
      found.appendChild(li);
    });
  }

  function showRecent() {
    if (recent) { showItems(recent, M.recentTitle, M.noRecent); return; }
    lookup(data.itemsUrl).then(function (answer) {
      if (answer.status !== 200) throw new Error();
      recent = answer.body;
      if (!code.value.trim()) showItems(recent, M.recentTitle, M.noRecent);
    }).catch(function () { alarm(M.lookupFailed); });
  }

  function search(text) {
    lookup(data.itemsUrl + "?q=" + encodeURIComponent(text)).then(function (answer) {
      if (answer.stale) return;
      if (answer.status !== 200) throw new Error();
      showItems(answer.body, M.resultsTitle, say(M.noResults, {query: text}));
    }).catch(function () { alarm(M.lookupFailed); });
  }

  function scan(gtin) {
    lookup(data.scanUrl + "?gtin=" + encodeURIComponent(gtin)).then(function (answer) {
      if (answer.status === 200) addItem(answer.body);
      else if (answer.status === 404 || answer.status === 422) alarm(say(M.notFound, {code: gtin}));
      else throw new Error();
    }).catch(function () { alarm(M.lookupFailed); });
  }

  var typing = null;
  code.addEventListener("input", function () {
    clearTimeout(typing);
    var text = code.value.trim();
    if (!text) showRecent();
    else if (!/^\d+$/.test(text)) typing = setTimeout(function () { search(text); }, 250);  // digits: wait for Enter
  });
  $("till-scan").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    var text = code.value.trim();
    if (/^\d{8,14}$/.test(text)) { code.value = ""; scan(text); } else if (text) search(text);
  });
  // A scanner types into whatever has focus: digits typed outside a field go to the scan field.
  document.addEventListener("keydown", function (event) {
    var target = event.target, tag = target && target.tagName;
    if (event.ctrlKey || event.metaKey || event.altKey || !/^\d$/.test(event.key)) return;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable)) return;
    code.focus();
  });

  function addItem(item) {
    var name = item.product_name + " " + item.variant_label;
    if (frozen()) { alarm(M.frozen); return; }
    if (!item.consigned) { alarm(say(M.notConsigned, {name: name})); return; }
    if (!item.next_lot_code || item.on_hand <= 0) { alarm(say(M.outOfStock, {name: name})); return; }
    if (!sale.key) sale.key = Sale.newKey();  // the sale starts: its key, kept until it is confirmed
    var line = sale.lines.find(function (l) { return l.variant_id === item.variant_id; });
    if (line) {
      line.quantity = Math.min(line.quantity + 1, 100000);
      notice(say(M.plusOne, {name: name, quantity: line.quantity}));
    } else {
      sale.lines.push({uid: sale.nextUid++, variant_id: item.variant_id, item: item, quantity: 1, price: null,
                       reason: "", note: "", error: ""});
      notice(say(M.added, {name: name}));
    }
    sale.needsApproval = false;
    save();
    drawLines();
    drawPayment();
  }

  // --- the lines ---------------------------------------------------------------------------
  function field(li, name) { return li.querySelector('[data-field="' + name + '"]'); }

  function fillLine(li, line) {
    var item = line.item, overridden = line.price !== null;
    field(li, "name").textContent = item.product_name;
    field(li, "label").textContent = item.variant_label;
    field(li, "producer").textContent = item.producer_name;
    field(li, "lot").textContent = item.next_expires_on
      ? say(M.lot, {lot: item.next_lot_code, expires: day(item.next_expires_on)}) : say(M.lotNoExpiry, {lot: item.next_lot_code});
    field(li, "left").textContent = say(M.left, {count: item.on_hand});
    field(li, "listing").textContent = overridden ? vnd(item.price_vnd) : "";
    field(li, "unit").textContent = line.quantity + " × " + vnd(price(line)) + " =";
    field(li, "total").textContent = vnd(line.quantity * price(line));
    field(li, "override").textContent = overridden
      ? say(M.overrideSummary, {listing: vnd(item.price_vnd), reason: REASONS[line.reason] + (line.note ? " (" + line.note + ")" : "")})
        + (overLimit(line) ? " " + M.overLimit : "") : "";
    var problem = line.error || (line.quantity > item.on_hand ? say(M.overStock, {count: item.on_hand}) : "");
    field(li, "error").textContent = problem;
    field(li, "error").hidden = !problem;
    field(li, "quantity").setAttribute("aria-invalid", problem ? "true" : "false");
  }

  function lineView(line) {
    var li = $("till-line-template").content.firstElementChild.cloneNode(true), uid = line.uid;
    var panel = field(li, "panel"), quantity = field(li, "quantity"), toggle = li.querySelector('[data-action="price"]');
    var current = function () { return sale.lines.find(function (l) { return l.uid === uid; }); };
    li.dataset.uid = uid;
    li.querySelectorAll("label[data-for]").forEach(function (label) {  // each line's fields get ids of their own
      label.htmlFor = field(li, label.dataset.for).id = "till-line-" + uid + "-" + label.dataset.for;
    });
    quantity.value = line.quantity;
    field(li, "quantity-group").setAttribute("aria-label", line.item.product_name + " " + line.item.variant_label);
    panel.querySelector(".hint").textContent = say(panel.querySelector(".hint").textContent, {floor: vnd(floorPrice(line.item.price_vnd))});
    field(li, "price").value = line.price === null ? "" : line.price;
    field(li, "reason").value = line.reason;
    field(li, "note").value = line.note;
    panel.hidden = !openPanels[uid];
    toggle.setAttribute("aria-expanded", String(!!openPanels[uid]));
    fillLine(li, line);

    function changed(l) { l.error = ""; sale.needsApproval = false; save(); fillLine(li, l); drawPayment(); }
    li.querySelector('[data-action="less"]').addEventListener("click", function () {
      var l = current(); if (l.quantity > 1) { l.quantity -= 1; quantity.value = l.quantity; changed(l); }
    });
    li.querySelector('[data-action="more"]').addEventListener("click", function () {
      var l = current(); if (l.quantity < 100000) { l.quantity += 1; quantity.value = l.quantity; changed(l); }
    });
    var typed = [];  // [value, time] of each keystroke since the field got focus
    quantity.addEventListener("focus", function () { typed = [[quantity.value, Date.now()]]; });
    quantity.addEventListener("input", function () {
      var value = quantity.value, l = current();
      typed.push([value, Date.now()]);
      var burst = Sale.scannedInto(typed);
      if (burst) {  // a scanner is typing a barcode into the quantity: the barcode goes to the scan field
        var n = Number(burst.typed);
        if (Number.isInteger(n) && n >= 1 && n <= 100000) l.quantity = n;
        quantity.value = l.quantity;
        changed(l);
        l.error = M.scannedIntoQuantity;  // said beside the line until it changes again
        save();
        fillLine(li, l);
        code.value = burst.code;
        code.focus();
        return;
      }
      var wanted = Number(value);
      if (Number.isInteger(wanted) && wanted >= 1 && wanted <= 100000) { l.quantity = wanted; changed(l); }
    });
    quantity.addEventListener("change", function () { quantity.value = current().quantity; });
    quantity.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); code.focus(); }  // done: back to scanning
    });
    toggle.addEventListener("click", function () {
      openPanels[uid] = panel.hidden;
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) field(li, "price").focus();
    });
    li.querySelector('[data-action="apply-price"]').addEventListener("click", function () {
      var l = current(), value = parseVnd(field(li, "price").value), reason = field(li, "reason").value;
      var note = field(li, "note").value.trim(), listing = l.item.price_vnd, problem = "";
      if (value === null || value === listing) { value = null; reason = ""; note = ""; }
      else if (!Number.isInteger(value) || value < 1) problem = M.priceInvalid;
      else if (value > listing) problem = say(M.priceAbove, {price: vnd(listing)});
      else if (!reason) problem = M.needReason;
      else if (reason === "other" && !note) problem = M.needNote;
      field(li, "override-error").textContent = problem;
      field(li, "override-error").hidden = !problem;
      if (problem) return;
      l.price = value; l.reason = reason; l.note = note;
      openPanels[uid] = false;
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      changed(l);
      toggle.focus();
    });
    li.querySelector('[data-action="reset-price"]').addEventListener("click", function () {
      var l = current();
      l.price = null; l.reason = ""; l.note = "";
      field(li, "price").value = ""; field(li, "reason").value = ""; field(li, "note").value = "";
      changed(l);
    });
    li.querySelector('[data-action="remove"]').addEventListener("click", function () {
      var l = current();
      sale.lines = sale.lines.filter(function (other) { return other.uid !== uid; });
      sale.needsApproval = false;
      save();
      drawLines();
      drawPayment();
      notice(say(M.removed, {name: l.item.product_name + " " + l.item.variant_label}));
      code.focus();
    });
    li.querySelectorAll("button, input, select").forEach(function (control) { control.disabled = frozen(); });
    return li;
  }

  function drawLines() {
    linesEl.textContent = "";
    sale.lines.forEach(function (line) { linesEl.appendChild(lineView(line)); });
    $("till-empty").hidden = sale.lines.length > 0;
    $("till-frozen").hidden = sale.state !== "unknown";
  }

  window.OcopTill = {
    root: root, M: M, sale: function () { return sale; }, setSale: function (s) { sale = s; }, approval: approval,
    store: store, vnd: vnd, parseVnd: parseVnd, say: say, total: total, needsApproval: needsApproval,
    reference: reference, frozen: frozen, save: save, notice: notice, alarm: alarm, drawLines: drawLines,
    code: code, tendered: tendered
  };
  var drawPayment = function () { window.OcopTill.drawPayment(); };

  root.hidden = false;
  showRecent();  // till-pay.js, next, draws the sale (one kept from before, if any)
})();
