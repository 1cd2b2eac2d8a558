"""Uploaded files are never reachable by their storage path, even with DEBUG on (issue 12 §6)."""
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


def test_an_uploaded_file_has_no_public_url_in_debug(settings, researcher):
    settings.DEBUG = True
    clear_url_caches()
    name = default_storage.save("challenges/2026/12/机密方案.txt", ContentFile("机密".encode()))
    try:
        client = Client()
        client.force_login(researcher)
        assert client.get(f"/media/{name}").status_code == 404
        assert Client().get(f"/media/{name}").status_code == 404
    finally:
        default_storage.delete(name)
