/* Office pages of inspections: the plan form's small behaviours, confirmations and the
   inspection map. No inline scripts (CSP); data comes from data-* attributes and json_script. */
(function () {
  "use strict";

  // --- confirmations ----------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // --- the plan form ----------------------------------------------------------------------------
  function planForm(form) {
    var kind = form.querySelector("select[name=kind]");
    var covert = form.querySelector("input[name=is_covert]");
    var selfUnit = document.getElementById("self-unit-field");
    var inspectors = document.getElementById("inspectors-panel");
    var secret = (form.dataset.secretKinds || "").split(",");
    var never = (form.dataset.neverSecret || "").split(",");

    function syncKind(changed) {
      var value = kind.value;
      var isNever = never.indexOf(value) !== -1;
      if (covert) {
        if (isNever) { covert.checked = false; }
        else if (changed) { covert.checked = secret.indexOf(value) !== -1; }
        covert.disabled = isNever;
      }
      if (selfUnit) { selfUnit.hidden = value !== "self"; }
      if (inspectors) { inspectors.hidden = value === "self"; }
    }
    if (kind) {
      kind.addEventListener("change", function () { syncKind(true); });
      syncKind(false);
    }

    // date ranges: show the empty extra rows one at a time
    var rows = Array.prototype.slice.call(form.querySelectorAll("[data-range-row].range-extra"));
    var add = document.getElementById("add-range");
    function isEmpty(row) {
      return Array.prototype.every.call(row.querySelectorAll("input"), function (i) { return !i.value; })
        && !row.querySelector(".errorlist");
    }
    function syncAdd() {
      if (add) { add.hidden = !rows.some(function (row) { return row.hidden; }); }
    }
    rows.forEach(function (row) { if (isEmpty(row)) { row.hidden = true; } });
    if (add) {
      add.addEventListener("click", function () {
        var next = rows.filter(function (row) { return row.hidden; })[0];
        if (next) { next.hidden = false; var input = next.querySelector("input"); if (input) { input.focus(); } }
        syncAdd();
      });
    }
    syncAdd();

    // tick all / untick all
    Array.prototype.forEach.call(form.querySelectorAll("[data-check-tools]"), function (tools) {
      var name = tools.dataset.checkTools;
      tools.hidden = false;
      function setAll(value) {
        Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox][name='" + name + "']"),
          function (box) { box.checked = value; });
      }
      tools.querySelector("[data-check-all]").addEventListener("click", function () { setAll(true); });
      tools.querySelector("[data-check-none]").addEventListener("click", function () { setAll(false); });
    });
  }

  // --- the inspection map -----------------------------------------------------------------------
  var COLOURS = { point: "#b3261e", start: "#0b57d0", photo: "#e0a800" };

  function inspectionMap(element, data) {
    if (typeof L === "undefined") { return; }
    var config = data.config || {};
    var map = L.map(element, { attributionControl: Boolean(config.tileUrl), zoomSnap: 0.5 });
    map.setView([35, 105], 4);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: config.maxZoom || 19, attribution: config.tileAttribution || "" }).addTo(map);
    }
    var group = L.featureGroup();
    data.markers.forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lng], {
        radius: m.kind === "point" ? 9 : 7, color: "#ffffff", weight: 2,
        fillColor: COLOURS[m.kind] || "#5f6670", fillOpacity: 0.95, className: "inspection-marker marker-" + m.kind
      });
      var box = document.createElement("div");
      if (m.url) {
        var link = document.createElement("a");
        link.href = m.url; link.textContent = m.label; link.target = "_blank"; link.rel = "noopener";
        box.appendChild(link);
      } else {
        box.textContent = m.label;
      }
      marker.bindPopup(box);
      marker.addTo(group);
      if (m.kind === "start" && m.accuracy) {
        L.circle([m.lat, m.lng], { radius: m.accuracy, color: COLOURS.start, weight: 1, fillOpacity: 0.08, interactive: false }).addTo(group);
      }
    });
    group.addTo(map);
    var bounds = group.getBounds();
    if (data.markers.length === 1 || !bounds.isValid()) {
      map.setView([data.markers[0].lat, data.markers[0].lng], 16);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    }
    element.dataset.loaded = String(data.markers.length);
  }

  function init() {
    var form = document.getElementById("plan-form");
    if (form) { planForm(form); }
    var mapElement = document.getElementById("inspection-map");
    var source = document.getElementById("inspection-map-data");
    if (mapElement && source) { inspectionMap(mapElement, JSON.parse(source.textContent)); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
