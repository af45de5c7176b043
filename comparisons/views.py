import io
import uuid

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from .markdown import render_markdown

# --- Editor tools: django-markdownx's preview and upload endpoints -------------
# markdownx ships these views open to anyone; ours answer staff only, and an
# anonymous request is redirected to the admin login before anything runs.

MAX_PREVIEW_CHARS = 200_000
# Pillow format name -> the extension we store it under. Nothing else is kept.
UPLOAD_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 2000


@staff_member_required
@require_POST
def markdown_preview(request):
    content = request.POST.get("content", "")
    if len(content) > MAX_PREVIEW_CHARS:
        return HttpResponseBadRequest("The text is too long to preview.")
    return HttpResponse(render_markdown(content))


def _upload_error(message):
    return JsonResponse({"image": [message]}, status=400)


@staff_member_required
@require_POST
def markdown_upload(request):
    """Store a PNG or JPEG image for a Markdown field; answer with its Markdown.

    The file's own name and declared type are ignored: Pillow decides what the
    bytes are, the image is re-encoded (dropping metadata and anything smuggled
    after the pixels), and the server picks the stored name and extension.
    """
    upload = request.FILES.get("image")
    if upload is None:
        return _upload_error("Choose an image file to upload.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        limit_mb = settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)
        return _upload_error(f"The image is larger than {limit_mb} MB.")
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in UPLOAD_FORMATS:
                return _upload_error("Only PNG and JPEG images can be uploaded.")
            if width * height > MAX_IMAGE_PIXELS:
                return _upload_error("The image has too many pixels.")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            encoded = io.BytesIO()
            image.save(encoded, format=image_format)
    except UnidentifiedImageError:
        return _upload_error("Only PNG and JPEG images can be uploaded.")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _upload_error("The image file is damaged and could not be read.")

    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{UPLOAD_FORMATS[image_format]}"
    stored = default_storage.save(name, ContentFile(encoded.getvalue()))
    return JsonResponse({"image_code": f"![]({default_storage.url(stored)})"})
