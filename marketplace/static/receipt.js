/* The receipt's Print button (hidden without JavaScript): the browser's print dialog, which
   till.css's print rules fit to an 80 mm thermal roll. */
(function () {
  "use strict";
  var button = document.getElementById("receipt-print");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
