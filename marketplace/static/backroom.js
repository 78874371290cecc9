/* The back room (templates/showrooms/point/receive.html, receiving_note.html).
   - A Print button where the page has one ([data-print]; hidden without JavaScript).
   - Receiving: a scan ("Thêm", which the scanner's Enter presses) is sent in the background and
     the parts of the page marked data-swap are taken from the answer, so the page does not reload
     and the scan field keeps the focus. Scans made while one is on its way wait their turn, each
     sent with the form as the previous answer left it. Without JavaScript the same request
     reloads the page. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.querySelector("form[data-receive]");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) return;
  var scan = form.elements.scan, add = form.elements.add_scanned;
  var waiting = [], sending = false;

  form.addEventListener("submit", function (event) {
    if (!event.submitter || event.submitter !== add) return;  // "Nhập kho", "Bỏ dòng": a normal post
    event.preventDefault();
    var code = scan.value.trim();
    scan.value = "";
    scan.focus();
    if (code) {
      waiting.push(code);
      sendNext();
    }
  });

  function sendNext() {
    if (sending || !waiting.length) return;
    sending = true;
    var code = waiting.shift(), data = new FormData(form);
    data.set("scan", code);
    data.set(add.name, add.value);
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) { return { response: response, html: html }; });
      })
      .then(function (answer) {
        var page = new DOMParser().parseFromString(answer.html, "text/html");
        if (!page.getElementById("receive-lines")) {  // logged out meanwhile, say: show that page
          window.location.assign(answer.response.url);
          return;
        }
        swap(page);
      })
      .catch(function () {
        scan.value = code;
        document.getElementById("scan-message").textContent = scan.dataset.offline || "";
      })
      .finally(function () {
        sending = false;
        sendNext();
      });
  }

  function swap(page) {
    form.ownerDocument.querySelectorAll("[data-swap][id]").forEach(function (part) {
      var fresh = page.getElementById(part.id);
      if (fresh) part.innerHTML = fresh.innerHTML;  // the element stays: a live region keeps announcing
    });
    var freshScan = page.getElementById(scan.id), freshBox = page.getElementById("scan-box");
    ["aria-invalid", "aria-describedby"].forEach(function (name) {
      if (freshScan && freshScan.hasAttribute(name)) scan.setAttribute(name, freshScan.getAttribute(name));
      else scan.removeAttribute(name);
    });
    if (freshBox) document.getElementById("scan-box").className = freshBox.className;
  }
})();
