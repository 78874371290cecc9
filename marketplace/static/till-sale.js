/* The till's pending sale, without its screen (till.js draws it): the Idempotency-Key made
   when the sale starts, the sale kept in localStorage (per point) on every change until the
   server confirms it, and how one attempt to send it ends. The server answers the same key
   and body with the sale it made the first time, so an attempt whose answer was lost is
   sent again exactly as it was, and never sells twice. */
(function () {
  "use strict";


  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; a till on a shop's plain-http network still gets a v4 UUID.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  /* A sale not yet confirmed: state "editing" (lines may change), "sending" (an attempt is out:
     frozen) or "unknown" (the last attempt got no answer: frozen, to be sent again as it was). */
  function fresh() {
    return {key: null, lines: [], method: "cash", tendered: "", state: "editing", body: null, message: "",
            errors: {}, needsApproval: false, nextUid: 1};
  }

  function Store(pointId) { this.name = "ocop-till-sale:" + pointId; }
  Store.prototype.load = function () {
    try {
      var sale = JSON.parse(window.localStorage.getItem(this.name));
      return sale && sale.key ? sale : null;
    } catch (e) { return null; }
  };
  /* False when the browser refuses to keep it (storage full or disabled). */
  Store.prototype.save = function (sale) {
    try {
      if (sale.key) window.localStorage.setItem(this.name, JSON.stringify(sale));
      else window.localStorage.removeItem(this.name);
      return true;
    } catch (e) { return false; }
  };
  Store.prototype.clear = function () {
    try { window.localStorage.removeItem(this.name); } catch (e) { /* nothing kept */ }
  };

  /* One attempt. Resolves to {kind: "confirmed", sale} | {kind: "refused", error} (the API's
     error: nothing was sold, the sale may be edited) | {kind: "unknown", reason} ("offline",
     "timeout", "network", "session", "busy", "server": it may or may not have been sold). */
  function send(url, key, body, timeoutMs) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, timeoutMs || window.OcopTillSale.timeoutMs);
    var status = 0;
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: controller.signal, body: body,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": key}
    }).then(function (response) {
      status = response.status;
      return response.json().catch(function () { return null; });
    }).then(function (data) {
      clearTimeout(timer);
      return outcome(status, data);
    }, function () {
      clearTimeout(timer);
      if (controller.signal.aborted) return {kind: "unknown", reason: "timeout"};
      return {kind: "unknown", reason: navigator.onLine === false ? "offline" : "network"};
    });
  }

  function outcome(status, data) {
    if ((status === 200 || status === 201) && data && data.id) return {kind: "confirmed", sale: data};
    if (status === 401) return {kind: "unknown", reason: "session"};
    if (status === 429 || status === 503) return {kind: "unknown", reason: "busy"};
    // A refusal the domain gave (it carries a code): nothing was sold. Anything else (a 5xx, a
    // proxy's page, a 404 for an operator no longer assigned) says nothing about the sale.
    if (status >= 400 && status < 500 && status !== 404 && data && data.code) return {kind: "refused", error: data};
    return {kind: "unknown", reason: "server"};
  }

  function flat(value) {  // the API's field errors (lists, or dicts of lists), as one list of messages
    if (value === null || value === undefined) return [];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.reduce(function (all, v) { return all.concat(flat(v)); }, []);
    return Object.keys(value).reduce(function (all, k) { return all.concat(flat(value[k])); }, []);
  }

  /* Put a refusal's messages where they belong: beside the lines (keyed by line index, or by
     variant id for a shortage), the cash tendered, the approval; its message above them. */
  function refused(sale, error, messages) {
    var errors = error.errors || {}, json = errors.json || errors, byLine = json.lines || {};
    sale.errors = {};
    sale.lines.forEach(function (line) { line.error = ""; });
    Object.keys(byLine).forEach(function (key) {
      var index = Number(key), line = null;
      if (error.code !== "insufficient_stock" && Number.isInteger(index) && index < sale.lines.length) line = sale.lines[index];
      line = line || sale.lines.find(function (l) { return String(l.variant_id) === key; });
      if (line) line.error = flat(byLine[key]).join(" ");
    });
    if (json.cash_tendered_vnd) sale.errors.tendered = flat(json.cash_tendered_vnd).join(" ");
    if (json.approval) sale.errors.approval = flat(json.approval).join(" ");
    if (json.approval || error.code === "override_needs_approval") sale.needsApproval = true;
    var beside = [].concat(flat(byLine), flat(json.cash_tendered_vnd), flat(json.approval));
    if (error.code === "idempotency_key_reused") sale.message = messages.keyReused;
    else sale.message = beside.indexOf(error.message) >= 0 ? messages.fixFirst : error.message;  // said once
  }

  function say(text, params) {  // "Còn {count} trên quầy", {count: 3}
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return params && params[name] !== undefined ? params[name] : all;
    });
  }
  function vnd(amount) { return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".") + " \u20ab"; }  // as the vnd filter
  function parseVnd(text) {  // "500.000", "500 000 ₫", "500000" → 500000; "" → null; junk → NaN
    var digits = String(text || "").replace(/[\s.,\u20ab\u0111\u00a0]/g, "");
    if (!digits) return null;
    return /^\d{1,12}$/.test(digits) ? Number(digits) : NaN;
  }

  /* A quantity field's keystrokes since it got focus ([value, time] each): when its value grows
     to 7 digits, no quantity, a keyboard-wedge scanner is typing a barcode there. What was typed
     before the longest pause is the operator's quantity; the rest is the barcode's start.
     Returns {typed, code} then, null otherwise. */
  function scannedInto(keystrokes) {
    var value = keystrokes[keystrokes.length - 1][0], split = 0, gap = -1;
    if (!/^\d{7,}$/.test(value)) return null;
    for (var i = 1; i < keystrokes.length; i++) {
      if (keystrokes[i][1] - keystrokes[i - 1][1] > gap) { gap = keystrokes[i][1] - keystrokes[i - 1][1]; split = i - 1; }
    }
    var typed = keystrokes[split][0];
    if (value.indexOf(typed) !== 0) typed = "";
    return {typed: typed, code: value.slice(typed.length)};
  }

  window.OcopTillSale = {newKey: newKey, fresh: fresh, Store: Store, send: send, refused: refused, say: say, vnd: vnd,
                         parseVnd: parseVnd, scannedInto: scannedInto,
                         timeoutMs: 10000};  // no answer by then: the sale is kept, to be sent again
})();
