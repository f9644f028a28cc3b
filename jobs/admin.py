from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from jobs import services
from jobs.models import OutgoingMail
from portal.admin import WorkflowAdminMixin


@admin.register(OutgoingMail)
class OutgoingMailAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    """The mail queue, for staff who answer "I never got the mail": what was sent, what failed and why.

    Read-only; the one action is the workflow's "resend" (jobs.resend_outgoingmail), for failed mails.
    """

    list_display = ["created_at", "recipient_list", "subject", "status", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["subject", "recipients"]
    date_hierarchy = "created_at"
    # Not the text: a queued or failed mail may hold someone's password-reset or invitation link, which
    # staff reading the queue must not be able to use.
    fields = ["recipient_list", "subject", "status", "attempts", "created_at", "last_attempt_at", "sent_at",
              "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj):
        return ", ".join(obj.recipients)

    @admin.display(description=_("last error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(80)

    def workflow_run(self, request, obj, transition, note):
        services.mail_transition(mail=obj, name=transition.name, by=request.user)

    def workflow_object_detail(self, obj):
        return self.recipient_list(obj)
