"""The WSGI application under the settings already configured (tests, benchmarks); `config.wsgi` is for servers."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
