"""Rendering on a Celery cluster with a Redis broker (the `cluster` extra).

The cluster is one more kind of node: a worker (`e2a-node --cluster URL`) speaks
units sent to it as the Celery task ``e2a.speak_unit`` and returns the audio and
sentence timings; the coordinator (e2a_desktop.cluster) leases those units from
the same Farm as LAN nodes and hands the results to the same upload checks.

``app`` holds the shared Celery configuration (both sides), ``tasks`` what a
worker runs, ``worker`` the `e2a-node --cluster` entry point. Celery is imported
only here, and only when a cluster is asked for.
"""
