from . import test_pos_query
from . import test_pos_server
