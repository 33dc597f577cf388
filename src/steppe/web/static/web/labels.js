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
        if (heads[col] && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[col]);
        col += td.colSpan || 1;
      });
    });
  });
});
