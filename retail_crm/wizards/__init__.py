from . import retail_member_import
from . import retail_member_import_line
from . import retail_member_duplicate
from . import retail_member_duplicate_group
from . import retail_member_duplicate_merge
from . import retail_followup_log
from . import retail_member_reassign
from . import retail_member_tag_wizard
