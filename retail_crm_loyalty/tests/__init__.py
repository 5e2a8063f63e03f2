from . import test_loyalty_rules
from . import test_points
from . import test_expiry
from . import test_concurrency
from . import test_referral
from . import test_ewallet
from . import test_access
from . import test_translation
