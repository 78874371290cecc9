"""Accounts: who is asking, and how they prove it.

Use cases and their modules:
- ``services.py``  register, log in and out (one device or everywhere), change the password,
                   edit the profile, API tokens (create, list, revoke), create an admin
- ``recovery.py``  forgotten passwords: a single-use, expiring link by mail, and using it
- ``sessions.py``  server-side sessions behind the session and remember cookies
- ``throttle.py``  the login throttle, counted before any password is checked
- ``auth.py``      Flask-Login's loaders: session cookie, remember cookie, bearer token
- ``roles.py``     the roles a user holds, as other packages report them
- ``routes.py``    the API under /api/v1/auth
"""
