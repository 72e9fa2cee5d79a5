"""Wagtail's user admin (/cms/users/) for our User: one full name and a phone number, no first/last name.

Wagtail 8 takes the user forms from the viewset named by its app config's `user_viewset` (the old
WAGTAIL_USER_EDIT_FORM / WAGTAIL_USER_CREATION_FORM settings are no longer read); `AccountsConfig.ready`
points it here.
"""

from django.utils.functional import cached_property
from wagtail.users.views import users as wagtail_users

from .forms import WagtailUserCreationForm, WagtailUserEditForm


class UserIndexView(wagtail_users.IndexView):
    @cached_property
    def search_fields(self):
        # Wagtail searches first_name/last_name/email; operators look people up by name, email or number.
        return ["email", "full_name", "phone"]


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = UserIndexView
    create_template_name = "accounts/wagtailusers/create.html"
    edit_template_name = "accounts/wagtailusers/edit.html"

    def get_form_class(self, for_update=False):
        return WagtailUserEditForm if for_update else WagtailUserCreationForm
