"""WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from inspect_app import create_app

app = create_app()

# Everything built at start-up (the app, its templates, the rubric and indicator catalogues,
# imported modules) lives as long as the worker: moved out of the garbage collector's view,
# a full collection no longer walks it (about 5-10 ms of a large page's request).
gc.freeze()
