from . import channels
from . import phone
from . import round_robin
from . import rfm
from . import lifecycle
from . import tiers
from . import planner
