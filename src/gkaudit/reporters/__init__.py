"""Reporters: each renders a `Report` in one format and reads nothing else."""
