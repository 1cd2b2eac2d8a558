// Searchable select boxes (platform_core/autocomplete.py): every <select data-autocomplete="url">
// becomes a Tom Select that asks the server as the user types; the page lists only the chosen rows.
(function () {
  "use strict";

  function setUp(select) {
    if (select.tomselect) return;
    const url = select.dataset.autocomplete;
    const separator = url.includes("?") ? "&" : "?";
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      score: function () { return function () { return 1; }; },  // the server has filtered already
      maxOptions: 50,
      preload: "focus",
      loadThrottle: 250,
      placeholder: select.dataset.placeholder,
      plugins: select.multiple ? ["remove_button"] : [],
      load: function (query, callback) {
        const self = this;
        fetch(url + separator + "q=" + encodeURIComponent(query), {credentials: "same-origin",
                                                                      headers: {Accept: "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {results: []}; })
          .then(function (data) {
            self.clearOptions();
            callback(data.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () {
          return '<div class="no-results">' + select.dataset.noResults + "</div>";
        },
      },
    });
  }

  function setUpAll(root) {
    root.querySelectorAll("select[data-autocomplete]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  } else {
    setUpAll(document);
  }
})();
