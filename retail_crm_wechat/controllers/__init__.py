from . import main
from . import register
