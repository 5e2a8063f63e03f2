from . import test_phone
from . import test_member
from . import test_access
from . import test_stats
