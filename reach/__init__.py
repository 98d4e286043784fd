"""Reach: education poverty reduction for district offices, wards and schools."""
