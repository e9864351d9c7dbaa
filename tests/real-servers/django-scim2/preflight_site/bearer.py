"""Bearer-token authentication for the django-scim2 peer.

django-scim2 leaves authentication to the application: its check only asks whether
request.user is authenticated. This middleware marks a request authenticated when it carries
exactly the one token from the environment; anything else stays anonymous and the library
answers 401 with its configured WWW-Authenticate challenge.
"""

import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser


class ProvisioningClient:
    """The IdP calling the SCIM API: authenticated, but no row in the user table.

    Keeping it out of the database means /Users lists only provisioned users, so the tests can
    count them before and after a run.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    username = "provisioning-client"


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.expected = f"Bearer {settings.SCIM_TOKEN}".encode()

    def __call__(self, request):
        sent = request.META.get("HTTP_AUTHORIZATION", "").encode()
        # compare_digest: the comparison takes the same time however much of the token matches.
        if sent and hmac.compare_digest(sent, self.expected):
            request.user = ProvisioningClient()
        else:
            request.user = AnonymousUser()
        return self.get_response(request)
