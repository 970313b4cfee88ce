"""The sourced houseplant facts shipped with the demo (data/houseplants.csv).

An empty cell is an unknown value and stays unknown (None / "" / []).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.text import slugify

DATA_FILE = Path(__file__).parent / "data" / "houseplants.csv"


@dataclass(frozen=True)
class PlantFacts:
    scientific_name: str
    authorship: str
    synonyms: list[str]
    family: str
    common_names: list[str]
    gbif_id: int | None
    light: str
    watering: str
    humidity: str
    temperature_min_c: int | None
    temperature_max_c: int | None
    toxic_to_cats: bool | None
    toxic_to_dogs: bool | None
    difficulty: str
    mature_height_cm: int | None
    propagation: list[str]
    sources: list[str]

    @property
    def slug(self) -> str:
        return slugify(self.scientific_name)

    @property
    def display_name(self) -> str:
        return (
            self.common_names[0].capitalize()
            if self.common_names
            else self.scientific_name
        )


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def _bool(value: str) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value not in {"true", "false"}:
        raise ValueError(f"not a boolean: {value!r}")
    return value == "true"


@cache
def plant_facts_list() -> tuple[PlantFacts, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        PlantFacts(
            scientific_name=row["scientific_name"].strip(),
            authorship=row["authorship"].strip(),
            synonyms=_split(row["synonyms"]),
            family=row["family"].strip(),
            common_names=_split(row["common_names"]),
            gbif_id=_int(row["gbif_id"]),
            light=row["light"].strip(),
            watering=row["watering"].strip(),
            humidity=row["humidity"].strip(),
            temperature_min_c=_int(row["temp_min_c"]),
            temperature_max_c=_int(row["temp_max_c"]),
            toxic_to_cats=_bool(row["toxic_to_cats"]),
            toxic_to_dogs=_bool(row["toxic_to_dogs"]),
            difficulty=row["difficulty"].strip(),
            mature_height_cm=_int(row["mature_height_cm"]),
            propagation=_split(row["propagation"]),
            sources=_split(row["sources"]),
        )
        for row in rows
    )
