from . import test_phone
from . import test_member
from . import test_access
from . import test_stats
from . import test_import_rows
from . import test_import
from . import test_duplicates
from . import test_import_bulk
