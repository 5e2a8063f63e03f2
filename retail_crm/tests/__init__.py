from . import test_phone
from . import test_member
from . import test_access
from . import test_stats
from . import test_round_robin
from . import test_followup
from . import test_reassign
