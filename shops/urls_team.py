"""Seller dashboard: team (staff invitations) and vacation pages (names in the `seller` namespace)."""

from django.urls import path

from .views import team

urlpatterns = [
    path("tim/", team.team, name="team"),
    path("tim/undangan/<int:invitation_id>/batal/", team.team_invitation_revoke, name="team-invitation-revoke"),
    path("tim/anggota/<int:member_id>/hapus/", team.team_member_remove, name="team-member-remove"),
    path("undangan/<str:token>/", team.invitation_accept, name="invitation-accept"),
    path("libur/", team.vacation, name="vacation"),
]
