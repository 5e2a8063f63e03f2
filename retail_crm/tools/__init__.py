from . import channels
from . import phone
