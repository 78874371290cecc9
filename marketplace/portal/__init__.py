"""The producer portal's composition: the layout every portal page extends, the
portal home (which producer?) and the dashboard.

Use cases:
- pick the producer to work for: pages.home (producers.services.producers_of)
- the dashboard: dashboard.dashboard_of, composing the domains' own queries
"""
