"""Msgids of Django's own admin, auth and contenttypes that our Korean catalog translates anew.

Django's Korean catalog gives staff phrases such as "보기위한 1제안서 를(을) 선택" (a changelist title),
"뷰 제안서" or "… 을/를 삭제합니다.". An entry in our catalog replaces the app's (LOCALE_PATHS come after
the apps' catalogs when Django merges them, and the later one wins), but `makemessages` keeps only
msgids it finds in our own code: so they are listed here. Nothing imports this module; gettext_noop
and the lazy functions only mark the strings for extraction.

The Korean avoids a particle right after a model's name or an object's title (을/를, 이/가): one
string cannot pick the right one for every name, so the titles read "제안서 목록", "새 공모 추가",
"제안서 “…” 항목을 변경했습니다".
"""

# Each msgid stays on one line, as in Django's catalogs, so it can be searched for there.
# ruff: noqa: E501

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

DJANGO_ADMIN = [
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %s"),
    gettext_noop("View %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Change history: %s"),
    gettext_noop("Action:"),
    gettext_noop("Run the selected action"),
    gettext_noop("No action selected."),
    gettext_noop("Items must be selected in order to perform actions on them. No items have been changed."),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Delete multiple objects"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", "n"),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    ngettext_lazy("%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "n"),
    gettext_noop("Date/time"),
    gettext_noop("Action"),
    gettext_noop("action time"),
    gettext_noop("object id"),
    gettext_noop("object repr"),
    gettext_noop("action flag"),
    gettext_noop("change message"),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("LogEntry Object"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Changed {fields}."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("and"),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Deleted “%(object)s.”"),
    gettext_noop("Added “%(object)s”."),
    gettext_noop("This object doesn’t have a change history. It probably wasn’t added via this admin site."),
    gettext_noop("My actions"),
    gettext_noop("Recent actions"),
    gettext_noop("None available"),
    gettext_noop("Deleting %(class_name)s %(instance)s would require deleting the following protected related objects: %(related_objects)s"),
    gettext_noop("Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"),
    gettext_noop("Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected related objects:"),
    gettext_noop('Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related items will be deleted:'),
    gettext_noop("Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"),
    gettext_noop("Deleting the selected %(objects_name)s would require deleting the following protected related objects:"),
    gettext_noop("Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their related items will be deleted:"),
    gettext_noop("Objects"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop("Delete?"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Any date"),
    gettext_noop("All dates"),
    gettext_noop("This year"),
    gettext_noop("Toggle sorting"),
    gettext_noop("Sorting priority: %(priority_number)s"),
    ngettext_lazy("%(counter)s result", "%(counter)s results", "n"),
    gettext_noop("Save as new"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save and view"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("Change or view list link"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("You are authenticated as %(username)s, but are not authorized to access this page. Would you like to login to a different account?"),
    gettext_noop("Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly."),
    gettext_noop("We’ve emailed you instructions for setting your password, if an account exists with the email you entered. You should receive them shortly."),
    gettext_noop("Enter a new password for the user <strong>%(username)s</strong>."),
    gettext_noop("Something’s wrong with your database installation. Make sure the appropriate database tables have been created, and make sure the database is readable by the appropriate user."),
]

DJANGO_AUTH = [
    gettext_noop("Important dates"),
    gettext_noop("permission"),
    gettext_noop("permissions"),
    gettext_noop("users"),
    gettext_noop("staff status"),
    gettext_noop("superuser status"),
    gettext_noop("Designates whether the user can log into this admin site."),
    gettext_noop("Designates that this user has all permissions without explicitly assigning them."),
    gettext_noop("%(name)s object with primary key %(key)r does not exist."),
]

DJANGO_CONTENTTYPES = [
    gettext_noop("content types"),
    gettext_noop("content type"),
]

# allauth.mfa's app name; its model gets a translated name in portal.apps.
ALLAUTH_MFA = [gettext_noop("MFA"), gettext_noop("TOTP Authenticator"), gettext_noop("Recovery codes")]

# django_tasks_db's model and field names and the statuses of django_tasks (the task results' admin).
DJANGO_TASKS = [
    gettext_noop("Task Result"), gettext_noop("Task Results"),
    gettext_noop("status"), gettext_noop("enqueued at"), gettext_noop("started at"), gettext_noop("finished at"),
    gettext_noop("priority"), gettext_noop("task path"), gettext_noop("queue name"), gettext_noop("backend name"),
    gettext_noop("run after"), gettext_noop("return value"), gettext_noop("traceback"),
    gettext_noop("exception class path"), gettext_noop("worker id"), gettext_noop("args kwargs"),
    pgettext_lazy("Task", "Ready"), pgettext_lazy("Task", "Running"), pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]
