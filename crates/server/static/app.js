// Aftercare's few behaviours that need a script, kept out of the pages so the
// Content-Security-Policy can forbid inline scripts and styles.
(function () {
  'use strict';
  function wire(root) {
    // Period pickers submit themselves on change.
    root.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
      select.addEventListener('change', function () { select.form.requestSubmit(); });
    });
    // Month labels above the calendar sit in their week's column.
    root.querySelectorAll('[data-col]').forEach(function (el) {
      el.style.gridColumn = el.getAttribute('data-col') + ' / span 3';
    });
    // The calendar ends today: on a narrow screen, show the latest weeks first.
    root.querySelectorAll('.heatscroll').forEach(function (box) { box.scrollLeft = box.scrollWidth; });
    // Offer the browser's own time zone instead of UTC; the field stays editable.
    root.querySelectorAll('input[data-local-zone]').forEach(function (field) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && field.value === 'UTC') field.value = zone;
      } catch (e) {}
    });
    // Sortable tables: each heading becomes a button; rows sort by their
    // cells' data-sort (numbers as numbers). Without a script the table keeps
    // the server's order, which is already the useful one.
    root.querySelectorAll('table[data-sortable]').forEach(sortable);
    // A chosen calendar file is read into the form's text field, so one form takes a
    // file or pasted text alike (without a script, paste it).
    root.querySelectorAll('input[type=file][data-into]').forEach(function (input) {
      input.addEventListener('change', function () {
        var target = input.form && input.form.elements[input.getAttribute('data-into')];
        var file = input.files && input.files[0];
        if (!target || !file) return;
        file.text().then(function (text) { target.value = text; });
      });
    });
    // The hint is true only once the headings are buttons.
    root.querySelectorAll('.sort-hint').forEach(function (hint) { hint.hidden = false; });
  }
  function sortable(table) {
    if (table.dataset.sortWired) return;
    table.dataset.sortWired = '1';
    var heads = table.querySelectorAll('thead th');
    heads.forEach(function (th, col) {
      if (th.getAttribute('data-sort-type') === 'none') return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        // Names sort A to Z first; figures most first, as the question is who carries most.
        var text = th.getAttribute('data-sort-type') === 'text';
        var current = th.getAttribute('aria-sort');
        var descending = current ? current !== 'descending' : !text;
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[col];
          var v = cell ? (cell.getAttribute('data-sort') || cell.textContent.trim()) : '';
          return text ? v.toLowerCase() : Number(v);
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { wire(document); });
  document.addEventListener('htmx:load', function (e) { wire(e.detail.elt); });
})();
