"""The user and group models django-scim2 provisions into.

The library's default adapters read SCIM columns (scim_id, scim_external_id, scim_username,
scim_display_name) and a user's scim_groups / a group's user_set, which Django's built-in
auth.User and auth.Group do not have; its abstract mixins add them. These two models are just
those mixins on top of Django's user and a named group, as the library expects an app to do.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django_scim.models import AbstractSCIMGroupMixin, AbstractSCIMUserMixin


class Group(AbstractSCIMGroupMixin):
    name = models.CharField(max_length=150, unique=True)


class User(AbstractSCIMUserMixin, AbstractUser):
    # The default group adapter lists members through `user_set`.
    scim_groups = models.ManyToManyField(Group, related_name="user_set", blank=True)
