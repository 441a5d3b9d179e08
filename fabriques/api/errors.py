from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler; kept as the single place where the API's error format is decided."""
    return drf_exception_handler(exc, context)
