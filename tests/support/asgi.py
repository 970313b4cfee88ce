"""The project's ASGI application as test servers run it: with /static/.

Production serves static files from nginx or S3 and test settings run with
DEBUG off, so nothing else would answer /static/ and browser tests would
load pages without their CSS and JavaScript.
"""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from config.asgi import application as project_application

application = ASGIStaticFilesHandler(project_application)
