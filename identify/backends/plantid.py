"""Kindwise Plant.id API v3: POST /identification with base64 images.

Its error bodies are plain text (400 invalid image, 401 unknown key, 429 no
credits), so they are read as text, never parsed.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from .base import BackendCandidate, BackendRejected, BackendResult, PhotoInput
from .transport import http_post, json_body, raise_for_common_status


class PlantIdBackend:
    name = "plantid"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: float,
        location: tuple[float, float] | None = None,
    ):
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.location = location

    def identify(self, photos: Sequence[PhotoInput]) -> BackendResult:
        payload = {
            "images": [
                "data:image/jpeg;base64," + base64.b64encode(photo.data).decode("ascii")
                for photo in photos
            ],
            "similar_images": True,
        }
        if self.location is not None:
            payload["latitude"], payload["longitude"] = (
                round(self.location[0], 1),
                round(self.location[1], 1),
            )
        response = http_post(
            "Plant.id",
            f"{self.base_url}/identification",
            timeout=self.timeout,
            params={"details": "common_names,gbif_id"},
            headers={"Api-Key": self.api_key, "Accept": "application/json"},
            json=payload,
        )
        raise_for_common_status("Plant.id", response)
        return self.parse(json_body("Plant.id", response))

    def parse(self, body: dict) -> BackendResult:
        try:
            result = body["result"]
            is_plant = result.get("is_plant") or {}
            suggestions = result["classification"]["suggestions"]
            candidates = []
            for suggestion in suggestions:
                details = suggestion.get("details") or {}
                gbif_id = details.get("gbif_id")
                candidates.append(
                    BackendCandidate(
                        scientific_name=str(suggestion["name"]),
                        score=float(suggestion["probability"]),
                        common_names=tuple(details.get("common_names") or ()),
                        gbif_id=int(gbif_id) if gbif_id not in (None, "") else None,
                    )
                )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendRejected(
                "malformed_response", "Plant.id answered in an unexpected shape."
            ) from exc
        binary = is_plant.get("binary")
        return BackendResult(
            backend=self.name,
            candidates=candidates,
            is_plant=bool(binary) if binary is not None else None,
        )
