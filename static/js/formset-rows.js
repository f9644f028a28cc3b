// Rows added to a Django formset in the page, without a round trip to the server (progressive enhancement:
// without this file the form's "Save and add more rows" button reloads it with more empty rows).
//
// The page marks each formset: a container [data-formset="<prefix>"] holding the rows' [data-formset-body], a
// <template data-formset-template> with the formset's empty_form (its "__prefix__" in names and ids, and
// "__number__" where a person reads the row's number), and a hidden [data-formset-add] holding the button.
// Adding a row clones the template with the next index, counts it in <prefix>-TOTAL_FORMS (Django's own
// management form), focuses its first field and fires "formset:added" on the row, so the partner picker and
// the amount echo attach to it. A row added here and not yet saved is taken away with its [data-formset-remove]
// button ("formset:removed" on the container); a saved row keeps the formset's delete box. No row is renumbered
// (the partner picker and the amount echo hold ids): see removeRow.
(function () {
  "use strict";

  function setup(container) {
    var prefix = container.getAttribute("data-formset");
    var form = container.closest("form");
    var total = form && form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = form && form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var template = container.querySelector("template[data-formset-template]");
    var body = container.querySelector("[data-formset-body]");
    var adder = container.querySelector("[data-formset-add]");
    if (!total || !template || !body || !adder) return false;
    var button = adder.querySelector("button");

    function full() {
      return max && Number(total.value) >= Number(max.value);
    }

    function add() {
      if (full()) return;
      var index = Number(total.value);
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      var holder = document.createElement("tbody");
      holder.innerHTML = html;
      var row = holder.querySelector("tr");
      body.appendChild(row);
      total.value = String(index + 1);
      button.disabled = full();
      row.dispatchEvent(new CustomEvent("formset:added", { bubbles: true, detail: { prefix: prefix } }));
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }

    function indexOf(row) {
      var named = row.querySelector('[name^="' + prefix + '-"]');
      var match = named && new RegExp("^" + prefix + "-(\\d+)-").exec(named.name);
      return match ? Number(match[1]) : -1;
    }

    // A row taken away: the last one leaves the formset (one form fewer), and so does each hidden one before it;
    // one in the middle keeps its index, hidden with the values of an empty form, which Django skips as unchanged
    // (a missing index would not do: its empty amounts read as changed from 0).
    function removeRow(row) {
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") input.checked = input.defaultChecked;
        else if (input.tagName === "SELECT") {
          Array.prototype.forEach.call(input.options, function (o) { o.selected = o.defaultSelected; });
        } else input.value = input.defaultValue;
      });
      row.hidden = true;
      var last = body.lastElementChild;
      while (last && last.hidden && indexOf(last) === Number(total.value) - 1) {
        var before = last.previousElementSibling;
        last.remove();
        total.value = String(Number(total.value) - 1);
        last = before;
      }
    }

    body.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-formset-remove]");
      if (!remove) return;
      var row = remove.closest("tr");
      var next = row.nextElementSibling;
      while (next && next.hidden) next = next.nextElementSibling;
      removeRow(row);
      button.disabled = full();
      container.dispatchEvent(new CustomEvent("formset:removed", { bubbles: true, detail: { prefix: prefix } }));
      // The focus stays in the table: on the next row's first field, else on the button that adds one.
      var target = next && next.isConnected && next.querySelector("input:not([type=hidden]), select, textarea");
      (target || button).focus();
    });
    button.addEventListener("click", add);
    adder.hidden = false;
    return true;
  }

  var containers = document.querySelectorAll("[data-formset]");
  var enhanced = false;
  for (var i = 0; i < containers.length; i++) enhanced = setup(containers[i]) || enhanced;
  if (enhanced) {
    // The round trip is not needed any more: rows come in the page.
    document.querySelectorAll("[data-formset-fallback]").forEach(function (fallback) { fallback.hidden = true; });
  }
})();
