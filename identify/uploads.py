"""Upload checks and normalisation, before a photo is stored or sent anywhere.

Order matters: size and type (sniffed from the bytes, never the name) are
checked before Pillow parses anything; the pixel count before decoding (a
decompression bomb is refused from its header); then a full decode catches
truncated files. The stored photo is a fresh JPEG with no metadata at all
(EXIF, GPS, XMP, ICC), rotated upright first.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps
from pillow_heif import register_heif_opener

from config.api_errors import ApiError

register_heif_opener()
ImageFile.LOAD_TRUNCATED_IMAGES = False

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PHOTOS = 5
NORMALISED_MAX_SIDE = 1500
NORMALISED_QUALITY = 88
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


@dataclass(frozen=True)
class NormalisedPhoto:
    data: bytes  # JPEG, no metadata
    sha256: str
    width: int
    height: int
    organ: str


def sniff_image_type(head: bytes) -> str | None:
    """The image type from its first bytes: jpeg, png, webp, heic or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if (
        head[4:8] == b"ftyp"
        and head[8:12] != b"avif"
        and (
            head[8:12] in _HEIF_BRANDS
            or any(
                head[i : i + 4] in _HEIF_BRANDS
                for i in range(16, min(len(head), 40), 4)
            )
        )
    ):
        return "heic"
    return None


def photo_normalise(
    data: bytes, *, organ: str = "auto", name: str = ""
) -> NormalisedPhoto:
    label = f"“{name}”" if name else "The photo"
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(
            "file_too_large",
            f"{label} is larger than 10 MB; send a smaller photo.",
            413,
        )
    if not data:
        raise ApiError("empty_file", f"{label} is empty.", 400)
    kind = sniff_image_type(data[:64])
    if kind is None:
        raise ApiError(
            "unsupported_media_type",
            f"{label} is not a JPEG, PNG, WebP or HEIC image.",
            415,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ApiError(
                    "image_too_large",
                    f"{label} has more than 40 megapixels ({width}×{height}).",
                    413,
                )
            image.load()
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ApiError(
            "image_too_large", f"{label} has more than 40 megapixels.", 413
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        message = str(exc).lower()
        if "truncated" in message or "broken data stream" in message:
            raise ApiError(
                "truncated_image",
                f"{label} is incomplete (the file is cut short).",
                400,
            ) from exc
        raise ApiError(
            "invalid_image", f"{label} could not be read as an image.", 400
        ) from exc

    image = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image = image.convert("RGB")
    image.thumbnail(
        (NORMALISED_MAX_SIDE, NORMALISED_MAX_SIDE), Image.Resampling.LANCZOS
    )
    buffer = io.BytesIO()
    # A fresh JPEG written from pixels only: no exif=, no icc_profile=, no xmp.
    image.save(buffer, format="JPEG", quality=NORMALISED_QUALITY, optimize=True)
    normalised = buffer.getvalue()
    return NormalisedPhoto(
        data=normalised,
        sha256=hashlib.sha256(normalised).hexdigest(),
        width=image.width,
        height=image.height,
        organ=organ,
    )
