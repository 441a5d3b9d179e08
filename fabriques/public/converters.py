"""URL converters for referential codes: anything else is a 404 before reaching the database."""


class CommuneCodeConverter:
    """An INSEE commune code: five digits, or 2A/2B followed by three digits (Corsica)."""

    regex = r"(?:[0-9]{2}|2[AB])[0-9]{3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SirenConverter:
    """A SIREN number: nine digits."""

    regex = r"[0-9]{9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
