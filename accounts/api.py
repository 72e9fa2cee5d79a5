from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .phone import INVALID_PHONE_MESSAGE, normalise_phone
from .selectors import user_roles
from .services import user_update_profile


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, help_text="E.164, e.g. +6281234567890; empty when not set.")
    roles = serializers.ListField(child=serializers.CharField())
    date_joined = serializers.DateTimeField()


class MeInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate_full_name(self, value):
        name = " ".join(value.split())
        if not name:
            raise serializers.ValidationError(serializers.CharField.default_error_messages["blank"])
        return name

    def validate_phone(self, value):
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except ValidationError as error:
            raise serializers.ValidationError(INVALID_PHONE_MESSAGE) from error


def _me(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone.as_e164 if user.phone else "",
        "roles": user_roles(user=user),
        "date_joined": user.date_joined,
    }


class MeApi(APIView):
    """The signed-in user. Browsers use the session; apps send `X-Session-Token`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutputSerializer, operation_id="me_retrieve")
    def get(self, request):
        return Response(MeOutputSerializer(_me(request.user)).data)

    @extend_schema(request=MeInputSerializer, responses=MeOutputSerializer, operation_id="me_update")
    def patch(self, request):
        data = MeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **data.validated_data)
        return Response(MeOutputSerializer(_me(user)).data)
