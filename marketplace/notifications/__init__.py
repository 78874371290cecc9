"""Notifications: mail to shoppers, producers and admins, once each, in their language."""
