from . import messaging
from . import loyalty_rules
