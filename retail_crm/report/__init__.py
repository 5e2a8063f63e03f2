from . import retail_member_report
