from . import retail_campaign_report
