from . import main
from . import sidebar
