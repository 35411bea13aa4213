from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Keyset paging: no COUNT(*) and no deep offsets (DESIGN.md performance budgets)."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "id"
