from . import test_pos_points
from . import test_pos_query
from . import test_pos_preload
from . import test_pos_server
from . import test_pos_tours
