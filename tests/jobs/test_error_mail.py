"""Django's error mails to ADMINS go through the mail queue, and reporting an error never raises."""

import logging

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction

from jobs.errormail import QueuedAdminEmailHandler
from jobs.models import OutgoingMail


@pytest.fixture
def handler(settings):
    settings.ADMINS = [("Portal admins", "ops@ministry.example")]
    settings.DEBUG = False
    return QueuedAdminEmailHandler()


def error_record():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x/", (),
                                 sys.exc_info())


def test_the_settings_replace_django_s_synchronous_handler():
    handlers = logging.getLogger("django").handlers
    assert [type(h) for h in handlers] == [QueuedAdminEmailHandler]


@pytest.mark.django_db
def test_an_error_queues_a_mail_to_the_admins(handler, mailoutbox):
    handler.emit(error_record())
    mail = OutgoingMail.objects.get()
    assert mail.recipients == ["ops@ministry.example"] and "Internal Server Error" in mail.subject
    assert mailoutbox == []  # nothing is sent inside the failing request


@pytest.mark.django_db
def test_an_error_inside_a_broken_transaction_is_reported_without_raising(handler):
    with transaction.atomic():
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM jobs_outgoingmail")
        handler.emit(error_record())  # the transaction refuses every statement: the mail is lost, not the page
        transaction.set_rollback(True)
    assert not OutgoingMail.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server whose port can be closed: SQLite is a file")
@pytest.mark.django_db(transaction=True)
def test_an_error_while_the_database_is_down_is_reported_without_raising(handler):
    from tests.background import free_port

    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()  # nothing listens there: the database is down
    try:
        handler.emit(error_record())
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_an_unreachable_database_is_not_reported_by_mail(handler, django_assert_num_queries):
    try:
        raise OperationalError("connection timeout expired")
    except OperationalError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Service Unavailable: /x/", (),
                                   sys.exc_info())
    with django_assert_num_queries(0):  # no connect attempt that would wait for its timeout on every 503
        handler.emit(record)
    assert not OutgoingMail.objects.exists()
