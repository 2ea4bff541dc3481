// Progressive enhancement of the report form: with a tile server configured, a click on the map fills the
// hidden latitude and longitude inputs. Without JavaScript the form works the same, from the address alone.
(function () {
  var element = document.getElementById("report-map");
  if (!element || !window.L) { return; }
  var latitude = document.getElementById(element.dataset.latitude);
  var longitude = document.getElementById(element.dataset.longitude);
  var status = document.getElementById("report-map-status");
  var clear = document.getElementById("report-map-clear");
  var map = L.map(element).setView([0, 0], 2);
  var marker = null;
  L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);

  function show() {
    status.textContent = marker ? status.dataset.chosen : status.dataset.none;
    clear.hidden = !marker;
  }
  function place(point) {
    if (marker) { marker.setLatLng(point); } else { marker = L.marker(point).addTo(map); }
    latitude.value = point.lat.toFixed(6);
    longitude.value = point.lng.toFixed(6);
    show();
  }
  map.on("click", function (event) { place(event.latlng); });
  clear.addEventListener("click", function () {
    if (marker) { map.removeLayer(marker); marker = null; }
    latitude.value = "";
    longitude.value = "";
    show();
  });

  var chosen = latitude.value && longitude.value ? L.latLng(parseFloat(latitude.value), parseFloat(longitude.value)) : null;
  fetch(element.dataset.geojson).then(function (response) { return response.json(); }).then(function (data) {
    var layer = L.geoJSON(data, { style: { color: "#1a4480", weight: 1, fillOpacity: 0.05 }, interactive: false }).addTo(map);
    if (!chosen && layer.getLayers().length) { map.fitBounds(layer.getBounds()); }
  }).catch(function () { /* the map still works without the boundaries */ });
  if (chosen) { place(chosen); map.setView(chosen, 16); }
  show();
})();
