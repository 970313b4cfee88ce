"""The care-fact box: species facts as labelled lines, unknowns said plainly.

Facts live once, on identify.Species; pages never store or invent them.
"""

from dataclasses import dataclass

UNKNOWN = "Unknown"


@dataclass(frozen=True)
class CareFact:
    key: str
    label: str
    value: str

    @property
    def is_known(self) -> bool:
        return self.value != UNKNOWN


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else UNKNOWN


def _toxicity(value: bool | None) -> str:
    if value is None:
        return UNKNOWN
    return "Toxic" if value else "Non-toxic"


def _temperature(minimum: int | None, maximum: int | None) -> str:
    if minimum is None and maximum is None:
        return UNKNOWN
    if minimum is None:
        return f"up to {maximum} °C"
    if maximum is None:
        return f"from {minimum} °C"
    return f"{minimum}–{maximum} °C"


def _watering(species) -> str:
    method = (species.watering or "").strip()
    interval = getattr(species, "watering_interval_days", None)
    if interval and method:
        return f"About every {interval} days; {method}"
    if interval:
        return f"About every {interval} days"
    return method.capitalize() if method else UNKNOWN


def care_facts_list(species) -> list[CareFact]:
    """Every care fact of ``species`` in reading order."""
    height = species.mature_height_cm
    return [
        CareFact("light", "Light", _text(species.get_light_display())),
        CareFact("watering", "Watering", _watering(species)),
        CareFact("humidity", "Humidity", _text(species.get_humidity_display())),
        CareFact(
            "temperature",
            "Temperature",
            _temperature(species.temperature_min_c, species.temperature_max_c),
        ),
        CareFact("soil", "Soil", _text(species.soil).capitalize()),
        CareFact("feeding", "Feeding", _text(species.feeding).capitalize()),
        CareFact("toxic_to_cats", "Cats", _toxicity(species.toxic_to_cats)),
        CareFact("toxic_to_dogs", "Dogs", _toxicity(species.toxic_to_dogs)),
        CareFact("difficulty", "Difficulty", _text(species.get_difficulty_display())),
        CareFact("growth_rate", "Growth", _text(species.get_growth_rate_display())),
        CareFact(
            "size",
            "Mature height",
            f"up to {height} cm" if height else UNKNOWN,
        ),
        CareFact(
            "propagation",
            "Propagation",
            ", ".join(species.propagation).capitalize()
            if species.propagation
            else UNKNOWN,
        ),
    ]
