from . import context


class RequestContextMiddleware:
    """Binds the request id and client IP for the audit writer; echoes the request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.bind(request)
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request.request_id
        return response
