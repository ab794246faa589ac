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
  }
  document.addEventListener('DOMContentLoaded', function () { wire(document); });
  document.addEventListener('htmx:load', function (e) { wire(e.detail.elt); });
})();
