/* Draws every chart of the page: <script type="application/json" id="ID-spec"> (Django's json_script) holds a Vega-Lite spec for <div id="ID">. */
(function () {
  function draw() {
    if (!window.vegaEmbed) { return; }
    document.querySelectorAll('script[type="application/json"][id$="-spec"]').forEach(function (el) {
      var target = document.getElementById(el.id.slice(0, -5));
      if (!target || target.dataset.drawn) { return; }
      target.dataset.drawn = "1";
      try {
        window.vegaEmbed(target, JSON.parse(el.textContent), { actions: { export: true, source: false, compiled: false, editor: false }, renderer: "svg" })
          .catch(function (e) { target.textContent = "图表无法显示: " + e; });
      } catch (e) { target.textContent = "图表无法显示: " + e; }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  document.addEventListener("htmx:afterSettle", draw);
})();
