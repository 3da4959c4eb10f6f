"""The coordinator's side of a Celery cluster (`e2a convert BOOK --cluster URL`).

The coordinator stays what it is: the job store, resume, the upload checks,
mastering and binding. Only who speaks a unit changes: ``dispatcher`` leases
units from the same Farm on behalf of the cluster's workers (one farm node per
worker process) and sends them as ``e2a.speak_unit`` tasks; their results go
through ``Farm.accept_upload`` like any LAN node's. ``conversion`` is the job
service's Conversion with that dispatcher in place of the built-in node.
"""
