// Progressive enhancement of the patrol form: tap the map to draw the route, point by point. The line is
// written into the route textarea as a GeoJSON LineString, so the form works the same without this script
// (the textarea takes the coordinates typed by hand) and the server checks the route either way.
(function () {
  var element = document.getElementById("route-map");
  if (!element || !window.L) { return; }
  var field = document.getElementById(element.dataset.field);
  var details = document.getElementById(element.dataset.details);
  var status = document.getElementById("route-map-status");
  var undo = document.getElementById("route-undo");
  var clear = document.getElementById("route-clear");
  var points = [];

  var map = L.map(element).setView([0, 0], 2);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  var line = L.polyline([], { color: "#c05600", weight: 4 }).addTo(map);
  var vertices = L.layerGroup().addTo(map);

  function round(value) { return Math.round(value * 1e6) / 1e6; }

  function write() {
    field.value = points.length ? JSON.stringify({
      type: "LineString",
      coordinates: points.map(function (point) { return [round(point.lng), round(point.lat)]; })
    }) : "";
  }

  function show() {
    line.setLatLngs(points);
    vertices.clearLayers();
    points.forEach(function (point) {
      L.circleMarker(point, { radius: 4, color: "#c05600", fillColor: "#ffffff", fillOpacity: 1 }).addTo(vertices);
    });
    status.textContent = points.length ? status.dataset.count + " " + points.length : status.dataset.none;
    undo.disabled = !points.length;
    clear.disabled = !points.length;
  }

  // What is in the textarea (typed, or kept from a form shown again) becomes the drawing.
  function read() {
    var text = field.value.trim();
    if (!text) { points = []; return; }
    try {
      var value = JSON.parse(text);
      if (value && value.type === "Feature") { value = value.geometry; }
      var coordinates = Array.isArray(value) ? value : value && value.type === "LineString" ? value.coordinates : null;
      if (!coordinates) { return; }
      points = coordinates.map(function (pair) { return L.latLng(pair[1], pair[0]); });
    } catch (error) { /* leave what was typed for the server to explain */ }
  }

  map.on("click", function (event) { points.push(event.latlng); write(); show(); });
  undo.addEventListener("click", function () { points.pop(); write(); show(); });
  clear.addEventListener("click", function () { points = []; write(); show(); });
  field.addEventListener("change", function () { read(); show(); });

  read();
  show();
  if (details && !("keepOpen" in details.dataset) && !field.value) { details.open = false; }
  fetch(element.dataset.geojson).then(function (response) { return response.json(); }).then(function (data) {
    var boundaries = L.geoJSON(data, {
      style: { color: "#1a4480", weight: 2, fillOpacity: 0.08 },
      interactive: false
    }).addTo(map);
    if (points.length > 1) { map.fitBounds(line.getBounds(), { padding: [20, 20] }); }
    else if (boundaries.getLayers().length) { map.fitBounds(boundaries.getBounds()); }
  }).catch(function () { /* the map still draws without the boundaries */ });
})();
