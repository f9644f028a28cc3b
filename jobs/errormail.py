"""Django's error mails to ADMINS, through the mail queue instead of an SMTP call inside the failing request.

Configured in settings.LOGGING as the `mail_admins` handler of the `django` logger. Whatever goes wrong
here (the database down or in a broken transaction, which is often why there is an error to report) is
swallowed: the error is in the console log anyway, and a failing request must still get its 500 page.
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.log import AdminEmailHandler


class QueuedAdminEmailHandler(AdminEmailHandler):
    def emit(self, record):
        if record.exc_info and isinstance(record.exc_info[1], OperationalError | InterfaceError):
            # The database is unreachable (the 503 page): queuing needs that very database, would wait for
            # its connect timeout on every failing request, and /healthz and the console already say it.
            return
        try:
            super().emit(record)
        except Exception:
            self.handleError(record)  # prints to stderr, never raises

    def send_mail(self, subject, message, *args, html_message=None, **kwargs):
        if not settings.ADMINS:
            return
        from jobs.services import queue_mail  # not at import time: logging is configured before the apps load

        queue_mail(to=[address for _name, address in settings.ADMINS],
                   subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", body=message, html=html_message)
