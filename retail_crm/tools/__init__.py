from . import channels
from . import phone
from . import lifecycle
from . import tiers
