from . import res_company_messaging
from . import res_config_settings_messaging
from . import retail_touch
from . import retail_automation
from . import product_category
from . import res_partner_messaging
