/* Sorting and filtering of data tables: no dependencies, no network. */
(function () {
  "use strict";

  function cellKey(row, index, type) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    return raw.toLowerCase();
  }

  function sortTable(table, index, type, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, position) {
      return { row: row, key: cellKey(row, index, type), position: position };
    });
    keyed.sort(function (a, b) {
      if (a.key === null && b.key === null) { return a.position - b.position; }
      if (a.key === null) { return 1; }   /* missing values last, whatever the direction */
      if (b.key === null) { return -1; }
      var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return order === 0 ? a.position - b.position : (direction === "ascending" ? order : -order);
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === index) { th.setAttribute("aria-sort", direction); } else { th.removeAttribute("aria-sort"); }
    });
  }

  function makeSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortTable(table, index, th.getAttribute("data-type") || "text", direction);
      });
    });
  }

  function makeFilterable(form, table) {
    var selects = form.querySelectorAll("select[data-filter]");
    var count = form.querySelector("#filter-count");
    function apply() {
      var shown = 0;
      var rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var visible = Array.prototype.every.call(selects, function (select) {
          return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
        });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      if (count) { count.textContent = "Showing " + shown + " of " + rows.length + " trusts"; }
    }
    Array.prototype.forEach.call(selects, function (select) { select.addEventListener("change", apply); });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    var form = document.getElementById("filters");
    var table = document.getElementById("league-table");
    if (form && table) { makeFilterable(form, table); }
  });
})();
