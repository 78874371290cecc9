// Autocomplete for the search box: suggestions from the API's /catalog/suggest
// fill the box's <datalist>. Without JavaScript the box is a plain search form.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer, asked = "";
    if (!list) { return; }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2 || q === asked) { return; }
      timer = setTimeout(function () {
        asked = q;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
          .then(function (data) {
            if (q !== asked) { return; }  // a later request has been sent
            list.replaceChildren.apply(list, data.suggestions.map(function (suggestion) {
              var option = document.createElement("option");
              option.value = suggestion.text;
              return option;
            }));
          })
          .catch(function () { /* no suggestions: the form still works */ });
      }, 150);
    });
  });
}());
