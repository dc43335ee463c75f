import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now — Django, the apps and their models, the URLconf with every view
# and serializer it imports — lives as long as the worker. gc.freeze() moves it out of
# the cyclic collector's generations, so each full collection walks only what requests
# allocate instead of the whole application again (Python's gc.freeze documentation
# recommends it for pre-forked servers such as gunicorn).
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()
