"""The workshops API (DESIGN §9): `workshops/` for everyone, `trainer/workshops/` for trainers and operators.

Decisions:

- **Who**: the public list and one workshop are open to anyone (drafts are a 404); a signed-in caller also sees
  `my_registration` (null when none, and always null for anonymous callers). Registering and cancelling need a
  signed-in user: anonymous → 401 (`X-Session-Token` is named in `WWW-Authenticate`, as everywhere in the API).
  Every `trainer/` endpoint needs an active trainer or an operator (`selectors.user_may_train`): anyone else
  signed in → 403 before the input is read. A workshop the trainer does not train is a plain 404
  (`selectors.workshop_get_for_trainer`), never a 403, so ids cannot be probed; operators reach every workshop.
  The services check again.
- **Ids**: workshops are addressed by id (the pages use the slug); `slug` and `url` (the absolute address of
  the Indonesian page, the canonical one) come with each workshop.
- **Public fields**: `online_url` is never public: `is_online` says there is one, and a participant with a seat
  finds it in `my_registration.online_url`. `district` is the district's name (null without one);
  `seats_left` never drops below 0; `registration_open` is true while the workshop is published and its
  registration deadline has not passed (with no free seat a new registration goes on the waiting list).
- **Registering**: `POST workshops/{id}/register/ {"answers": {key: value}}` → 201 with the registration when
  this request registered (a seat or the waiting list, or again after cancelling), 200 with the existing one
  when the caller already has a seat or a waiting-list place (nothing changes). Errors of the answers come back
  under `answers`, keyed by question key: `{"answers": {"business": ["…"]}}` (answers to unknown questions are
  dropped by the service). A workshop not open for registration (not published, deadline passed) → 409.
  `POST workshops/{id}/cancel-registration/` → 200 with the cancelled registration (cancelling twice is
  harmless); 404 when the caller has no registration for it.
- **Trainer's workshops**: `GET/POST trainer/workshops/`, `GET/PATCH trainer/workshops/{id}/`. Input is parsed
  by small serializers (types only: every rule on values is the services', so API and pages agree); the
  services' field errors come back under the same names (`sessions`, `trainers`, `venue_name`, …). `district` is
  given as the district's Kemendagri code (its primary key) and answered as `{code, name}`; `sessions` and
  `trainer_ids` replace the current ones when given (the calling trainer always stays a trainer). There is no
  DELETE: `.../cancel/ {reason}` cancels (and mails everyone registered), `.../publish/`, `.../complete/` move
  the status; each answers the workshop. A status that forbids the action → 409.
- **Participants**: `GET trainer/workshops/{id}/participants/` lists the participants with a seat, in
  registration order, with their onboarding step (`selectors.participant_progress`), paginated. It never shows
  an email address or a phone number; `answers` holds the answers to the workshop's own questions only.
  `GET .../funnel/` answers how many reached each step (not paginated: one row per step).
  `POST .../participants/ {email}` adds someone (`participant_invite`) → 201 `{"result"}`: "registered" or
  "waitlisted" for a verified account, "invited" when they were mailed an invitation to sign up.
- **Check-in**: `POST .../check-in/ {code}` (the QR secret or the short code) → 200 `{"result": "ok"|"already",
  "registration", "name"}`; an unknown code, another workshop's, or someone without a seat → 400 `{"code"}`.
- **Queries**: the lists cost the same number of queries for 1 or 24 rows (asserted in the tests).
- **Schema**: the enums are named in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]` (`WorkshopStatusEnum`,
  `RegistrationStatusEnum`, `OnboardingStepEnum`, `InviteResultEnum`, `CheckInResultEnum`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api.exceptions import validation_error_detail
from marketplace.core.api.pagination import PageNumberPagination
from shops.models import District

from . import selectors, services
from .models import Registration, Workshop, WorkshopInvitation

NOT_A_TRAINER_MESSAGE = _("Only trainers can do this.")
NOT_REGISTERED_MESSAGE = _("You are not registered for this workshop.")

# What `POST .../participants/` and `POST .../check-in/` did (named enums in the schema settings).
INVITE_RESULTS = ["registered", "waitlisted", "invited"]
CHECK_IN_RESULTS = ["ok", "already"]

WORKSHOP_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The workshop's id.")


# --- Output ---------------------------------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The key of the answer in `answers`.")
    label = serializers.CharField()
    kind = serializers.CharField(help_text='"text", "choice" or "yes_no" (answered true/false or "yes"/"no").')
    choices = serializers.ListField(
        child=serializers.CharField(), default=list, help_text="The options of a choice question; else empty."
    )


class MyRegistrationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    short_code = serializers.CharField(help_text="Typed at the door when the QR code cannot be scanned.")
    waitlist_position = serializers.IntegerField(
        allow_null=True, help_text="1 for the next person to get a seat; null unless waitlisted."
    )
    online_url = serializers.CharField(help_text="The online meeting link, for a participant with a seat; else empty.")


def _registration_data(registration: Registration, workshop: Workshop, position: int | None) -> dict:
    seated = registration.status == Registration.Status.REGISTERED
    return {
        "id": registration.pk,
        "status": registration.status,
        "short_code": registration.short_code,
        "waitlist_position": position,
        "online_url": workshop.online_url if seated else "",
    }


def _page_url(workshop: Workshop, request) -> str | None:
    """The absolute address of the workshop's page (the Indonesian one, canonical); None for a draft."""
    if workshop.status == Workshop.Status.DRAFT:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("workshops:detail", kwargs={"slug": workshop.slug})
    return request.build_absolute_uri(path) if request is not None else path


def _registration_open(workshop: Workshop) -> bool:
    return workshop.status == Workshop.Status.PUBLISHED and workshop.registration_deadline > timezone.now()


def _seats_left(workshop: Workshop) -> int:
    return max(workshop.capacity - workshop.seats_taken, 0)


class PublicWorkshopOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Workshop.Status.choices)
    sessions = SessionSerializer(source="sessions.all", many=True, help_text="In order of time.")
    venue_name = serializers.CharField()
    venue_address = serializers.CharField()
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    map_url = serializers.CharField()
    is_online = serializers.SerializerMethodField(help_text="True when the workshop has an online meeting link.")
    capacity = serializers.IntegerField()
    seats_left = serializers.SerializerMethodField()
    waitlist_count = serializers.IntegerField()
    registration_deadline = serializers.DateTimeField()
    registration_open = serializers.SerializerMethodField(help_text="Published and before the deadline.")
    trainers = serializers.SerializerMethodField(help_text="The trainers' names.")
    questions = QuestionSerializer(many=True, help_text="Asked at registration; answers go in `answers`.")
    url = serializers.SerializerMethodField(help_text="The workshop's page.")
    my_registration = serializers.SerializerMethodField(
        help_text="The signed-in caller's registration (any status); null when none or anonymous."
    )

    def get_is_online(self, workshop) -> bool:
        return bool(workshop.online_url)

    def get_seats_left(self, workshop) -> int:
        return _seats_left(workshop)

    def get_registration_open(self, workshop) -> bool:
        return _registration_open(workshop)

    def get_trainers(self, workshop) -> list[str]:
        return [user.full_name for user in workshop.trainers.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, workshop) -> str | None:
        return _page_url(workshop, self.context.get("request"))

    @extend_schema_field(MyRegistrationOutputSerializer(allow_null=True))
    def get_my_registration(self, workshop) -> dict | None:
        found = self.context.get("registrations", {}).get(workshop.pk)
        if found is None:
            return None
        registration, position = found
        return _registration_data(registration, workshop, position)


class WorkshopDistrictOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='Kemendagri code, e.g. "51.03.06".')
    name = serializers.CharField()


class TrainerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class TrainerWorkshopOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Workshop.Status.choices)
    sessions = SessionSerializer(source="sessions.all", many=True, help_text="In order of time.")
    venue_name = serializers.CharField()
    venue_address = serializers.CharField()
    district = WorkshopDistrictOutputSerializer(allow_null=True)
    map_url = serializers.CharField()
    online_url = serializers.CharField()
    capacity = serializers.IntegerField()
    seats_taken = serializers.IntegerField()
    seats_left = serializers.SerializerMethodField()
    waitlist_count = serializers.IntegerField()
    registration_deadline = serializers.DateTimeField()
    registration_open = serializers.SerializerMethodField(help_text="Published and before the deadline.")
    trainers = TrainerOutputSerializer(source="trainers.all", many=True)
    questions = QuestionSerializer(many=True)
    url = serializers.SerializerMethodField(help_text="The public page; null for a draft.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)

    def get_seats_left(self, workshop) -> int:
        return _seats_left(workshop)

    def get_registration_open(self, workshop) -> bool:
        return _registration_open(workshop)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, workshop) -> str | None:
        return _page_url(workshop, self.context.get("request"))


class ParticipantOutputSerializer(serializers.Serializer):
    registration = serializers.IntegerField(source="registration.pk", help_text="The registration's id.")
    name = serializers.CharField()
    shop_name = serializers.CharField(help_text="Empty without a shop.")
    shop_slug = serializers.CharField(help_text="Empty unless the shop is approved (public).")
    district = serializers.CharField()
    step = serializers.ChoiceField(
        choices=selectors.STEP_KEYS, help_text="The last step of the unbroken run reached from the start."
    )
    step_label = serializers.CharField()
    step_index = serializers.IntegerField(help_text=f"0 (registered) to {len(selectors.STEPS) - 1}.")
    since = serializers.DateTimeField(help_text="When the step was reached.")
    stuck_days = serializers.IntegerField(help_text="Whole days at this step; 0 once the last step is reached.")
    checked_in_at = serializers.DateTimeField(source="registration.checked_in_at", allow_null=True)
    answers = serializers.SerializerMethodField(help_text="The answers to the workshop's questions, by key.")

    @extend_schema_field(serializers.DictField())
    def get_answers(self, row) -> dict:
        keys = {question.get("key") for question in row.registration.workshop.questions or []}
        return {key: value for key, value in (row.registration.answers or {}).items() if key in keys}


class FunnelStepOutputSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=selectors.STEP_KEYS)
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Participants who reached this step (at least).")
    percent = serializers.IntegerField(help_text="Of the participants with a seat, rounded.")


class InviteOutputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=INVITE_RESULTS,
        help_text='"registered"/"waitlisted": a verified account was registered; "invited": mailed to sign up.',
    )


class CheckInOutputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CHECK_IN_RESULTS, help_text='"already": checked in before.')
    registration = serializers.IntegerField(help_text="The registration's id.")
    name = serializers.CharField(help_text="The participant's name, to greet them.")


# --- Input ----------------------------------------------------------------------------------------------------


class RegisterInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        required=False, default=dict, help_text="Answers to the workshop's questions, by question key."
    )


class QuestionInputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='Unique within the workshop, e.g. "business".')
    label = serializers.CharField()
    kind = serializers.CharField(help_text='"text", "choice" or "yes_no".')
    choices = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="At least two, for a choice question."
    )


class WorkshopInputSerializer(serializers.Serializer):
    """Types only; the rules (required fields, venue or online link, deadline before the first session, …) are the
    services'."""

    title = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    venue_name = serializers.CharField(required=False, allow_blank=True)
    venue_address = serializers.CharField(required=False, allow_blank=True)
    district = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(),
        pk_field=serializers.CharField(),
        required=False,
        allow_null=True,
        help_text='The district\'s Kemendagri code, e.g. "51.03.06"; null clears it.',
    )
    map_url = serializers.CharField(required=False, allow_blank=True)
    online_url = serializers.CharField(required=False, allow_blank=True, help_text="Shown to participants only.")
    capacity = serializers.IntegerField(required=False)
    registration_deadline = serializers.DateTimeField(required=False)
    questions = QuestionInputSerializer(many=True, required=False)
    sessions = SessionSerializer(many=True, required=False, help_text="ISO 8601 datetimes; replace the current ones.")
    trainer_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="User ids of the other active trainers; the calling trainer always stays one.",
    )

    def validate_questions(self, questions):
        return [dict(question) for question in questions]


class WorkshopCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Told to everyone registered, in the mail."
    )


class InviteInputSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, allow_blank=True, default="")


class CheckInInputSerializer(serializers.Serializer):
    code = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The QR code's content or the 6-character short code."
    )


def _workshop_get_public(pk: int) -> Workshop:
    """A workshop anyone may look at (not a draft), by id; 404 otherwise."""
    workshop = selectors.workshop_get_public(pk=pk)
    if workshop is None:
        raise exceptions.NotFound()
    return workshop


def _registrations_of(user, workshops) -> dict[int, tuple[Registration, int | None]]:
    return selectors.registrations_for_workshops(user=user, workshops=workshops)


# --- Public ---------------------------------------------------------------------------------------------------


class WorkshopListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="workshops_list",
        summary="Upcoming workshops",
        description="Published workshops whose last session has not ended, soonest first.",
        responses=PublicWorkshopOutputSerializer(many=True),
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.workshop_list_public(), request, view=self)
        context = {"request": request, "registrations": _registrations_of(request.user, page)}
        return paginator.get_paginated_response(PublicWorkshopOutputSerializer(page, many=True, context=context).data)


class WorkshopDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="workshops_retrieve",
        summary="One workshop",
        description="Published, completed or cancelled; a draft is a 404.",
        parameters=[WORKSHOP_ID],
        responses=PublicWorkshopOutputSerializer,
    )
    def get(self, request, id: int):
        workshop = _workshop_get_public(id)
        context = {"request": request, "registrations": _registrations_of(request.user, [workshop])}
        return Response(PublicWorkshopOutputSerializer(workshop, context=context).data)


class WorkshopRegisterApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="workshops_register",
        summary="Register for a workshop",
        description="A seat while there is one, else the waiting list. 201 when this request registered; 200 with "
        "the existing registration when the caller already has one. Errors of the answers under `answers`; 409 "
        "when the workshop is not open for registration.",
        parameters=[WORKSHOP_ID],
        request=RegisterInputSerializer,
        responses={201: MyRegistrationOutputSerializer, 200: MyRegistrationOutputSerializer},
    )
    def post(self, request, id: int):
        workshop = _workshop_get_public(id)
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        before = selectors.registration_for_workshop(user=request.user, workshop=workshop)
        already = before is not None and before.status != Registration.Status.CANCELLED
        try:
            registration = services.registration_create(
                workshop=workshop, user=request.user, answers=data.validated_data["answers"]
            )
        except DjangoValidationError as error:
            # The service keys its errors by question; they are errors of the `answers` field here.
            raise exceptions.ValidationError({"answers": validation_error_detail(error)}) from error
        body = _registration_data(registration, workshop, selectors.waitlist_position(registration))
        return Response(body, status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)


class WorkshopCancelRegistrationApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="workshops_cancel_registration",
        summary="Cancel my registration",
        description="A freed seat goes to the first on the waiting list. Cancelling twice is harmless; 404 without "
        "a registration.",
        parameters=[WORKSHOP_ID],
        request=None,
        responses=MyRegistrationOutputSerializer,
    )
    def post(self, request, id: int):
        workshop = _workshop_get_public(id)
        registration = selectors.registration_for_workshop(user=request.user, workshop=workshop)
        if registration is None:
            raise exceptions.NotFound(NOT_REGISTERED_MESSAGE)
        registration = services.registration_cancel(registration=registration, user=request.user)
        return Response(_registration_data(registration, workshop, None))


# --- Trainer --------------------------------------------------------------------------------------------------


class MayTrain(BasePermission):
    """Signed in (else 401) and an active trainer or an operator (else 403)."""

    message = NOT_A_TRAINER_MESSAGE

    def has_permission(self, request, view) -> bool:
        return selectors.user_may_train(request.user)


class TrainerApi(APIView):
    permission_classes = [IsAuthenticated, MayTrain]

    def get_workshop(self, id: int) -> Workshop:
        """One of the caller's workshops (any, for an operator), annotated; 404 otherwise."""
        workshop = selectors.workshop_get_for_trainer(user=self.request.user, pk=id)
        if workshop is None:
            raise exceptions.NotFound()
        return workshop

    def workshop_response(self, id: int, status_code: int = status.HTTP_200_OK) -> Response:
        data = TrainerWorkshopOutputSerializer(self.get_workshop(id), context={"request": self.request}).data
        return Response(data, status=status_code)

    @staticmethod
    def workshop_input(request, *, partial: bool) -> dict:
        """The parsed body as the services take it: `data`, `sessions` (None when absent) and `trainer_ids`."""
        serializer = WorkshopInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        sessions = data.pop("sessions", None)
        trainer_ids = data.pop("trainer_ids", None)
        return {
            "data": data,
            "sessions": [dict(session) for session in sessions] if sessions is not None else None,
            "trainer_ids": trainer_ids,
        }


class TrainerWorkshopListApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_list",
        summary="My workshops",
        description="The workshops the caller trains (every workshop for an operator), latest first.",
        responses=TrainerWorkshopOutputSerializer(many=True),
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.workshop_list_for_trainer(user=request.user), request, view=self)
        data = TrainerWorkshopOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="trainer_workshops_create",
        summary="Create a workshop",
        description="A draft; publish it with `.../publish/`. The caller is one of its trainers.",
        request=WorkshopInputSerializer,
        responses={201: TrainerWorkshopOutputSerializer},
    )
    def post(self, request):
        parsed = self.workshop_input(request, partial=False)
        workshop = services.workshop_create(
            user=request.user,
            data=parsed["data"],
            sessions=parsed["sessions"] or [],
            trainer_ids=parsed["trainer_ids"],
        )
        return self.workshop_response(workshop.pk, status.HTTP_201_CREATED)


class TrainerWorkshopDetailApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_retrieve",
        summary="One of my workshops",
        parameters=[WORKSHOP_ID],
        responses=TrainerWorkshopOutputSerializer,
    )
    def get(self, request, id: int):
        return self.workshop_response(id)

    @extend_schema(
        operation_id="trainer_workshops_update",
        summary="Change a workshop",
        description="While a draft or published; 409 once cancelled or completed. `sessions` and `trainer_ids` "
        "replace the current ones when given.",
        parameters=[WORKSHOP_ID],
        request=WorkshopInputSerializer,
        responses=TrainerWorkshopOutputSerializer,
    )
    def patch(self, request, id: int):
        workshop = self.get_workshop(id)
        parsed = self.workshop_input(request, partial=True)
        services.workshop_update(workshop=workshop, user=request.user, **parsed)
        return self.workshop_response(id)


class TrainerWorkshopPublishApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_publish",
        summary="Publish a workshop",
        description="Draft → published: listed and open for registration. 400 naming what is missing; 409 unless "
        "a draft.",
        parameters=[WORKSHOP_ID],
        request=None,
        responses=TrainerWorkshopOutputSerializer,
    )
    def post(self, request, id: int):
        services.workshop_publish(workshop=self.get_workshop(id), user=request.user)
        return self.workshop_response(id)


class TrainerWorkshopCancelApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_cancel",
        summary="Cancel a workshop",
        description="Draft or published → cancelled; everyone registered or waitlisted is mailed with the reason. "
        "409 once completed.",
        parameters=[WORKSHOP_ID],
        request=WorkshopCancelInputSerializer,
        responses=TrainerWorkshopOutputSerializer,
    )
    def post(self, request, id: int):
        workshop = self.get_workshop(id)
        data = WorkshopCancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.workshop_cancel(workshop=workshop, user=request.user, reason=data.validated_data["reason"])
        return self.workshop_response(id)


class TrainerWorkshopCompleteApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_complete",
        summary="Mark a workshop completed",
        description="Published → completed once its first session has started; 409 otherwise.",
        parameters=[WORKSHOP_ID],
        request=None,
        responses=TrainerWorkshopOutputSerializer,
    )
    def post(self, request, id: int):
        services.workshop_complete(workshop=self.get_workshop(id), user=request.user)
        return self.workshop_response(id)


class TrainerParticipantListApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_participants_list",
        summary="Participants and their onboarding progress",
        description="Participants with a seat, in registration order, with the onboarding step they reached "
        "(derived from their account, shop, products, payout method and orders). No email or phone.",
        parameters=[WORKSHOP_ID],
        responses=ParticipantOutputSerializer(many=True),
    )
    def get(self, request, id: int):
        rows = selectors.participant_progress(workshop=self.get_workshop(id))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ParticipantOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="trainer_workshops_participants_add",
        summary="Add a participant by email",
        description="A verified account is registered at once (a seat or the waiting list, even after the "
        "deadline); anyone else is mailed an invitation to sign up. 409 unless the workshop is published.",
        parameters=[WORKSHOP_ID],
        request=InviteInputSerializer,
        responses={201: InviteOutputSerializer},
    )
    def post(self, request, id: int):
        workshop = self.get_workshop(id)
        data = InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.participant_invite(workshop=workshop, user=request.user, email=data.validated_data["email"])
        result = "invited" if isinstance(added, WorkshopInvitation) else added.status
        return Response({"result": result}, status=status.HTTP_201_CREATED)


class TrainerFunnelApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_funnel",
        summary="Onboarding funnel of the participants",
        description="For each step in order, how many participants with a seat reached it (at least).",
        parameters=[WORKSHOP_ID],
        responses=FunnelStepOutputSerializer(many=True),
    )
    def get(self, request, id: int):
        rows = selectors.participant_progress(workshop=self.get_workshop(id))
        return Response(FunnelStepOutputSerializer(selectors.progress_funnel(rows), many=True).data)


class TrainerCheckInApi(TrainerApi):
    @extend_schema(
        operation_id="trainer_workshops_check_in",
        summary="Check a participant in",
        description="By the QR code's content or the short code. An unknown code, another workshop's, or someone "
        "without a seat: 400 under `code`, and nothing changes.",
        parameters=[WORKSHOP_ID],
        request=CheckInInputSerializer,
        responses={200: CheckInOutputSerializer, 400: OpenApiResponse(description='`{"code": [message]}`')},
    )
    def post(self, request, id: int):
        workshop = self.get_workshop(id)
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration, already = services.registration_check_in(
            workshop=workshop, code=data.validated_data["code"], trainer=request.user
        )
        body = {
            "result": "already" if already else "ok",
            "registration": registration.pk,
            "name": registration.user.full_name,
        }
        return Response(CheckInOutputSerializer(body).data)
