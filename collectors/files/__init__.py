"""File sources: one-shot reading of log files, line by line with byte offsets."""
