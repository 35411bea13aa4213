from django.urls import include, path

urlpatterns = [
    path("", include("zhongshu.core.urls")),
    path("", include("zhongshu.org.urls")),
    path("notifications/", include("zhongshu.notify.urls")),
    path("work/", include("zhongshu.workflow.urls")),
    path("documents/", include("zhongshu.documents.urls")),
    path("api/", include("zhongshu.api.urls")),
]

handler404 = "zhongshu.core.errors.not_found"
handler403 = "zhongshu.core.errors.forbidden"
handler500 = "zhongshu.core.errors.server_error"
