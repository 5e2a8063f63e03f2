from . import test_messaging_tools
from . import test_messaging
from . import test_automation
from . import test_campaign_report
from . import test_optout
