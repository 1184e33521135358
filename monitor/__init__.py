"""meeting-monitor: watch Chinese news sources for reports of government meetings."""
