from . import wxclient
from . import wxcrypt
