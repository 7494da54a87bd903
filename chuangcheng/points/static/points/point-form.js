/* "Use my location" on the point form: the browser's position is WGS-84, so the coordinate
   system is switched to WGS-84 with it. Only offered where geolocation is available (HTTPS). */
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("use-my-location");
    if (!button || !("geolocation" in navigator) || !window.isSecureContext) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        document.getElementById("id_coordinate_system").value = "wgs84";
        button.disabled = false;
      }, function () {
        button.disabled = false;
        window.alert(button.dataset.error);
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
