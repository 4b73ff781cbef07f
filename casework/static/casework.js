// casework: small progressive enhancements. Every page works without this file.
// Loaded as an external file (the CSP forbids inline scripts); settings come from data attributes.
(function () {
  "use strict";

  // --- idle sign-out warning -----------------------------------------------------------
  function idleWarning() {
    var body = document.body;
    var minutes = parseFloat(body.dataset.idleMinutes || "");
    if (!minutes) { return; }
    var warnSeconds = parseFloat(body.dataset.warnSeconds || "120");
    var dialog = document.getElementById("idle-warning");
    var warnTimer = null;
    var endTimer = null;
    // Activity in any tab of this browser keeps the session alive for all of them: the last
    // page load or "stay signed in" is shared through localStorage.
    var ACTIVITY = "casework.lastActivity";
    var since = Date.now();

    function shared() {
      try { return parseInt(window.localStorage.getItem(ACTIVITY) || "0", 10) || 0; }
      catch (error) { return 0; }
    }

    function markActive() {
      since = Date.now();
      try { window.localStorage.setItem(ACTIVITY, String(since)); } catch (error) { /* private mode */ }
    }

    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      var left = minutes * 60 * 1000 - (Date.now() - since);
      warnTimer = setTimeout(function () {
        if (dialog && typeof dialog.showModal === "function" && !dialog.open) { dialog.showModal(); }
      }, Math.max(left - warnSeconds * 1000, 0));
      endTimer = setTimeout(signOut, Math.max(left, 0));
    }

    function activeElsewhere() {
      var other = shared();
      if (other <= since) { return false; }
      since = other;
      if (dialog && dialog.open) { dialog.close(); }
      schedule();
      return true;
    }

    window.addEventListener("storage", function (event) {
      if (event.key === ACTIVITY) { activeElsewhere(); }
    });

    // At the deadline: end the session on the server too (the sign-out form carries the CSRF
    // token), then land on the sign-in page with the "signed out after inactivity" note.
    function signOut() {
      if (activeElsewhere()) { return; }
      var form = document.querySelector("form[data-sign-out]");
      if (!form) { window.location.assign(body.dataset.signInUrl); return; }
      var expired = document.createElement("input");
      expired.type = "hidden";
      expired.name = "expired";
      expired.value = "1";
      form.appendChild(expired);
      form.submit();
    }

    function csrfToken() {
      var field = document.querySelector("input[name=csrf_token]");
      return field ? field.value : "";
    }

    function stay() {
      var request = new XMLHttpRequest();
      request.open("POST", body.dataset.pingUrl);
      request.setRequestHeader("X-CSRFToken", csrfToken());
      request.onload = function () {
        if (request.status === 204) {
          if (dialog && dialog.open) { dialog.close(); }
          markActive();
          schedule();
        } else {
          window.location.assign(body.dataset.signInUrl);
        }
      };
      request.send();
    }

    var button = dialog && dialog.querySelector("[data-idle-stay]");
    if (button) { button.addEventListener("click", stay); }
    markActive();  // this page load reached the server: the session is fresh
    schedule();
  }

  // --- conditional assessment items ----------------------------------------------------
  // A condition is the instrument's own JSON tree; it is evaluated here, never eval()'d.
  // What cannot be decided in the browser (scales) shows the item; the server decides on save.
  function answerOf(form, itemId) {
    var checked = form.querySelector("input[name='item-" + itemId + "']:checked");
    if (checked) { return checked.value; }
    var field = form.querySelector("[name='item-" + itemId + "']:not([type=radio])");
    if (field && field.value !== "") { return field.value; }
    return null;
  }

  function isPositive(form, itemId) {
    var value = answerOf(form, itemId);
    if (value === null) { return false; }
    var holder = form.querySelector("[data-item='" + itemId + "']");
    var positives = holder ? JSON.parse(holder.dataset.positive || "[]") : [];
    return positives.indexOf(value) !== -1;
  }

  function compare(op, value, operand) {
    var number = parseFloat(value);
    if (isNaN(number)) { return false; }
    if (op === "at_least") { return number >= operand; }
    if (op === "at_most") { return number <= operand; }
    if (op === "greater_than") { return number > operand; }
    if (op === "less_than") { return number < operand; }
    return null;
  }

  function test(value, op, operand) {
    if (op === "answered") { return (value !== null) === operand; }
    if (value === null) { return false; }
    if (op === "equals") { return String(value) === String(operand); }
    if (op === "in") { return operand.map(String).indexOf(String(value)) !== -1; }
    if (op === "not_in") { return operand.map(String).indexOf(String(value)) === -1; }
    if (op === "present") { return true; }
    var compared = compare(op, value, operand);
    return compared === null ? true : compared;
  }

  function evaluate(form, facts, node) {
    if (node.all) { return node.all.every(function (part) { return evaluate(form, facts, part); }); }
    if (node.any) { return node.any.some(function (part) { return evaluate(form, facts, part); }); }
    if (node.not) { return !evaluate(form, facts, node.not); }
    var ops = Object.keys(node).filter(function (key) { return ["item", "fact", "scale", "positive_among", "instrument"].indexOf(key) === -1; });
    var op = ops[0];
    if (node.item !== undefined) {
      if (op === "positive") { return isPositive(form, node.item) === node.positive; }
      return test(answerOf(form, node.item), op, node[op]);
    }
    if (node.fact !== undefined) {
      var fact = Object.prototype.hasOwnProperty.call(facts, node.fact) ? facts[node.fact] : null;
      if (op === "present") { return (fact !== null) === node.present; }
      return test(fact, op, node[op]);
    }
    if (Array.isArray(node.positive_among)) {
      var count = node.positive_among.filter(function (id) { return isPositive(form, id); }).length;
      if (op === "at_least") { return count >= node[op]; }
      if (op === "more_than") { return count > node[op]; }
      if (op === "at_most") { return count <= node[op]; }
      if (op === "less_than") { return count < node[op]; }
      if (op === "equals") { return count === node[op]; }
    }
    return true;
  }

  function conditionalItems() {
    var form = document.querySelector("form[data-instrument-form]");
    if (!form) { return; }
    var facts = JSON.parse(form.dataset.facts || "{}");
    var items = form.querySelectorAll("[data-visible-when]");
    function refresh() {
      items.forEach(function (item) {
        var shown = evaluate(form, facts, JSON.parse(item.dataset.visibleWhen));
        item.hidden = !shown;
        item.querySelectorAll("input, select, textarea").forEach(function (field) { field.disabled = !shown; });
      });
    }
    form.addEventListener("change", refresh);
    refresh();
  }

  // --- quick forms: Enter on a checkbox or radio saves too (text fields do it natively) ------
  function enterSubmits() {
    document.querySelectorAll("form[data-enter-submits]").forEach(function (form) {
      form.addEventListener("keydown", function (event) {
        var target = event.target;
        if (event.key !== "Enter" || !target || target.tagName !== "INPUT") { return; }
        if (target.type !== "checkbox" && target.type !== "radio") { return; }
        event.preventDefault();
        if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    idleWarning();
    conditionalItems();
    enterSubmits();
  });
})();
