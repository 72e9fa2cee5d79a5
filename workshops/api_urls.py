"""Workshop endpoints under /api/v1/ (DESIGN §9), see workshops.api (names in the `api` namespace)."""

urlpatterns = []
