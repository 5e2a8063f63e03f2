from . import loyalty_rules
