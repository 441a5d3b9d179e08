"""The licence of everything the platform publishes: the open data and the API, which both
read it here (neither imports the other)."""

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}
