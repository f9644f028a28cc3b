// The partner picker: turns each budget row's organisation box into an autocomplete (WAI-ARIA APG
// "combobox with listbox popup", list autocomplete with manual selection). Without this file the box
// takes a business number or an exact name, and the form's "Save and find a partner" step searches.
// Choosing a member fires "org-picker:chosen" on the box with the search's answer for it (name, number, size and
// the group the funding rules read: static/js/proposal-totals.js checks the line with it).
(function () {
  "use strict";
  var DELAY = 250;
  var counter = 0;

  function setup(input) {
    if (input.getAttribute("role") === "combobox") return; // set up already
    var url = input.getAttribute("data-org-picker");
    var id = input.id || "org-picker-" + (++counter);
    var wrapper = document.createElement("div");
    wrapper.className = "org-picker";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "org-picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-org-picker-label") || "");
    list.hidden = true;
    wrapper.appendChild(list);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var timer = null;
    var active = -1;
    var results = [];
    var latest = 0;

    function options() {
      return list.querySelectorAll("[role=option]");
    }
    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(index) {
      if (index < 0 || index >= results.length) return;
      input.value = results[index].label;
      close();
      input.dispatchEvent(new CustomEvent("org-picker:chosen", { bubbles: true, detail: results[index] }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render(data) {
      results = data.results || [];
      list.textContent = "";
      results.forEach(function (org, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-number", org.number);
        item.appendChild(document.createTextNode(org.name + " "));
        var meta = document.createElement("span");
        meta.className = "org-picker-meta";
        meta.textContent = org.number + " · " + org.size;
        item.appendChild(meta);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          choose(i);
        });
        list.appendChild(item);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = results.length ? results.length + (data.more ? "+" : "") : "0";
      if (results.length) open(); else close();
    }
    function search() {
      var query = input.value.trim();
      if (!query) { render({ results: [] }); return; }
      var ticket = ++latest;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (ticket === latest) render(data); // an older answer arriving late is dropped
      }).catch(function () { /* the box still takes a business number */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!expanded && results.length) open();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded && results.length) open();
        highlight(active - 1);
      } else if (event.key === "Enter" && expanded && active >= 0) {
        event.preventDefault(); // choosing, not sending the form
        choose(active);
      } else if (event.key === "Escape") {
        if (expanded) { event.preventDefault(); close(); } else { input.value = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function setupWithin(root) {
    var boxes = root.querySelectorAll("input[data-org-picker]");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }

  setupWithin(document);
  // A budget row added in the page (static/js/formset-rows.js) gets its picker too.
  document.addEventListener("formset:added", function (event) { setupWithin(event.target); });
})();
