// On a phone web/steppe.css stacks table cells and hides the header row; give each cell its
// column's name (shown before the value) so "800.00" reads as "支持经费 800.00". Nothing from a CDN.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        // a cell spanning columns ("暂无报送。" across the row) belongs to no one column: no label
        if (heads[col] && (td.colSpan || 1) === 1 && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[col]);
        col += td.colSpan || 1;
      });
    });
  });
});
