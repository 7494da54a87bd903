#!/usr/bin/env python
"""Django's command-line utility for ChuangCheng."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangcheng.settings")
    # manage.py is first a developer's tool: without DEBUG in the environment it runs in
    # development mode. The web server (wsgi.py) has no such default: there DEBUG is off unless
    # set, and SECRET_KEY/ALLOWED_HOSTS are required. Production shells export DEBUG=0.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
