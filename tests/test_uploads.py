"""Editors' image uploads (the Markdown editor's /markdownx/upload/): stored without
metadata, refused past the pixel limit before decoding, and a storage that cannot write
is a message to the editor with nothing left behind."""

import errno
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

UPLOAD = "/markdownx/upload/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
SECRETS = [b"secret comment", b"SecretCam", b"secret description", b"secret author"]

pytestmark = pytest.mark.django_db


def upload(client, content, name="picture"):
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, content)}, **AJAX)


def stored_files():
    root = Path(settings.MEDIA_ROOT) / "markdownx"
    return sorted(root.iterdir()) if root.exists() else []


def stored_image(response):
    assert response.status_code == 200, response.content
    [path] = stored_files()
    assert response.json() == {"image_code": f"![](/media/markdownx/{path.name})"}
    return path


def camera_exif():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90° clockwise
    return exif


def test_a_jpeg_loses_its_comment_and_exif_and_is_stored_upright(staff_client):
    buffer = io.BytesIO()
    picture = Image.new("RGB", (40, 30), (200, 30, 30))
    picture.save(buffer, format="JPEG", comment=b"secret comment", exif=camera_exif())
    assert all(secret in buffer.getvalue() for secret in SECRETS[:3])

    path = stored_image(upload(staff_client, buffer.getvalue()))
    data = path.read_bytes()
    assert not any(secret in data for secret in SECRETS)
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert "comment" not in stored.info and "exif" not in stored.info
        assert not stored.getexif()
        assert stored.size == (30, 40)  # turned as the orientation said
        assert b"\xff\xfe" not in data  # no COM segment at all


def test_a_png_loses_its_text_exif_and_colour_profile(staff_client):
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "secret author")
    text.add_itxt("Comment", "secret comment")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(
        buffer, format="PNG", pnginfo=text, exif=camera_exif(), icc_profile=srgb
    )

    path = stored_image(upload(staff_client, buffer.getvalue()))
    data = path.read_bytes()
    assert not any(secret in data for secret in SECRETS)
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"):
        assert chunk not in data, chunk
    with Image.open(path) as stored:
        assert stored.size == (30, 40)
        assert stored.getpixel((0, 0)) == (10, 120, 200)


def test_a_palette_png_keeps_its_transparency(staff_client):
    picture = Image.new("P", (4, 4), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    picture.putpixel((0, 0), 0)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", transparency=0)

    path = stored_image(upload(staff_client, buffer.getvalue()))
    with Image.open(path) as stored:
        rgba = stored.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0 and rgba.getpixel((1, 1)) == (255, 0, 0, 255)


def png_of(width, height):
    """A valid grey PNG of width × height pixels, compressed without ever holding the
    pixels: 40 megapixels take a few dozen kilobytes."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # a filter byte, then the row's pixels
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def decoded(monkeypatch):
    """Every image Pillow decodes during the test (its pixels, not just its header)."""
    sizes = []
    load = ImageFile.ImageFile.load

    def counting_load(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return sizes


def test_an_image_past_the_pixel_limit_is_refused_before_it_is_decoded(staff_client, decoded):
    forty_megapixels = png_of(8000, 5000)
    assert len(forty_megapixels) < 300_000
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's own alarm, at open
        response = upload(staff_client, forty_megapixels)
    assert response.status_code == 400
    assert response.json() == {"image": [
        "This image is 8,000 × 5,000 pixels (40.0 megapixels); images can have at most "
        "25 megapixels. Scale it down and upload it again."
    ]}  # fmt: skip
    assert decoded == []
    assert stored_files() == []


def test_a_decompression_bomb_is_refused_when_opened(staff_client, decoded):
    response = upload(staff_client, png_of(10_000, 10_000))  # 100 megapixels
    assert response.status_code == 400
    assert "too many pixels" in response.json()["image"][0]
    assert decoded == []
    assert stored_files() == []


def test_the_pixel_limit_is_a_setting(staff_client, settings):
    settings.UPLOAD_MAX_PIXELS = 1200
    assert upload(staff_client, png_of(40, 30)).status_code == 200  # exactly 1,200
    response = upload(staff_client, png_of(41, 30))
    assert response.status_code == 400
    assert "at most 0.0012 megapixels" in response.json()["image"][0]
    assert len(stored_files()) == 1


class FullDiskStorage(FileSystemStorage):
    """Creates the file, then runs out of space while writing it (as a full disk does)."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        raise OSError(errno.ENOSPC, "No space left on device", str(path))


class ReadOnlyStorage(FileSystemStorage):
    def _save(self, name, content):
        raise PermissionError(errno.EROFS, "Read-only file system", self.path(name))


@pytest.mark.parametrize("storage", [FullDiskStorage, ReadOnlyStorage])
def test_a_storage_that_cannot_write_is_a_message_and_leaves_no_file(
    staff_client, settings, storage, caplog
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.{storage.__name__}"},
    }
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, format="PNG")
    response = upload(staff_client, buffer.getvalue())
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"  # what the editor's scripts read
    assert response.json() == {"image": [
        "The server could not store the image: its disk is full or cannot be written to. "
        "Nothing was saved. Try again later, or tell an administrator."
    ]}  # fmt: skip
    assert stored_files() == []
    assert "Could not store an uploaded image" in caplog.text
