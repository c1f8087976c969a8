#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        # Domain commands report their own outcome; this is Ctrl-C during start-up (settings, app loading) or in
        # one of Django's commands. Exit status 130 is what a shell reports for SIGINT.
        from django.apps import apps

        command = sys.argv[1] if len(sys.argv) > 1 else "manage.py"
        if not apps.ready:
            sys.stderr.write(f"{command}: interrupted during start-up: nothing was started\n")
        else:
            sys.stderr.write(f"{command}: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
