"""Plan formats: a training plan or workout written for a calendar (ICS) or a watch
(FIT workout), and read back. Here, not under ``io/``: they know plans, and ``io/``
(activity files) imports nothing above it."""
