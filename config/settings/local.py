"""Development settings: the defaults of base.py, with DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F403
