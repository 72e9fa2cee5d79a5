"""The workshops screens in the Wagtail admin, for operators (`workshops.views_operator`), under one "Workshops"
menu: "Trainers" (`/cms/pelatih-program/`: grant and revoke the trainer role) and "All workshops"
(`/cms/pelatihan-program/`, read-only). Shown only to operators.

"""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import views_operator as views

trainer_urlpatterns = [
    path("", views.trainer_index, name="index"),
    path("<int:user_id>/cabut/", views.trainer_revoke_view, name="revoke"),
]

workshop_urlpatterns = [
    path("", views.workshop_index, name="index"),
]


@hooks.register("register_admin_urls")
def register_workshop_operator_urls():
    return [
        path("pelatih-program/", include((trainer_urlpatterns, "workshops"), namespace=views.TRAINERS_NAMESPACE)),
        path("pelatihan-program/", include((workshop_urlpatterns, "workshops"), namespace=views.WORKSHOPS_NAMESPACE)),
    ]


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return views.user_can_manage_trainers(request.user)


workshops_menu = Menu(
    items=[
        OperatorMenuItem(
            _("Trainers"),
            reverse_lazy(f"{views.TRAINERS_NAMESPACE}:index"),
            name="workshop-trainers",
            icon_name="group",
            order=100,
        ),
        OperatorMenuItem(
            _("All workshops"),
            reverse_lazy(f"{views.WORKSHOPS_NAMESPACE}:index"),
            name="workshops-all",
            icon_name="date",
            order=200,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_workshops_menu_item():
    return SubmenuMenuItem(_("Workshops"), workshops_menu, name="workshops", icon_name="date", order=290)
