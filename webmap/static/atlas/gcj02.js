  /* WGS 84 -> GCJ-02, the published closed form (same as geo/crs.py), for AMap tiles. */
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  function gcjOffset(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0, s = Math.sqrt(Math.abs(x));
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * s;
    dlat += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * s;
    dlon += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * PI, magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
    dlon = (dlon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * PI);
    return [lon + dlon, lat + dlat];
  }
  JJJAtlas.wgs84ToGcj02 = gcjOffset;

  function shiftCoords(coords) {
    if (typeof coords[0] === "number") { return gcjOffset(coords[0], coords[1]); }
    return coords.map(shiftCoords);
  }
  function shiftToGcj02(geojson) {
    (geojson.features || []).forEach(function (f) {
      if (f.geometry) { f.geometry.coordinates = shiftCoords(f.geometry.coordinates); }
    });
    return geojson;
  }

