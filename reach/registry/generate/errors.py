"""The error raised when demo data cannot be generated."""


class GenerationError(ValueError):
    """Demo data cannot be generated for this unit."""
