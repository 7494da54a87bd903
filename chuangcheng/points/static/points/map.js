/* Points maps (Leaflet). No tiles unless MAP_TILE_URL is set: area outlines and points on a
   plain background, so the map works on a county intranet without internet access.
   Data comes from json_script elements (CSP: no inline scripts). */
(function () {
  "use strict";

  var AREA_KINDS = { county: true, city: true };

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function createMap(element, config) {
    var map = L.map(element, { attributionControl: Boolean(config.tileUrl), zoomSnap: 0.5 });
    map.setView([35, 105], 4); // layers can only be added to a map with a view; fitted later
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, {
        maxZoom: config.maxZoom || 19,
        attribution: config.tileAttribution || ""
      }).addTo(map);
    }
    return map;
  }

  function drawOutlines(map, outlines) {
    var group = L.featureGroup();
    (outlines || []).forEach(function (outline) {
      var isArea = Boolean(AREA_KINDS[outline.kind]);
      L.geoJSON(outline.geometry, {
        interactive: false,
        style: {
          className: "area-outline",
          color: isArea ? "#b3261e" : "#5f6670",
          weight: isArea ? 2.5 : 1.2,
          dashArray: isArea ? null : "4 4",
          fillColor: isArea ? "#ffffff" : "#dfe6ee",
          fillOpacity: isArea ? 0.35 : 0.15
        }
      }).addTo(group);
    });
    group.addTo(map);
    return group;
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) { element.className = className; }
    return element;
  }

  function popupFor(feature, labels) {
    var p = feature.properties;
    var box = document.createElement("div");
    box.className = "map-popup";
    var link = text("a", p.name);
    link.href = p.url;
    box.appendChild(link);
    box.appendChild(text("p", labels.code + "：" + p.code + " · " + p.statusLabel));
    box.appendChild(text("p", labels.type + "：" + p.type));
    box.appendChild(text("p", labels.unit + "：" + p.unit));
    box.appendChild(text("p", labels.leader + "：" + p.leader));
    return box;
  }

  function marker(feature, latlng) {
    var retired = feature.properties.status === "retired";
    return L.circleMarker(latlng, {
      radius: 7,
      color: "#ffffff",
      weight: 1.5,
      fillColor: feature.properties.colour,
      fillOpacity: retired ? 0.35 : 0.95,
      className: "point-marker"
    });
  }

  function drawLegend(list, features) {
    if (!list) { return; }
    var seen = {};
    list.textContent = "";
    features.forEach(function (feature) {
      var p = feature.properties;
      if (seen[p.typeId]) { return; }
      seen[p.typeId] = true;
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = p.colour; // CSSOM, allowed by the CSP
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(p.type));
      list.appendChild(item);
    });
  }

  function fit(map, layers) {
    var bounds = null;
    layers.forEach(function (layer) {
      if (layer && layer.getLayers().length) {
        var b = layer.getBounds();
        if (b.isValid()) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
      }
    });
    if (bounds) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
    } else {
      map.setView([35, 105], 4); // nothing to show: all of China
    }
  }

  function pointsMap(element, data) {
    var map = createMap(element, data.config);
    var outlines = drawOutlines(map, data.outlines);
    var status = document.getElementById("point-map-status");
    var labels = {
      code: element.dataset.code, type: element.dataset.type,
      unit: element.dataset.unit, leader: element.dataset.leader
    };
    status.textContent = element.dataset.loading;
    fit(map, [outlines]);
    fetch(data.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        var points = L.geoJSON(collection, {
          pointToLayer: marker,
          onEachFeature: function (feature, layer) { layer.bindPopup(popupFor(feature, labels)); }
        }).addTo(map);
        var n = collection.features.length;
        status.textContent = n === 0 ? element.dataset.none
          : (n === 1 ? element.dataset.countOne : element.dataset.countMany.replace("{n}", n));
        drawLegend(document.getElementById("point-map-legend"), collection.features);
        fit(map, n ? [points] : [outlines]);
        element.dataset.loaded = String(n);
      })
      .catch(function () {
        status.textContent = element.dataset.failed;
        element.dataset.loaded = "error";
      });
  }

  function miniMap(element, data) {
    var map = createMap(element, data.config);
    var outlines = drawOutlines(map, data.outlines);
    var point = data.point;
    L.circleMarker([point.lat, point.lng], {
      radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 0.95, className: "point-marker"
    }).addTo(map);
    var layers = outlines.getLayers();
    if (layers.length) {
      // the innermost outline (the township) around the point gives it context without tiles
      var bounds = layers[layers.length - 1].getBounds().extend([point.lat, point.lng]);
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([point.lat, point.lng], 16);
    }
  }

  function init() {
    if (typeof L === "undefined") { return; }
    var data = readJson("point-map-data");
    if (!data) { return; }
    var full = document.getElementById("point-map");
    var mini = document.getElementById("point-mini-map");
    if (full) { pointsMap(full, data); }
    if (mini && data.point) { miniMap(mini, data); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
