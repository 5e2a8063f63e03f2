from . import retail_followup_log
from . import retail_member_reassign
