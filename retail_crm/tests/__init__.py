from . import test_phone
from . import test_member
from . import test_access
from . import test_stats
from . import test_tier_rules
from . import test_tiers
from . import test_stages
