from . import retail_member_tag_wizard
