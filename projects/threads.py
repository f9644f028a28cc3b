"""The conversation's pages, shared by the company pages (views_my) and the admin: the threads a page shows, and
sending a message from a bound form through projects.services.message_post.

Who reads what (decided with the issue): the lead's owners and managers read the whole conversation, the partners'
parts included (the lead runs the consortium; a partner is told so where it writes), and write in the lead's
thread; a partner's owners and managers read and write their own part only; staff read everything and answer in
any thread. Plain members read none of it (403 with the role needed): the conversation is their organisation's
owners' and managers', as the proposal's changes are.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from portal import once
from portal.workflow import WorkflowError
from projects import services
from projects.models import unanswered

# The one-time token of every message form (portal.once): a double click sends one message.
PURPOSE = "projects:message"
TOO_MANY = _("You have sent many messages in a short time: wait a minute and send this one again.")
SENT = _("Your message was sent.")


@dataclass
class Thread:
    """The lead's thread (`partner` None) or one partner's part, with its messages in order."""

    partner: Organization | None
    messages: list = field(default_factory=list)
    waiting_since: datetime.datetime | None = None  # when its oldest message still waiting for staff was sent
    in_consortium: bool = True  # a removed partner's part stays on record, and nobody writes in it any more

    @property
    def key(self):
        return self.partner.pk if self.partner else ""


def threads_of(loaded, *, partners=None):
    """The threads of `loaded` messages (in the order they were sent, each with its `partner` loaded), the lead's
    first. With `partners` (the organisations in the consortium now), every partner gets a thread, empty or not, and
    parts of organisations no longer among them are marked so; without, only the parts that have messages."""
    waiting = unanswered((m.partner_id, m.side, m.created_at) for m in loaded)
    threads = {None: Thread(partner=None)}
    for organization in partners or ():
        threads[organization.pk] = Thread(partner=organization)
    for message in loaded:
        thread = threads.get(message.partner_id)
        if thread is None:
            thread = threads[message.partner_id] = Thread(partner=message.partner, in_consortium=partners is None)
        thread.messages.append(message)
    for key, thread in threads.items():
        thread.waiting_since = waiting.get(key)
    return list(threads.values())


def send(request, form, *, proposal, side, url, partner=None):
    """Send the message of `form` (bound to `request`): (a redirect to `url` once sent or refused by the workflow,
    None to show the form again) and the status to show it with. A form that chooses whom it is for (staff's) names
    the partner with its `addressee()`."""
    if services.messages_throttled(request.user):
        form.is_valid()  # the page shows what was written, with the reason it was not sent
        form.add_error(None, TOO_MANY)
        return None, 429
    if not form.is_valid():
        return None, 200
    if hasattr(form, "addressee"):
        partner = form.addressee()
    try:
        with once.spend(request, PURPOSE) as spent:
            services.message_post(
                proposal=proposal,
                author=request.user,
                side=side,
                partner=partner,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
            spent.leads_to(url)
    except once.AlreadyDone as done:
        messages.info(request, done.message)
        return redirect(done.url or url), 302
    except once.Expired as expired:
        form.add_error(None, expired.message)
        return None, 200
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(url), 302
    except ValidationError as error:
        for name, problems in _by_field(error):
            form.add_error(name if name in form.fields else None, problems)
        return None, 200
    messages.success(request, SENT)
    return redirect(url), 302


def _by_field(error):
    if hasattr(error, "error_dict"):
        return [(name, [text for e in errors for text in e.messages]) for name, errors in error.error_dict.items()]
    return [(None, error.messages)]
