from . import test_wxcrypt
from . import test_client
from . import test_callbacks
from . import test_wecom
from . import test_miniprogram
from . import test_translation
from . import test_sidebar
