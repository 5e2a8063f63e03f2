from . import retail_member_report
from . import retail_followup_analysis
