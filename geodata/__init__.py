"""Framework-free geospatial core of Yizhan.

Pure functions and small classes over floats and shapely geometries. Nothing here imports Django,
a database driver or the network, so it can be tested and benchmarked on its own. Coordinates are
passed as ``(lon, lat)`` in degrees, like GeoJSON and shapely.
"""
