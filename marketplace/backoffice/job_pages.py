"""Failed jobs (/quan-tri/cong-viec-loi): what failed after its retries, with
"run again". Added to the back office's blueprint, as the reports are."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from marketplace import access
from marketplace.access import ADMIN
from marketplace.backoffice import failed_jobs as service
from marketplace.backoffice.pages import blp
from marketplace.jobs.failures import JobNoLongerExists


@blp.get("/quan-tri/cong-viec-loi", endpoint="failed_jobs")
@access.requires(ADMIN)
def failed_jobs():
    found = service.failed_jobs()
    return render_template("backoffice/failed_jobs.html", jobs=found.jobs, redis_unreachable=found.redis_unreachable)


@blp.post("/quan-tri/cong-viec-loi/<job_id>/chay-lai", endpoint="run_failed_job_again")
@access.requires(ADMIN)
def run_failed_job_again(job_id: str):
    try:
        failed = service.run_again(job_id)
    except JobNoLongerExists:
        flash(_("Công việc này không còn trong phiên bản hiện tại nên không chạy lại được."))
    else:
        flash(_("Đã cho chạy lại công việc %(name)s.", name=failed.name))
    return redirect(url_for("backoffice.failed_jobs"), code=303)
