"""Pl@ntNet API v2: POST /v2/identify/{project}, multipart images + organs.

A 404 "Species not found" is Pl@ntNet's answer for "not a plant" (or nothing
it knows), not an outage.
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import BackendCandidate, BackendRejected, BackendResult, PhotoInput
from .transport import http_post, json_body, raise_for_common_status

# Pl@ntNet names the "whole plant" organ "habit" too; every contract organ maps.
PLANTNET_ORGANS = {"auto", "leaf", "flower", "fruit", "bark", "habit"}


class PlantNetBackend:
    name = "plantnet"

    def __init__(self, *, api_key: str, base_url: str, project: str, timeout: float):
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.project = project
        self.timeout = timeout

    def identify(self, photos: Sequence[PhotoInput]) -> BackendResult:
        organs = [
            photo.organ if photo.organ in PLANTNET_ORGANS else "auto"
            for photo in photos
        ]
        # Pl@ntNet accepts "habit" only beside a primary organ.
        if all(organ == "habit" for organ in organs):
            organs[0] = "auto"
        files = [
            ("images", (f"photo-{index}.jpg", photo.data, "image/jpeg"))
            for index, photo in enumerate(photos)
        ]
        response = http_post(
            "Pl@ntNet",
            f"{self.base_url}/v2/identify/{self.project}",
            timeout=self.timeout,
            params={
                "api-key": self.api_key,
                "lang": "en",
                "include-related-images": "false",
            },
            data={"organs": organs},
            files=files,
        )
        if response.status_code == 404 and "species not found" in response.text.lower():
            return BackendResult(backend=self.name, candidates=[], is_plant=False)
        raise_for_common_status("Pl@ntNet", response)
        return self.parse(json_body("Pl@ntNet", response))

    def parse(self, body: dict) -> BackendResult:
        try:
            candidates = []
            for item in body["results"]:
                species = item["species"]
                gbif = item.get("gbif") or {}
                gbif_id = gbif.get("id")
                candidates.append(
                    BackendCandidate(
                        scientific_name=str(species["scientificNameWithoutAuthor"]),
                        score=float(item["score"]),
                        common_names=tuple(species.get("commonNames") or ()),
                        gbif_id=int(gbif_id) if gbif_id not in (None, "") else None,
                    )
                )
            remaining = body.get("remainingIdentificationRequests")
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendRejected(
                "malformed_response", "Pl@ntNet answered in an unexpected shape."
            ) from exc
        return BackendResult(
            backend=self.name,
            candidates=candidates,
            is_plant=True if candidates else None,
            remaining_requests=int(remaining) if remaining is not None else None,
        )
