import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls the live-server
# tests make around it are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
