/* A search box over a long list of checkboxes (the co-signer picker).
   Progressive enhancement: without this script the sorted checkbox list still
   works; with it, typing part of a name hides the others, the chosen names are
   listed above the box, and a status line says how many match. No dependency. */
(function () {
  "use strict";

  function norm(text) {
    return text.toLocaleLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhance(fieldset) {
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=checkbox]"));
    if (inputs.length < 2) return;
    var items = inputs.map(function (input) {
      var label = input.closest("label") || fieldset.querySelector('label[for="' + input.id + '"]');
      var row = input.closest("div") || label;
      return { input: input, row: row, text: norm(label ? label.textContent : ""), name: label ? label.textContent.trim() : "" };
    });
    var list = inputs[0].closest("div[id]") || inputs[0].parentNode;
    var id = (list.id || "picker") + "-search";
    var box = document.createElement("div");
    box.className = "picker-search";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = fieldset.getAttribute("data-search-label") || "Find";
    var search = document.createElement("input");
    search.type = "search";
    search.id = id;
    search.autocomplete = "off";
    search.setAttribute("aria-controls", list.id || "");
    var status = document.createElement("p");
    status.className = "picker-status muted";
    status.setAttribute("role", "status");
    var chosen = document.createElement("p");
    chosen.className = "picker-chosen";
    box.appendChild(label);
    box.appendChild(search);
    box.appendChild(chosen);
    box.appendChild(status);
    list.parentNode.insertBefore(box, list);
    list.classList.add("picker-list");

    var shownText = fieldset.getAttribute("data-shown") || "%(shown)s of %(total)s shown";
    var chosenText = fieldset.getAttribute("data-chosen") || "Chosen: %(names)s";
    var noneText = fieldset.getAttribute("data-none") || "None chosen yet.";

    function update() {
      var q = norm(search.value.trim());
      var shown = 0;
      items.forEach(function (item) {
        var match = !q || item.text.indexOf(q) !== -1 || item.input.checked;
        item.row.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = shownText.replace("%(shown)s", shown).replace("%(total)s", items.length);
      var names = items.filter(function (i) { return i.input.checked; }).map(function (i) { return i.name; });
      chosen.textContent = names.length ? chosenText.replace("%(names)s", names.join(", ")) : noneText;
    }

    search.addEventListener("input", update);
    // Enter in the search box must not submit the draft.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = items.filter(function (i) { return !i.row.hidden; })[0];
        if (first) first.input.focus();
      }
    });
    inputs.forEach(function (input) { input.addEventListener("change", update); });
    update();
  }

  document.querySelectorAll("fieldset[data-picker]").forEach(enhance);
})();
