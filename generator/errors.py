"""The one exception type the CLI turns into a single line and a non-zero exit code."""


class GeneratorError(Exception):
    """A refused input or an unusable environment, told in one sentence for a person.

    The message says what went wrong and what to do; the CLI prints it without a traceback.
    """


def one_line(error: BaseException) -> str:
    """An exception's message on one line (its type name when it has none)."""
    return " ".join(str(error).split()) or type(error).__name__
