"""The domain: what to say, given a topic, a severity, a profile and answers.

Pure functions from knowledge to Reports; no files, no terminal.
"""
