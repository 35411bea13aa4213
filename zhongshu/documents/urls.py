"""URLs of the documents module; each area keeps its own list (one module per area)."""

from .urls_copies import urlpatterns as copies
from .urls_drafting import urlpatterns as drafting
from .urls_handling import urlpatterns as handling
from .urls_incoming import urlpatterns as incoming
from .urls_memo import urlpatterns as memos
from .urls_numbering import urlpatterns as numbering
from .urls_output import urlpatterns as output

app_name = "documents"

urlpatterns = [*drafting, *numbering, *output, *handling, *incoming, *memos, *copies]
