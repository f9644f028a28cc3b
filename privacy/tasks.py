"""The person's rights in the background: building a data export, removing expired ones, dormant accounts."""

from django_tasks import task

from privacy import dormancy, exports


@task()
def build_export(export_id: int) -> str:
    """Make the zip of one requested export and mail its link (privacy.exports.export_build)."""
    return "built" if exports.export_build(export_id=export_id) else "nothing to build"


@task()
def purge_data_exports() -> dict:
    """Remove exports whose link has expired (PRIVACY_EXPORT_LINK_DAYS), their files with them."""
    return {"removed": exports.purge_exports()}


@task()
def dormant_accounts() -> dict:
    """The notices first, then the separations (privacy.dormancy): each stage once per period of inactivity."""
    return {"noticed": dormancy.notices_send(), "separated": dormancy.separations_run()}
