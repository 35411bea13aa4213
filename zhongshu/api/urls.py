"""The REST API under ``/api/`` (issue item 8). Public: the token endpoint and the schema."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from zhongshu.documents.api import DocumentViewSet
from zhongshu.documents.api_incoming import IncomingDocumentViewSet
from zhongshu.documents.api_memo import MemoViewSet
from zhongshu.org.api import DepartmentViewSet, MeView, PersonViewSet
from zhongshu.workflow.api import InboxView, RunViewSet, WorkItemViewSet

from . import views

app_name = "api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("people", PersonViewSet, basename="person")
router.register("work-items", WorkItemViewSet, basename="work-item")
router.register("runs", RunViewSet, basename="run")
router.register("documents", DocumentViewSet, basename="document")
router.register("incoming-documents", IncomingDocumentViewSet, basename="incoming-document")
router.register("memos", MemoViewSet, basename="memo")

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="token"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout-all/", views.LogoutAllView.as_view(), name="logout_all"),
    path("me/", MeView.as_view(), name="me"),
    path("inbox/", InboxView.as_view(), name="inbox"),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="schema",
    ),
    # A browser page: an anonymous visitor is sent to the sign-in form, like every other page.
    path("docs/", login_required(views.DocsView.as_view()), name="docs"),
    *router.urls,
]
