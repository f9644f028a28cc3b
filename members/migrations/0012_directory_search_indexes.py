# The directory's search from indexes of the members it lists (issue 19): the whole-table bigram indexes needed a
# second bitmap of every listed member (58,000 at 100,000 organisations) to narrow their candidates.

from django.db import migrations

from portal.db.search import BigramIndex

LISTED = "status = 'approved' AND listed_in_directory"  # OrganizationQuerySet.listed


class Migration(migrations.Migration):
    dependencies = [("members", "0011_admin_overview_indexes")]

    operations = [
        BigramIndex(name="org_listed_name_bigrams", table="members_organization", column="name", where=LISTED),
        BigramIndex(name="org_listed_name_en_bigrams", table="members_organization", column="name_en", where=LISTED),
    ]
