"""Errors raised by the Python side of Kiln (the importers)."""

from ._kiln import Error


class UnsupportedError(Error, NotImplementedError):
    """A model uses operations the importer cannot express in kiln IR.

    The message lists every unsupported target with its count and the
    graph nodes that use it; `unsupported` maps each target's description
    to the list of those node names.
    """

    def __init__(self, message, unsupported=None):
        super().__init__(message)
        self.unsupported = dict(unsupported or {})


class TraceError(Error, ValueError):
    """torch.fx could not trace the module; the message carries torch.fx's."""
