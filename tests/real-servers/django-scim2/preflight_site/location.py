"""Where django-scim2 says its resources live.

The library builds meta.location and the Location header from a fixed scheme and host
(settings SCHEME and NETLOC). The test server listens on a port chosen at start, so the base is
taken from the request instead: the scheme and Host the client used.
"""


def request_base_location(request=None, *args, **kwargs):
    if request is None:
        return "http://127.0.0.1"
    return f"{request.scheme}://{request.get_host()}"
