// Echo of a typed amount of won in 억/만 units ("3억 5천만" -> "3억 5,000만 원"), beside every KRWField
// (portal/forms_money.py). Progressive enhancement: the server reads the text itself with the same rules
// (portal.money.parse_krw); this only shows the reading early. Units and messages come from data attributes.
(function () {
  "use strict";

  function Refusal(code) { this.code = code; }

  function reader(echo) {
    var big = JSON.parse(echo.dataset.krwUnits);        // {"조": 1e12, "억": 1e8, "만": 1e4}
    var small = JSON.parse(echo.dataset.krwSmallUnits); // {"천": 1000, "백": 100, "십": 10}
    var won = echo.dataset.krwWon;
    var max = Number(echo.dataset.krwMax);
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

  // As portal.money.format_krw reads it in Korean: "3억 5,000만 원", "123만 4,567원", "0원".
  function format(amount, echo) {
    var big = JSON.parse(echo.dataset.krwUnits), won = echo.dataset.krwWon;
    var units = Object.keys(big).sort(function (a, b) { return big[b] - big[a]; });
    var parts = [], rest = amount;
    units.forEach(function (unit) {
      var count = Math.floor(rest / big[unit]);
      rest -= count * big[unit];
      if (count) { parts.push(count.toLocaleString("en-US") + unit); }
    });
    if (rest || !parts.length) {
      parts.push(rest.toLocaleString("en-US"));
      return parts.join(" ") + won;
    }
    return parts.join(" ") + " " + won;
  }

  document.querySelectorAll("input[data-krw-echo]").forEach(function (input) {
    var echo = document.getElementById(input.dataset.krwEcho);
    if (!echo) { return; }
    var parse = reader(echo), messages = JSON.parse(echo.dataset.krwMessages);
    var update = function () {
      if (!input.value.trim()) { echo.textContent = ""; echo.classList.remove("krw-echo-error"); return; }
      try {
        echo.textContent = format(parse(input.value), echo);
        echo.classList.remove("krw-echo-error");
      } catch (refusal) {
        if (!(refusal instanceof Refusal)) { throw refusal; }
        echo.textContent = messages[refusal.code] || messages.invalid;
        echo.classList.add("krw-echo-error");
      }
    };
    input.addEventListener("input", update);
    update();
  });
})();
