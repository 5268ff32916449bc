// Projects: the map of all projects, the project page's map, drawing a project's location on
// the form, and adding the device's location to progress photos. Configuration comes from
// data- attributes (no inline script: CSP).
(function () {
  "use strict";
  var COLOURS = { planned: "#6b7280", ongoing: "#b45309", completed: "#0b5d3b" };

  function baseMap(el, cfg) {
    var map = L.map(el, { preferCanvas: true });
    map.setView([-8.3, 114.2], 10);
    if (cfg.tiles) { L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution }).addTo(map); }
    return map;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); } return r.json();
    });
  }
  function style(feature) {
    var c = COLOURS[(feature.properties || {}).status] || "#0a4f8f";
    return { color: c, weight: 4, fillOpacity: 0.3 };
  }

  // The village boundaries under the points: their own pane below the markers' (and not
  // interactive, so they never take a click meant for a project). A collection of many
  // villages is asked for simplified to the map's zoom, and again, finer, as the user zooms in.
  function boundaryLayer(map, cfg, el) {
    var pane = map.createPane("boundaries");
    pane.style.zIndex = "350";
    var layer = null, loadedZoom = null, many = cfg.boundaries.indexOf("boundaries.geojson") >= 0;
    function load() {
      var zoom = Math.round(map.getZoom());
      if (loadedZoom !== null && (!many || zoom <= loadedZoom)) { return; }
      loadedZoom = zoom;
      var url = cfg.boundaries + (many ? "&zoom=" + zoom : "");
      getJSON(url).then(function (data) {
        var next = L.geoJSON(data, {
          pane: "boundaries",
          interactive: false,
          style: function () { return { color: "#0a4f8f", weight: 1, fillColor: "#0a4f8f", fillOpacity: 0.04 }; }
        }).addTo(map);
        if (layer) { map.removeLayer(layer); }
        layer = next;
        el.setAttribute("data-boundaries", String((data.features || [data]).length));
      }).catch(function () { /* the boundaries are a backdrop: the points still show */ });
    }
    load();
    map.on("zoomend", load);
  }

  function projectsMap(el) {
    var cfg = JSON.parse(el.getAttribute("data-projects-map"));
    var status = document.getElementById("map-status");
    var map = baseMap(el, cfg);
    // Start on the user's village (or kecamatan, or the regency), not on whatever the points span.
    map.on("moveend", function () {  // where the map looks, for tests and assistive reading
      var c = map.getCenter();
      el.setAttribute("data-center", c.lat.toFixed(5) + "," + c.lng.toFixed(5));
    });
    if (cfg.bbox) { map.fitBounds([[cfg.bbox[1], cfg.bbox[0]], [cfg.bbox[3], cfg.bbox[2]]]); }
    if (cfg.boundaries) { boundaryLayer(map, cfg, el); }
    getJSON(cfg.geojson).then(function (data) {
      var layer = L.geoJSON(data, {
        style: style,
        pointToLayer: function (feature, latlng) {
          var s = style(feature);
          return L.circleMarker(latlng, { radius: 6, color: s.color, fillColor: s.color, fillOpacity: 0.8 });
        },
        onEachFeature: function (feature, lyr) {
          var p = feature.properties || {};
          var box = document.createElement("div");
          var link = document.createElement("a");
          link.href = cfg.projectUrl.replace("{id}", p.id);
          link.textContent = p.title;
          box.appendChild(link);
          box.appendChild(document.createTextNode(" · " + (p.village_name || "") + " · " + p.progress + " %"));
          lyr.bindPopup(box);
        }
      }).addTo(map);
      var n = (data.features || []).length;
      if (n && !cfg.bbox) { map.fitBounds(layer.getBounds(), { maxZoom: 16 }); }
      if (status) {
        status.textContent = (status.getAttribute("data-loaded-text") || "{n}").replace("{n}", String(n));
        status.setAttribute("data-count", String(n));
      }
    }).catch(function () { if (status) { status.textContent = status.getAttribute("data-error-text") || "!"; } });
  }

  function projectMap(el) {
    var cfg = JSON.parse(el.getAttribute("data-project-map"));
    var map = baseMap(el, cfg);
    getJSON(cfg.boundary).then(function (b) {
      L.geoJSON(b, { style: function () { return { color: "#0a4f8f", weight: 1, fillOpacity: 0.05 }; } }).addTo(map);
    }).catch(function () {});
    var geom = L.geoJSON(cfg.geometry, {
      style: function () { return { color: "#b45309", weight: 5 }; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 8, color: "#b45309" }); }
    }).addTo(map);
    (cfg.photos || []).forEach(function (p) {
      L.circleMarker([p.lat, p.lng], { radius: 4, color: "#0b5d3b" }).bindTooltip(p.stage + " %").addTo(map);
    });
    map.fitBounds(geom.getBounds(), { maxZoom: 17 });
  }

  function formMap(el) {
    var cfg = JSON.parse(el.getAttribute("data-project-form-map"));
    var map = baseMap(el, cfg);
    var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
    var geometry = document.getElementById("id_geometry"), village = document.getElementById("id_village");
    var mode = "point", vertices = [], drawn = null, boundary = null;
    function redraw() {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      if (mode === "point" && lat.value && lng.value) {
        drawn = L.circleMarker([parseFloat(lat.value), parseFloat(lng.value)], { radius: 8, color: "#b45309" }).addTo(map);
      } else if (vertices.length) {
        drawn = (mode === "polygon" && vertices.length > 2 ? L.polygon(vertices, { color: "#b45309" }) : L.polyline(vertices, { color: "#b45309", weight: 5 })).addTo(map);
      }
    }
    function writeGeometry() {
      var coords = vertices.map(function (v) { return [Math.round(v[1] * 1e6) / 1e6, Math.round(v[0] * 1e6) / 1e6]; });
      if (mode === "line" && coords.length > 1) { geometry.value = JSON.stringify({ type: "LineString", coordinates: coords }); }
      else if (mode === "polygon" && coords.length > 2) { geometry.value = JSON.stringify({ type: "Polygon", coordinates: [coords.concat([coords[0]])] }); }
      else { geometry.value = ""; }
    }
    function showVillage() {
      var code = village ? village.value : (cfg.villages || [])[0];
      if (!code) { return; }
      getJSON(cfg.boundary.replace("{code}", code)).then(function (b) {
        if (boundary) { map.removeLayer(boundary); }
        boundary = L.geoJSON(b, { style: function () { return { color: "#0a4f8f", weight: 1, fillOpacity: 0.05 }; } }).addTo(map);
        if (!lat.value && !geometry.value) { map.fitBounds(boundary.getBounds()); }
      }).catch(function () {});
    }
    map.on("click", function (e) {
      if (mode === "point") {
        lat.value = e.latlng.lat.toFixed(6); lng.value = e.latlng.lng.toFixed(6); geometry.value = "";
      } else {
        vertices.push([e.latlng.lat, e.latlng.lng]); writeGeometry(); lat.value = ""; lng.value = "";
      }
      redraw();
    });
    document.querySelectorAll("[data-draw-mode]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        mode = btn.getAttribute("data-draw-mode"); vertices = [];
        document.querySelectorAll("[data-draw-mode]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === btn)); });
        redraw();
      });
    });
    var clear = document.querySelector("[data-draw-clear]");
    if (clear) { clear.addEventListener("click", function () { vertices = []; lat.value = ""; lng.value = ""; geometry.value = ""; redraw(); }); }
    if (village) { village.addEventListener("change", showVillage); }
    if (geometry.value) {
      try {
        var existing = L.geoJSON(JSON.parse(geometry.value)).addTo(map);
        map.fitBounds(existing.getBounds());
      } catch (err) { /* WKT typed by hand: nothing to draw */ }
    } else if (lat.value && lng.value) {
      map.setView([parseFloat(lat.value), parseFloat(lng.value)], 16); redraw();
    }
    showVillage();
  }

  function geolocate(form) {
    if (!navigator.geolocation) { return; }
    var status = document.getElementById("geo-status");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=device_lat]").value = pos.coords.latitude;
      form.querySelector("[name=device_lng]").value = pos.coords.longitude;
      form.querySelector("[name=device_accuracy_m]").value = pos.coords.accuracy;
      if (status) { status.setAttribute("data-located", "1"); status.textContent += " \u2713 ± " + Math.round(pos.coords.accuracy) + " m"; }
    }, function () {}, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function init() {
    document.querySelectorAll("form[data-geolocate]").forEach(geolocate);
    if (!window.L) { return; }
    document.querySelectorAll("[data-projects-map]").forEach(projectsMap);
    document.querySelectorAll("[data-project-map]").forEach(projectMap);
    document.querySelectorAll("[data-project-form-map]").forEach(formMap);
  }
  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
