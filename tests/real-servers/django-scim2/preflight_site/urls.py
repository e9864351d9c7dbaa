"""django-scim2's URLs under /scim/v2, the base path an IdP is given; nothing else is served."""

from django.urls import include, path

urlpatterns = [
    path("scim/v2/", include("django_scim.urls", namespace="scim")),
]
