"""Workshop endpoints under /api/v1/ (DESIGN §9), see workshops.api (names in the `api` namespace)."""

from django.urls import path

from . import api

urlpatterns = [
    path("workshops/", api.WorkshopListApi.as_view(), name="workshop-list"),
    path("workshops/<int:id>/", api.WorkshopDetailApi.as_view(), name="workshop-detail"),
    path("workshops/<int:id>/register/", api.WorkshopRegisterApi.as_view(), name="workshop-register"),
    path(
        "workshops/<int:id>/cancel-registration/",
        api.WorkshopCancelRegistrationApi.as_view(),
        name="workshop-cancel-registration",
    ),
    path("trainer/workshops/", api.TrainerWorkshopListApi.as_view(), name="trainer-workshop-list"),
    path("trainer/workshops/<int:id>/", api.TrainerWorkshopDetailApi.as_view(), name="trainer-workshop-detail"),
    path(
        "trainer/workshops/<int:id>/publish/", api.TrainerWorkshopPublishApi.as_view(), name="trainer-workshop-publish"
    ),
    path("trainer/workshops/<int:id>/cancel/", api.TrainerWorkshopCancelApi.as_view(), name="trainer-workshop-cancel"),
    path(
        "trainer/workshops/<int:id>/complete/",
        api.TrainerWorkshopCompleteApi.as_view(),
        name="trainer-workshop-complete",
    ),
    path(
        "trainer/workshops/<int:id>/participants/",
        api.TrainerParticipantListApi.as_view(),
        name="trainer-workshop-participants",
    ),
    path("trainer/workshops/<int:id>/funnel/", api.TrainerFunnelApi.as_view(), name="trainer-workshop-funnel"),
    path("trainer/workshops/<int:id>/check-in/", api.TrainerCheckInApi.as_view(), name="trainer-workshop-check-in"),
]
