"""The admin back office: the layout, the queues overview and the pages that
compose several domains. Pages over one domain live in that domain
(producers/admin_pages.py, orders/admin_pages.py, payouts/admin_pages.py...).

Reports (h10): ``reports.py`` (revenue by period, sales by province, group and stars, in SQL),
``report_pages.py`` and ``settings_pages.py`` add their pages to the ``backoffice`` blueprint.

Failed jobs: ``failed_jobs.py`` (the list, and running one again with its audit entry) and
``job_pages.py`` (/quan-tri/cong-viec-loi), on the ``backoffice`` blueprint.
"""
