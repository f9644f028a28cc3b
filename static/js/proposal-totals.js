// The proposal form's budget summary, worked out as amounts are typed: each participant's total and
// government share against its group's limit and its cash minimum, the consortium's totals, the SMEs' and
// mid-sized firms' share and the call's cap, with the messages the server gives (projects/rules.py).
//
// Progressive enhancement: the server checks everything again when the form is sent, and stays the
// authority. Nothing here is its own: the call's figures, the groups' limits, the organisations' groups and the
// messages (translated templates with named placeholders) come from the server in the json_script
// #proposal-rules (projects.rules.live_rules); amounts are read and written by portal.money's copy in
// static/js/krw-input.js (window.portalMoney). window.portalBudget.check is the rules' arithmetic alone, which
// tests/browser/test_budget_summary.py runs on the cases Python checks (tests/projects/budget_cases.py).
(function () {
  "use strict";
  var money = window.portalMoney;
  if (!money || typeof BigInt !== "function") return; // the server's messages still come when the form is sent

  var HUNDRED = BigInt(100);
  var ZERO = BigInt(0);

  // A message template of the server ("%(limit)s%% ..."), filled in the way Python's % operator does.
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s|%%/g, function (whole, name) {
      return name === undefined ? "%" : String(values[name]);
    });
  }

  // What the rules say about `lines` ([{name, group, government, cash, inKind}], whole won as Numbers, Strings or
  // BigInts; group null when not known yet) under `config` (live_rules): per line its figures and problems, the
  // consortium's figures, the problems that refuse a save (`problems`: each line's, prefixed with its name as the
  // submission check writes them, then the cap) and those a submission must also clear (`submission`).
  function check(config, lines) {
    var messages = config.messages;
    var krw = function (amount) { return money.format(amount, config.money, config.language); };
    var result = { lines: [], problems: [], submission: [], government: ZERO, private: ZERO, total: ZERO };
    var small = ZERO, unknown = false;
    lines.forEach(function (line) {
      var group = line.group ? config.groups[line.group] : null;
      var government = BigInt(line.government), cash = BigInt(line.cash), inKind = BigInt(line.inKind);
      var own = cash + inKind, total = government + own;
      var out = {
        government: government, private: own, total: total, group: group,
        share: total > ZERO ? government * HUNDRED / total : null, overLimit: false, cashShort: false, problems: [],
      };
      result.government += government; result.private += own; result.total += total;
      if (!group) {
        unknown = true;
      } else {
        var limit = BigInt(group.limit);
        // projects.rules.government_share_problem
        if (government * HUNDRED > limit * total) {
          out.overLimit = true;
          out.problems.push(fill(messages.governmentShare, {
            limit: limit, tier: group.label, private: krw(own),
            max: krw(limit * own / (HUNDRED - limit)), // max_government_for: limit < 100 here
          }));
        }
        // projects.rules.cash_minimum_problem
        if (group.cashMinimum !== null) {
          var minimum = BigInt(group.cashMinimum);
          if (cash * HUNDRED < minimum * own) {
            out.cashShort = true;
            out.problems.push(fill(messages.cashMinimum, {
              minimum: minimum, tier: group.label, amount: krw((minimum * own + HUNDRED - BigInt(1)) / HUNDRED),
            }));
          }
        }
        if (config.smallGroups.indexOf(line.group) >= 0) small += government;
      }
      out.problems.forEach(function (message) {
        result.problems.push(fill(messages.line, { org: line.name, message: message }));
      });
      result.lines.push(out);
    });
    // projects.rules.funding_cap_problem
    var cap = BigInt(config.cap);
    result.overCap = result.government > cap;
    if (result.overCap) {
      result.problems.push(fill(messages.fundingCap, { total: krw(result.government), cap: krw(cap) }));
    }
    // projects.rules.small_share_problem: not while a line's group is still unknown.
    result.smallShare = null;
    result.smallShort = false;
    if (result.government === ZERO) {
      result.submission.push(messages.noGovernmentFunding);
    } else if (!unknown) {
      result.smallShare = small * HUNDRED / result.government;
      result.smallShort = small * HUNDRED < BigInt(config.smallShareMinimum) * result.government;
      if (result.smallShort) {
        result.submission.push(fill(messages.smallShare, { minimum: config.smallShareMinimum, share: result.smallShare }));
      }
    }
    return result;
  }

  window.portalBudget = { check: check, fill: fill };

  // --- the page ------------------------------------------------------------------------------------------------
  var data = document.getElementById("proposal-rules");
  var summary = document.getElementById("budget-summary");
  var container = document.querySelector('[data-formset="participants"]');
  if (!data || !summary || !container) return;
  var config = JSON.parse(data.textContent);
  var parse = money.reader(config.money);
  var krw = function (amount) { return money.format(amount, config.money, config.language); };
  // The members the page knows, by business number (digits only): the rows' and the lead, then each one the
  // picker or a look-up brings.
  var known = config.organizations;
  var looking = {};
  var NUMBER = /(^|\D)(\d{3})-?(\d{2})-?(\d{5})(?!\d)/; // as projects.search reads one

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function changed(row) {
    return Array.prototype.some.call(row.querySelectorAll("input, select"), function (input) {
      if (input.type === "checkbox") return input.checked !== input.defaultChecked;
      if (input.tagName === "SELECT") {
        return Array.prototype.some.call(input.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return input.type !== "hidden" && input.value !== input.defaultValue;
    });
  }

  // The member a row's box names: found by the business number in it, or by its exact name among those known.
  function member(text) {
    var match = NUMBER.exec(text);
    if (match) {
      var digits = match[2] + match[3] + match[4];
      return { key: digits, found: known[digits] || null, query: digits };
    }
    var name = text.trim();
    for (var number in known) {
      if (known[number].name === name) return { key: number, found: known[number] };
    }
    return { key: "name:" + name, found: null, query: name };
  }

  // One search per member not known yet (the picker's own URL and rules: a number finds any approved member,
  // a name only a listed one, exactly). A name is looked up once the box is left (`names`), not at each keystroke.
  function lookUp(box, wanted, names) {
    var url = box.getAttribute("data-org-picker");
    var byName = wanted.key.indexOf("name:") === 0;
    if (!url || !wanted.query || looking[wanted.key] || (byName && !names)) return;
    looking[wanted.key] = true;
    fetch(url + "?q=" + encodeURIComponent(wanted.query), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    }).then(function (response) {
      return response.ok ? response.json() : { results: [] };
    }).then(function (answer) {
      var matches = (answer.results || []).filter(function (org) {
        return byName ? org.name === wanted.query : org.number.replace(/-/g, "") === wanted.query;
      });
      if (matches.length === 1) remember(matches[0]);
    }).catch(function () { /* the server checks the line when the form is sent */ });
  }

  function remember(org) {
    if (!org || !org.number || !org.group) return;
    known[org.number.replace(/-/g, "")] = { name: org.name, group: org.group };
    schedule();
  }

  // The counted rows as the server's formset reads them: named, not deleted, and not a partner that declined or
  // withdrew unless the lead changed its line (which asks it again).
  function readRows(names) {
    var rows = [];
    container.querySelectorAll("[data-formset-body] > tr[data-formset-row]").forEach(function (row) {
      if (row.hidden) return; // taken away (static/js/formset-rows.js)
      var box = field(row, "organization");
      var text = box ? box.value.trim() : "";
      var remove = field(row, "DELETE");
      if (!text || (remove && remove.checked)) return;
      if (row.hasAttribute("data-uncounted") && !changed(row)) return;
      var wanted = member(text);
      if (!wanted.found) lookUp(box, wanted, names);
      var amounts = {}, readable = true;
      ["government_funding", "private_cash", "private_in_kind"].forEach(function (name) {
        var input = field(row, name), value = input ? input.value.trim() : "";
        try {
          amounts[name] = value ? parse(value) : 0;
        } catch (refusal) {
          if (!(refusal instanceof money.Refusal)) throw refusal;
          readable = false; // its echo says why; the line waits until it can be read
        }
      });
      rows.push({
        name: wanted.found ? wanted.found.name : text.replace(NUMBER, "$1").replace(/\(\s*\)\s*$/, "").trim(),
        group: wanted.found ? wanted.found.group : null, readable: readable,
        government: amounts.government_funding || 0, cash: amounts.private_cash || 0,
        inKind: amounts.private_in_kind || 0,
      });
    });
    return rows;
  }

  var table = summary.querySelector("[data-budget-rows]");
  var liveRegion = summary.querySelector("[data-budget-problems]");
  var overText = summary.getAttribute("data-over-label");
  var shortText = summary.getAttribute("data-short-label");
  var cashText = summary.getAttribute("data-cash-label");
  var shownProblems = null;
  var announceTimer = null;

  function cell(row, name, text, over) {
    var td = document.createElement("td");
    td.textContent = text;
    td.className = "num" + (over ? " is-over" : "");
    td.setAttribute("data-cell", name);
    row.appendChild(td);
  }

  function percent(value) {
    return value === null ? "—" : String(value) + "%";
  }

  // One row per counted line: the name with its group under it, then the share and its limit (what a narrow
  // screen shows first), then the amounts.
  function render(names) {
    var rows = readRows(names === true).filter(function (row) { return row.readable; });
    var result = check(config, rows);
    table.textContent = "";
    rows.forEach(function (row, i) {
      var line = result.lines[i];
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.setAttribute("data-cell", "name");
      th.textContent = row.name;
      var group = document.createElement("span");
      group.className = "budget-group";
      group.setAttribute("data-cell", "group");
      group.textContent = line.group ? line.group.label : "—";
      th.appendChild(group);
      tr.appendChild(th);
      cell(tr, "share", percent(line.share) + (line.overLimit ? " (" + overText + ")" : ""), line.overLimit);
      cell(tr, "limit", line.group ? percent(line.group.limit) : "—");
      cell(tr, "government", krw(line.government));
      cell(tr, "private", krw(line.private) + (line.cashShort ? " (" + cashText + ")" : ""), line.cashShort);
      cell(tr, "total", krw(line.total));
      table.appendChild(tr);
    });
    var totals = function (name, text, over) {
      var target = summary.querySelector('[data-budget-total="' + name + '"]');
      target.textContent = text;
      target.classList.toggle("is-over", !!over);
    };
    totals("government", krw(result.government));
    totals("private", krw(result.private));
    totals("total", krw(result.total));
    totals("share", result.total > ZERO ? percent(result.government * HUNDRED / result.total) : "—");
    totals("cap", krw(result.government) + (result.overCap ? " (" + overText + ")" : ""), result.overCap);
    totals("small-share", percent(result.smallShare) + (result.smallShort ? " (" + shortText + ")" : ""),
           result.smallShort);
    announce(result);
  }

  // The problems go to a polite live region, rewritten only when they change and once typing pauses, so a screen
  // reader hears the outcome rather than every keystroke.
  function announce(result) {
    var text = result.problems.concat(result.submission).join("\n");
    if (text === shownProblems) return;
    window.clearTimeout(announceTimer);
    var write = function () {
      shownProblems = text;
      liveRegion.textContent = "";
      if (!result.problems.length && !result.submission.length) {
        var ok = document.createElement("p");
        ok.className = "budget-ok";
        ok.textContent = summary.getAttribute("data-ok-label");
        liveRegion.appendChild(ok);
        return;
      }
      var list = document.createElement("ul");
      var item = function (message, submission) {
        var li = document.createElement("li");
        if (submission) {
          var label = document.createElement("strong");
          label.textContent = summary.getAttribute("data-submit-label") + " ";
          li.appendChild(label);
        }
        var span = document.createElement("span");
        span.className = "budget-problem";
        span.textContent = message;
        li.appendChild(span);
        list.appendChild(li);
      };
      result.problems.forEach(function (message) { item(message, false); });
      result.submission.forEach(function (message) { item(message, true); });
      liveRegion.appendChild(list);
    };
    if (shownProblems === null) write(); else announceTimer = window.setTimeout(write, 700);
  }

  var pending = null;
  function schedule() {
    window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () { render(false); });
  }

  container.addEventListener("input", schedule);
  container.addEventListener("change", function () { window.cancelAnimationFrame(pending); render(true); });
  container.addEventListener("org-picker:chosen", function (event) { remember(event.detail); });
  document.addEventListener("formset:added", schedule);
  document.addEventListener("formset:removed", schedule);
  summary.hidden = false;
  render(true);
})();
