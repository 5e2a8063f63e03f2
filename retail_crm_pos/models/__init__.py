from . import barcode_rule
from . import loyalty_card
from . import loyalty_program
from . import pos_config
from . import pos_order
from . import res_partner
