// Region map: boundaries from our own GeoJSON endpoint; the tile layer is optional decoration,
// so the map stays useful when no tile server is reachable (offline village offices).
(function () {
  "use strict";
  function covers(scope, code) { return code === scope || code.indexOf(scope + ".") === 0; }
  function init() {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var cfg = JSON.parse(el.getAttribute("data-map-config"));
    var status = document.getElementById("map-status");
    var map = L.map(el, { preferCanvas: true });
    if (cfg.bbox) { map.fitBounds([[cfg.bbox[1], cfg.bbox[0]], [cfg.bbox[3], cfg.bbox[2]]]); }
    else { map.setView([-8.3, 114.2], 10); }
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution }).addTo(map);
    }
    var scopes = cfg.scopes || [];
    fetch(cfg.geojson, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function () { return { color: "#0b5d3b", weight: 1, fillOpacity: 0.15 }; },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties || {};
            var label = document.createElement("div");
            var title = document.createElement("strong");
            title.textContent = p.name || "";
            label.appendChild(title);
            if (p.parent) { label.appendChild(document.createTextNode(" · " + p.parent)); }
            if (cfg.villageUrl && scopes.some(function (s) { return covers(s, p.code); })) {
              var link = document.createElement("a");
              link.href = cfg.villageUrl.replace("{code}", p.code);
              link.textContent = " →";
              label.appendChild(link);
            }
            lyr.bindPopup(label);
            lyr.bindTooltip(p.name || "");
          }
        }).addTo(map);
        if (!cfg.bbox) { map.fitBounds(layer.getBounds()); }
        var count = data.type === "FeatureCollection" ? (data.features || []).length : 1;
        if (status) {
          // One boundary (a village page) needs no count; the regency map says how many it shows.
          if (data.type === "FeatureCollection") {
            status.textContent = (status.getAttribute("data-loaded-text") || "{n}").replace("{n}", String(count));
          }
          status.setAttribute("data-count", String(count));
        }
      })
      .catch(function () { if (status) { status.textContent = status.getAttribute("data-error-text") || "!"; } });
  }
  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
