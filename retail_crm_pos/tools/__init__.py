from . import pos_query
