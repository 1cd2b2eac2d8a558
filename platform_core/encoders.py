import json


class UnicodeJSONEncoder(json.JSONEncoder):
    """Store Chinese text in JSON fields as characters, not \\u escapes, so `icontains` finds it on SQLite too."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
