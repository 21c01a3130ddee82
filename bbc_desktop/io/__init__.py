"""Import and export: the full-fidelity JSON format, holiday schedules, later Excel and Word."""
