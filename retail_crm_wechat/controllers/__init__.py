from . import main
from . import register
from . import sidebar
