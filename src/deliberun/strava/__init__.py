"""Strava API v3: settings, tokens, OAuth listener, HTTP client and a local stand-in.

Impure (network, files): the sync use case is ``deliberun.services.strava_sync``; the
pure streams -> ``Activity`` conversion is ``deliberun.io.strava_streams``.
"""
