// Dashboard map: kecamatan or village boundaries coloured by one figure (the select chooses).
// Boundaries come from the public regions API, figures from /dashboards/map.json (scoped).
// Tiles are decoration only: the map works without them.
(function () {
  "use strict";
  var PALETTE = ["#f0f4f1", "#c7e0cf", "#8cc2a0", "#3f8f5e", "#0b5d3b"];
  var LAYERS = {
    rollout: { level: "districts", key: "share", bins: [0, 25, 50, 75], unit: " %" },
    absorption: { level: "villages", key: "absorption", bins: [0, 25, 50, 75], unit: " %" },
    flags: { level: "villages", key: "flags", bins: [0, 1, 3, 6], unit: "" }
  };
  function bin(value, bins) {
    if (value === null || value === undefined) { return -1; }
    if (value <= bins[0]) { return 0; }
    for (var i = 1; i < bins.length; i++) { if (value <= bins[i]) { return i; } }
    return bins.length;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }
  function init() {
    var el = document.getElementById("dash-map");
    if (!el || !window.L) { return; }
    var cfg = JSON.parse(el.getAttribute("data-map-config"));
    var status = document.getElementById("dash-map-status");
    var legend = document.getElementById("dash-legend");
    var select = document.getElementById("dash-layer");
    var map = L.map(el, { preferCanvas: true });
    if (cfg.bbox) { map.fitBounds([[cfg.bbox[1], cfg.bbox[0]], [cfg.bbox[3], cfg.bbox[2]]]); }
    else { map.setView([-8.3, 114.2], 10); }
    if (cfg.tiles) { L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution }).addTo(map); }
    if (cfg.rolloutLevel) { LAYERS.rollout.level = cfg.rolloutLevel; }
    var cache = {};
    var current = null;
    var labels = {
      rollout: el.getAttribute("data-label-active"),
      absorption: el.getAttribute("data-label-absorption"),
      flags: el.getAttribute("data-label-flags")
    };
    var noData = el.getAttribute("data-label-nodata") || "–";
    function load(name) {
      if (!cache[name]) { cache[name] = getJSON(name === "data" ? cfg.data : cfg[name]); }
      return cache[name];
    }
    function drawLegend(layer) {
      legend.textContent = "";
      var edges = layer.bins;
      for (var i = 0; i <= edges.length; i++) {
        var item = document.createElement("span");
        var swatch = document.createElement("span");
        swatch.className = "legend-swatch legend-" + i;
        item.appendChild(swatch);
        var text = i === 0 ? "≤ " + edges[0] : (i === edges.length ? "> " + edges[i - 1] : edges[i - 1] + "–" + edges[i]);
        item.appendChild(document.createTextNode(text + layer.unit));
        legend.appendChild(item);
      }
      var none = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "legend-swatch legend-none";
      none.appendChild(sw);
      none.appendChild(document.createTextNode(noData));
      legend.appendChild(none);
    }
    function show(name) {
      var layer = LAYERS[name];
      Promise.all([load(layer.level), load("data")]).then(function (res) {
        var shapes = res[0], figures = res[1][layer.level];
        if (current) { map.removeLayer(current); }
        current = L.geoJSON(shapes, {
          style: function (f) {
            var row = figures[f.properties.code];
            var b = row ? bin(row[layer.key], layer.bins) : -1;
            return { color: "#1b1f23", weight: 0.6, fillOpacity: 0.75, fillColor: b < 0 ? "#ffffff" : PALETTE[b] };
          },
          onEachFeature: function (f, lyr) {
            var row = figures[f.properties.code];
            var box = document.createElement("div");
            var title = document.createElement("strong");
            title.textContent = f.properties.name || "";
            box.appendChild(title);
            var value = row ? row[layer.key] : null;
            box.appendChild(document.createTextNode(" · " + labels[name] + ": " +
              (value === null || value === undefined ? noData : String(value) + layer.unit)));
            lyr.bindPopup(box);
            lyr.bindTooltip(f.properties.name || "");
          }
        }).addTo(map);
        drawLegend(layer);
        status.textContent = "";
      }).catch(function () { status.textContent = status.getAttribute("data-error-text"); });
    }
    select.addEventListener("change", function () { show(select.value); });
    show(select.value);
  }
  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
