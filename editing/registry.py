"""The content registry: the models whose rows readers see.

Content apps mark their models with ``@content``. A change to any registered
row makes every derived page stale (see ``editing.signals``), and the admin's
editing safeguards are built for these models. Quiz results and history tables
are not content and are never registered.
"""

_content_models = []


def content(model):
    """Class decorator: ``model`` holds content that public pages show."""
    _content_models.append(model)
    return model


def content_models():
    return list(_content_models)


def is_content(model):
    return model in _content_models
