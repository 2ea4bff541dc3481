// Progressive enhancement: when a tile server is configured, show the neighbourhoods on a street map.
// The SVG map and the table stay on the page for people without JavaScript or using a screen reader.
(function () {
  var element = document.getElementById("leaflet-map");
  if (!element || !window.L) { return; }
  fetch(element.dataset.geojson).then(function (response) { return response.json(); }).then(function (data) {
    var map = L.map(element);
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);
    var layer = L.geoJSON(data, {
      style: { color: "#1a4480", weight: 2, fillOpacity: 0.15 },
      onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    var fallback = document.querySelector(".svg-map-fallback");
    if (fallback) { fallback.setAttribute("hidden", ""); }
  });
})();
