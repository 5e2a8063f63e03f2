from . import optout
