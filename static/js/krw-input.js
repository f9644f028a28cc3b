// Amounts of won in the browser, read and written as the server does (portal/money.py): the parser of
// parse_krw and the display of format_krw, shared as window.portalMoney (static/js/proposal-totals.js uses
// them too); and the echo of a typed amount in 억/만 units ("3억 5천만" -> "3억 5,000만 원") beside every
// KRWField (portal/forms_money.py). Progressive enhancement: the server reads the text itself with the same
// rules; this only shows the reading early. Unit tables and messages come from the server (data attributes,
// or portal.money.browser_settings() in a json_script).
(function () {
  "use strict";

  function Refusal(code) { this.code = code; }

  // settings: {units: {"조": 1e12, "억": 1e8, "만": 1e4}, smallUnits: {"천": 1000, "백": 100, "십": 10},
  // won: "원", max: 1e15}. Returns parse(text) -> a Number of won (exact: max is below 2**53), or throws a
  // Refusal whose code is a key of portal.money.PARSE_MESSAGES.
  function reader(settings) {
    var big = settings.units;
    var small = settings.smallUnits;
    var won = settings.won;
    var max = Number(settings.max);
    var unitChars = Object.keys(big).concat(Object.keys(small)).join("");
    var tokenRe = new RegExp("[0-9][0-9,]*(?:\\.[0-9]+)?|[" + unitChars + "]", "g");
    var grouped = /^[0-9]{1,3}(?:,[0-9]{3})+$|^[0-9]+$/;
    var isDigit = function (t) { return t.charAt(0) >= "0" && t.charAt(0) <= "9"; };

    // The integer token × scale (a power of ten), exactly; null when it is not whole won.
    function number(token, scale) {
      var parts = token.split("."), whole = parts[0], fraction = parts[1] || "";
      if (!grouped.test(whole)) { throw new Refusal("commas"); }
      var digits = String(scale || 1).length - 1;
      if (fraction.replace(/0+$/, "").length > digits) { return null; }
      var kept = (fraction + "0".repeat(digits)).slice(0, digits);
      return Number(whole.replace(/,/g, "")) * (scale || 1) + Number(kept || 0);
    }

    function segment(tokens, i) {
      if (i < tokens.length && isDigit(tokens[i]) && (i + 1 === tokens.length || !(tokens[i + 1] in small))) {
        if (tokens[i].indexOf(".") >= 0) { return [0, i + 1, tokens[i], true]; }
        return [number(tokens[i]), i + 1, null, true];
      }
      var value = 0, smallest = 10000, start = i;
      while (i < tokens.length) {
        var digit = 1;
        if (isDigit(tokens[i])) {
          if (i + 1 < tokens.length && tokens[i + 1] in small) {
            if (!/^[1-9]$/.test(tokens[i])) { throw new Refusal("invalid"); }
            digit = Number(tokens[i]); i += 1;
          } else {
            var rest = tokens[i].indexOf(".") < 0 ? number(tokens[i]) : null;
            if (rest === null || rest >= smallest) { throw new Refusal("invalid"); }
            return [value + rest, i + 1, null, true];
          }
        }
        if (!(tokens[i] in small)) { break; }
        var size = small[tokens[i]];
        if (size >= smallest) { throw new Refusal("order"); }
        value += digit * size; smallest = size; i += 1;
      }
      return [value, i, null, i > start];
    }

    return function parse(text) {
      var value = String(text || "").normalize("NFKC").trim();
      if (value.charAt(0) === "₩") { value = value.slice(1).trim(); }
      var explicitWon = value.slice(-won.length) === won;
      if (explicitWon) { value = value.slice(0, -won.length).trim(); }
      if (value.charAt(0) === "-" || value.charAt(0) === "−") { throw new Refusal("negative"); }
      value = value.replace(new RegExp("\\s*([" + unitChars + "])\\s*", "g"), "$1");
      if (!value || /\s/.test(value) || value.replace(tokenRe, "")) { throw new Refusal("invalid"); }
      var tokens = value.match(tokenRe), total = 0, lastUnit = null, i = 0;
      while (i < tokens.length) {
        var s = segment(tokens, i), amount = s[0], decimal = s[2], read = s[3];
        i = s[1];
        var unit = i < tokens.length && tokens[i] in big ? tokens[i] : null;
        if (unit === null) {
          if (i < tokens.length || !read) { throw new Refusal(i < tokens.length ? "order" : "invalid"); }
          if (decimal !== null) { throw new Refusal("fraction"); }
          if (lastUnit !== null) {
            if (lastUnit !== "만" && !explicitWon) { throw new Refusal("ambiguous"); }
            if (amount >= 10000) { throw new Refusal("part_too_large"); }
          }
          total += amount;
          break;
        }
        var size = big[unit];
        if (lastUnit !== null && size >= big[lastUnit]) { throw new Refusal("order"); }
        if (decimal !== null) {
          if (lastUnit !== null) { throw new Refusal("fraction"); }
          amount = number(decimal, size);
          if (amount === null) { throw new Refusal("fraction"); }
        } else {
          if (!read) { amount = 1; }
          if (lastUnit !== null && amount >= 10000) { throw new Refusal("part_too_large"); }
          amount *= size;
        }
        total += amount; lastUnit = unit; i += 1;
        if (total > max) { throw new Refusal("too_large"); }
      }
      if (total > max) { throw new Refusal("too_large"); }
      return total;
    };
  }

  // Digits grouped by threes, as Python's f"{n:,}" writes them.
  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
  }

  // As portal.money.format_krw writes `amount` (a whole number of won, Number or BigInt) in `language`:
  // "3억 5,000만 원", "123만 4,567원", "0원"; in English "KRW 1.23 billion" (two decimals, cut, never rounded up)
  // or "KRW 4,567". Integer arithmetic throughout (BigInt where the browser has it), so sums above 2**53 stay exact.
  function format(amount, settings, language) {
    var Int = typeof BigInt === "function" ? BigInt : Number;
    var exact = function (n) { return Int === Number ? Number(n) : BigInt(n); };
    var zero = exact(0), rest = exact(amount), sign = "";
    var div = function (a, b) { return Int === Number ? Math.floor(a / b) : a / b; };
    if (rest < zero) { sign = "-"; rest = -rest; }
    if (language === "en") {
      var units = settings.enUnits || [];
      for (var k = 0; k < units.length; k++) {
        var size = exact(units[k][0]);
        if (rest >= size) {
          var hundredths = div(rest, div(size, exact(100)));
          var cents = String(hundredths % exact(100)).padStart(2, "0").replace(/0+$/, "");
          var whole = grouped(div(hundredths, exact(100)));
          return sign + "KRW " + whole + (cents ? "." + cents : "") + " " + units[k][1];
        }
      }
      return sign + "KRW " + grouped(rest);
    }
    var big = settings.units, won = settings.won;
    var names = Object.keys(big).sort(function (a, b) { return big[b] - big[a]; });
    var parts = [];
    names.forEach(function (unit) {
      var unitSize = exact(big[unit]), count = div(rest, unitSize);
      rest -= count * unitSize;
      if (count > zero) { parts.push(grouped(count) + unit); }
    });
    if (rest > zero || !parts.length) {
      parts.push(grouped(rest));
      return sign + parts.join(" ") + won;
    }
    // Korean writes a space before 원 after a unit word: "100억 원", but "4,567원".
    return sign + parts.join(" ") + " " + won;
  }

  // The settings of an echo element's data attributes (portal.forms_money.KRWInput).
  function settingsOf(echo) {
    return {
      units: JSON.parse(echo.dataset.krwUnits), smallUnits: JSON.parse(echo.dataset.krwSmallUnits),
      won: echo.dataset.krwWon, max: Number(echo.dataset.krwMax),
    };
  }

  window.portalMoney = { reader: reader, format: format, Refusal: Refusal };

  function attach(input) {
    var echo = document.getElementById(input.dataset.krwEcho);
    if (!echo || input.dataset.krwAttached) { return; }
    input.dataset.krwAttached = "yes";
    var settings = settingsOf(echo), parse = reader(settings), messages = JSON.parse(echo.dataset.krwMessages);
    var update = function () {
      if (!input.value.trim()) { echo.textContent = ""; echo.classList.remove("krw-echo-error"); return; }
      try {
        // The echo reads Korean units on every page: they are what people type.
        echo.textContent = format(parse(input.value), settings, "ko");
        echo.classList.remove("krw-echo-error");
      } catch (refusal) {
        if (!(refusal instanceof Refusal)) { throw refusal; }
        echo.textContent = messages[refusal.code] || messages.invalid;
        echo.classList.add("krw-echo-error");
      }
    };
    input.addEventListener("input", update);
    update();
  }

  function attachWithin(root) {
    root.querySelectorAll("input[data-krw-echo]").forEach(attach);
  }

  attachWithin(document);
  // A row added to a formset in the page (static/js/formset-rows.js) echoes its amounts too.
  document.addEventListener("formset:added", function (event) { attachWithin(event.target); });
})();
