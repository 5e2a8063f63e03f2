from . import barcode_rule
from . import pos_config
from . import pos_order
from . import res_partner
