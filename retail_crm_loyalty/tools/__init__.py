from . import messaging
