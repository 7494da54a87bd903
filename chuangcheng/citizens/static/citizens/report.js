/* The report form (随手拍): mark the place by the phone's position or a tap on the map (both
   WGS-84: the map draws our own outlines, no tiles unless configured), then ask the server for
   open problems of the same kind nearby so the resident can join one. Without JavaScript the
   form still works with an address. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var lat = document.getElementById("id_latitude");
    var lng = document.getElementById("id_longitude");
    var gcj = document.getElementById("id_gcj02");
    var category = document.getElementById("id_category");
    var status = document.getElementById("place-status");
    var nearby = document.getElementById("nearby");
    var dataElement = document.getElementById("report-map-data");
    var data = dataElement ? JSON.parse(dataElement.textContent) : {};
    var marker = null;
    var map = null;

    function say(text) { if (status) { status.textContent = text; } }

    function lookNearby() {
      if (!nearby || !category.value || !lat.value || !lng.value) { return; }
      var url = form.dataset.nearbyUrl + "?area=" + encodeURIComponent(form.dataset.area) +
        "&category=" + encodeURIComponent(category.value) + "&lat=" + encodeURIComponent(lat.value) +
        "&lng=" + encodeURIComponent(lng.value);
      fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) { nearby.innerHTML = html; }).catch(function () { nearby.innerHTML = ""; });
    }

    function mark(latitude, longitude, message) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      if (gcj) { gcj.value = ""; }
      if (map) {
        if (marker) { marker.setLatLng([latitude, longitude]); } else {
          marker = L.circleMarker([latitude, longitude], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.6 }).addTo(map);
        }
      }
      say(message);
      lookNearby();
    }

    var element = document.getElementById("report-map");
    if (element && window.L) {
      map = L.map(element, { attributionControl: false, zoomSnap: 0.5 });
      map.setView([35, 105], 4);
      var group = L.featureGroup();
      (data.outlines || []).forEach(function (outline) {
        var isArea = outline.kind === "county" || outline.kind === "city";
        L.geoJSON(outline.geometry, {
          interactive: false,
          style: { color: isArea ? "#b3261e" : "#5f6670", weight: isArea ? 2.5 : 1.2, dashArray: isArea ? null : "4 4",
                   fillColor: isArea ? "#ffffff" : "#dfe6ee", fillOpacity: isArea ? 0.35 : 0.15 }
        }).addTo(group);
      });
      group.addTo(map);
      if (group.getLayers().length) { map.fitBounds(group.getBounds(), { padding: [8, 8] }); }
      map.on("click", function (event) { mark(event.latlng.lat, event.latlng.lng, form.dataset.marked); });
      if (lat.value && lng.value) { mark(parseFloat(lat.value), parseFloat(lng.value), form.dataset.marked); }
    }

    var locate = document.getElementById("locate");
    if (locate && "geolocation" in navigator && window.isSecureContext) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        locate.disabled = true;
        say(form.dataset.locating);
        navigator.geolocation.getCurrentPosition(function (position) {
          locate.disabled = false;
          mark(position.coords.latitude, position.coords.longitude, form.dataset.located);
          if (map) { map.setView([position.coords.latitude, position.coords.longitude], 16); }
        }, function () {
          locate.disabled = false;
          say(form.dataset.locateError);
        }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
    if (category) { category.addEventListener("change", lookNearby); }
    var photos = document.getElementById("id_photos");
    var names = document.getElementById("photo-names");
    if (photos && names) {
      photos.addEventListener("change", function () {
        var list = Array.prototype.map.call(photos.files, function (file) { return file.name; });
        names.textContent = list.length ? names.dataset.chosen + " " + list.join("、") : "";
      });
    }
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
