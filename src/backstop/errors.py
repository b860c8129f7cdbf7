"""Errors that reach a user: every one names where the problem is and how to fix it.

A :class:`InputError` carries a list of :class:`Problem`; the CLI prints them all and
exits with code 2.  Nothing else in the package should be shown to a user as a traceback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MAX_VALUE_CHARS = 80
"""Longest value (or field name) a problem echoes; longer ones are cut and their length given."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes
    ----------
    file : str
        File the problem is in (``scenario.toml``, ``pledges.csv``, a path, or ``<cli>``).
    location : str
        Where in the file: ``line 7`` for a CSV row (header is line 1), ``key forcegen.rotation_months``
        for TOML, ``argument --as-of`` for the command line.
    field : str
        The column, key or option at fault ('' when the whole row or file is at fault).
    value : str
        The offending value, as text.
    message : str
        What is wrong.
    hint : str
        How to fix it.
    severity : str
        ``error`` (always fatal) or ``warning`` (fatal only under ``--strict``).
    """

    file: str
    location: str
    field: str
    value: str
    message: str
    hint: str = ""
    severity: str = "error"

    def __post_init__(self) -> None:
        # a value is echoed, never a whole file: long values (a 1 MB cell) are cut with their length
        for name in ("value", "field", "location"):
            text = getattr(self, name)
            if not isinstance(text, str):
                text = str(text)
            if len(text) > MAX_VALUE_CHARS:
                text = f"{text[:MAX_VALUE_CHARS]}... ({len(text):,} characters)"
            object.__setattr__(self, name, text)

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.file, self.location) if p)
        fld = f" field '{self.field}'" if self.field else ""
        val = f" (value {self.value!r})" if self.value != "" else ""
        hint = f" Hint: {self.hint}" if self.hint else ""
        detail = f"{fld}{val}".strip()
        head = f"{where}: {detail}" if detail else where
        return f"{head}: {self.message}.{hint}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class InputError(Exception):
    """Bad input from a user: one or more problems, all reported together (exit code 2)."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        n = sum(p.severity == "error" for p in self.problems) or len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


def input_error(file: str, location: str, field: str, value: object, message: str, hint: str = "") -> InputError:
    """Shorthand for an :class:`InputError` with a single problem."""
    return InputError([Problem(file, location, field, "" if value is None else str(value), message, hint)])


class DomainError(ValueError):
    """A fact the library cannot answer for the input it was given (e.g. a date outside the data).

    Library code raises it without knowing where the value came from; the caller that does
    (the scenario reader, a CLI command) words it with :meth:`at` as a :class:`Problem` naming
    the file and key or option.  The CLI's fallback prints it as bad input (exit 2).
    """

    def __init__(self, field: str, value: object, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.value = "" if value is None else str(value)
        self.message = message
        self.hint = hint

    def problem(self, file: str, location: str, field: str | None = None) -> Problem:
        """The error as a :class:`Problem` at ``file``/``location``."""
        return Problem(file, location, self.field if field is None else field, self.value, self.message, self.hint)

    def at(self, file: str, location: str, field: str | None = None) -> InputError:
        """The error as an :class:`InputError` at ``file``/``location``."""
        return InputError([self.problem(file, location, field)])


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says which extra to install."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package '{package}'. "
            f"Install it with: pip install 'backstop[{extra}]'"
        )
        self.package = package
        self.extra = extra


def require(module: str, extra: str, feature: str):
    """Import an optional module lazily, raising :class:`MissingExtraError` if it is absent."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised in test_optional_dependencies
        raise MissingExtraError(module, extra, feature) from exc
