import os

from django.core.wsgi import get_wsgi_application

from boomer_site.tracing import tracing_setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")
tracing_setup("boomer-web")  # before Django loads its middleware, which the Django instrumentation extends
application = get_wsgi_application()
