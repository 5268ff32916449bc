// Public portal map: village boundaries (linking to their pages) and published projects
// (linking to their pages with the progress photos). Works without tiles.
(function () {
  "use strict";
  function getJSON(url) {
    return fetch(url).then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }
  function init() {
    var el = document.getElementById("portal-map");
    if (!el || !window.L) { return; }
    var cfg = JSON.parse(el.getAttribute("data-map-config"));
    var status = document.getElementById("portal-map-status");
    var map = L.map(el, { preferCanvas: true });
    if (cfg.bbox) { map.fitBounds([[cfg.bbox[1], cfg.bbox[0]], [cfg.bbox[3], cfg.bbox[2]]]); }
    else { map.setView([-8.3, 114.2], 10); }
    if (cfg.tiles) { L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution }).addTo(map); }
    // Boundaries simplified for the current zoom (a regency overview is a fraction of the full
    // detail); fetched again, finer, when the user zooms in.
    var boundaryLayer = null;
    var loadedZoom = null;
    function boundariesUrl(zoom) {
      if (cfg.boundaries.indexOf("boundaries.geojson") < 0) { return cfg.boundaries; }
      var url = new URL(cfg.boundaries, window.location.href);
      url.searchParams.set("zoom", String(zoom));
      return url.pathname + url.search;
    }
    function loadBoundaries() {
      var zoom = Math.round(map.getZoom());
      if (loadedZoom !== null && (zoom <= loadedZoom || boundariesUrl(zoom) === cfg.boundaries)) { return; }
      loadedZoom = zoom;
      getJSON(boundariesUrl(zoom)).then(function (data) {
        var layer = L.geoJSON(data, {
          style: function () { return { color: "#0b5d3b", weight: 1, fillOpacity: 0.08 }; },
          onEachFeature: function (f, lyr) {
            var p = f.properties || {};
            if (data.type !== "FeatureCollection") { return; }
            var link = document.createElement("a");
            link.href = cfg.regionUrl.replace("{code}", p.code);
            link.textContent = (p.name || "") + " — " + el.getAttribute("data-label-village");
            lyr.bindPopup(link);
            lyr.bindTooltip(p.name || "");
          }
        });
        if (boundaryLayer) { map.removeLayer(boundaryLayer); }
        boundaryLayer = layer.addTo(map);
        if (boundaryLayer.bringToBack) { boundaryLayer.bringToBack(); }
      }).catch(function () { /* boundaries are decoration here */ });
    }
    loadBoundaries();
    map.on("zoomend", loadBoundaries);
    getJSON(cfg.projects).then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 6, color: "#7a4d00", weight: 2, fillColor: "#ffbf47", fillOpacity: 0.9 });
        },
        style: function () { return { color: "#7a4d00", weight: 3 }; },
        onEachFeature: function (f, lyr) {
          var p = f.properties || {};
          var box = document.createElement("div");
          var title = document.createElement("strong");
          title.textContent = p.title || "";
          box.appendChild(title);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode((p.village_name || "") + " · " + p.progress + " %"));
          box.appendChild(document.createElement("br"));
          var link = document.createElement("a");
          link.href = cfg.projectUrl.replace("{id}", String(p.id));
          link.textContent = el.getAttribute("data-label-details");
          box.appendChild(link);
          lyr.bindPopup(box);
        }
      }).addTo(map);
      var n = (data.features || []).length;
      status.textContent = (status.getAttribute("data-loaded-text") || "{n}").replace("{n}", String(n));
      status.setAttribute("data-count", String(n));
    }).catch(function () { status.textContent = status.getAttribute("data-error-text"); });
  }
  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
