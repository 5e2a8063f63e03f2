from . import channels
from . import phone
from . import rfm
