"""How ninja reads JSON request bodies: with the nesting bound of stations.http.json_input.

ninja turns any parser exception into HttpError(400, "Cannot parse request body") raised from
it; stations.http.errors words the answer from that cause (too deep, or where the JSON breaks).
"""

from ninja.parser import Parser

from stations.http.json_input import load_json


class BoundedJSONParser(Parser):
    def parse_body(self, request):
        return load_json(request.body, what="the request body")
