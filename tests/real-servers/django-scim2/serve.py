"""Start django-scim2 on 127.0.0.1 for Preflight's real-server tests.

Usage: DJANGO_SCIM2_TOKEN=<token> python serve.py [PORT]   (0 or nothing = any free port)

Creates the SQLite database (in DJANGO_SCIM2_DATA_DIR when set, else a fresh temporary
directory removed on a clean exit), applies the migrations, then serves with Django's own
threaded development server and prints "READY http://127.0.0.1:PORT/scim/v2" on stdout once
it listens. The token is never printed.
"""

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def main() -> int:
    if not os.environ.get("DJANGO_SCIM2_TOKEN"):
        print("serve.py: set DJANGO_SCIM2_TOKEN to the bearer token clients must send", file=sys.stderr)
        return 2
    try:
        port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        print("serve.py: the port must be an integer from 0 to 65535", file=sys.stderr)
        return 2

    # `kill` (SIGTERM) ends the server like Ctrl-C, so the temporary database is removed too.
    signal.signal(signal.SIGTERM, _stop)

    own_dir = None
    if not os.environ.get("DJANGO_SCIM2_DATA_DIR"):
        own_dir = tempfile.mkdtemp(prefix="django-scim2-")
        os.environ["DJANGO_SCIM2_DATA_DIR"] = own_dir
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preflight_site.settings")

    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    try:
        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        server = ThreadedWSGIServer(("127.0.0.1", port), WSGIRequestHandler)
        server.set_app(get_wsgi_application())
        print(f"READY http://127.0.0.1:{server.server_port}/scim/v2", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
