// On a phone the tables stack their cells (web's CSS hides the header row); give each cell its
// column's name (stats.css shows it before the value) so "77.5" reads as "2022 77.5" and a
// scorecard light names its target. No library, nothing from a CDN.
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
