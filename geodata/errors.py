"""Exceptions raised by geodata; the API maps them to 4xx responses."""


class InvalidCoordinate(ValueError):
    """A longitude/latitude that is not a finite number in range."""


class InvalidArgument(ValueError):
    """An argument that is not a coordinate is out of range or malformed (a weight, radius, count, array length)."""
